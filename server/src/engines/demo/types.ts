import type { Geometry } from 'geojson';

/** One generated feature: geometry plus properties named like the layer's columns (see contract/layers.ts). */
export interface DemoFeature {
  geometry: Geometry;
  properties: Record<string, unknown>;
}

/**
 * The generated city, layer by layer. References between rows use codes, resolved to ids by the loader:
 * beats carry `station_code`, posts `station_code`, checkpoints `beat_code`.
 */
export interface DemoCity {
  seed: number;
  adminAreas: DemoFeature[];
  grids: DemoFeature[];
  stations: DemoFeature[];
  beats: DemoFeature[];
  keyPlaces: DemoFeature[];
  posts: DemoFeature[];
  checkpoints: DemoFeature[];
  cameras: DemoFeature[];
  incidents: DemoFeature[];
  roads: DemoFeature[];
  buildings: DemoFeature[];
}

/** Where each block's dedicated unit (school, hospital …) is, by block index c * rows + r. */
export interface PlaceBlock {
  c: number;
  r: number;
  kind: 'school' | 'kindergarten' | 'hospital' | 'market' | 'transit_hub' | 'government';
  name: string;
}
