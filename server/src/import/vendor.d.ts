// Type declarations for the two parsers that ship none.
declare module 'tiny-osmpbf' {
  export interface OsmNode {
    type: 'node';
    id: number;
    lat: number;
    lon: number;
    tags?: Record<string, string>;
  }
  export interface OsmWay {
    type: 'way';
    id: number;
    nodes: number[];
    tags?: Record<string, string>;
  }
  export interface OsmRelation {
    type: 'relation';
    id: number;
    tags?: Record<string, string>;
    members: { type: 'node' | 'way' | 'relation'; ref: number; role: string }[];
  }
  export type OsmElement = OsmNode | OsmWay | OsmRelation;
  export default function tinyosmpbf(buffer: Uint8Array): { elements: OsmElement[] };
}

declare module 'shpjs' {
  import type { FeatureCollection } from 'geojson';
  type Parsed = FeatureCollection & { fileName?: string };
  export default function shp(input: ArrayBuffer | Uint8Array): Promise<Parsed | Parsed[]>;
}
