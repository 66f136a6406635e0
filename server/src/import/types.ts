import type { Geometry } from 'geojson';
import type { LayerName } from '../contract/layers.js';

/** One feature read from a file, before validation. `source` says where it came from for error reports. */
export interface ImportFeature {
  layer: LayerName;
  geometry: Geometry;
  properties: Record<string, unknown>;
  /** "feature 12", "row 40", "way 4097656". */
  source: string;
}

export interface ImportIssue {
  source: string;
  layer: LayerName;
  /** e.g. "properties.category", "geometry". */
  path: string;
  message: string;
}

export type InputFormat = 'geojson' | 'csv' | 'shapefile' | 'osm-pbf';
export type InputCrs = 'wgs84' | 'gcj02';

export interface ImportReport {
  file: string;
  format: InputFormat;
  crs: InputCrs;
  /** Rows written per layer. */
  imported: Partial<Record<LayerName, number>>;
  /** Rows refused (listed in `issues`). */
  rejected: number;
  /** The first 200 problems, enough to fix a file. */
  issues: ImportIssue[];
  /** Properties in the file that no column takes, with how often they occurred. */
  ignoredProperties: Record<string, number>;
  ms: number;
}

/** Long imports report progress as a share in [0, 1] and a phase name. */
export type ProgressFn = (share: number, phase: string) => void;
