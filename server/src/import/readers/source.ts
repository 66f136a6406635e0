import type { Geometry } from 'geojson';

/**
 * The seam between reading a file (formats, encodings, CRS — `readers/`) and writing it into a layer (mapping,
 * validation, idempotence — the import service). A reader says what the file holds, as read, in WGS84; it gives
 * no column a meaning beyond the coordinates.
 */
export type SourceFormat = 'geojson' | 'csv' | 'xlsx' | 'shapefile' | 'kml' | 'kmz' | 'osm-pbf';

/** A detected value and why it was chosen, e.g. `{ value: 'gbk', reason: 'DBF language byte 0x4D' }`. */
export interface Detected<T> {
  value: T;
  reason: string;
}

export type CellValue = string | number | boolean | null | Date;

export interface RowAsRead {
  /** 1-based data row; for csv/xlsx the spreadsheet's own row number (header row included in the count). */
  rowNumber: number;
  /** Every source column as read, text decoded. */
  properties: Record<string, CellValue>;
  /** WGS84 (EPSG:4326), reprojected / de-offset by the reader; null when the row has none. */
  geometry: Geometry | null;
}

export type ColumnType = 'text' | 'number' | 'integer' | 'boolean' | 'date' | 'datetime';

export interface ColumnAsRead {
  name: string;
  inferredType: ColumnType;
  samples: string[];
}

export interface LeftOut {
  what: string;
  count: number;
  why: string;
}

export interface SourceRead {
  format: Detected<SourceFormat>;
  encoding: Detected<string> | null;
  /** 'EPSG:4326', 'EPSG:4490', 'EPSG:4549', 'EPSG:3857', 'gcj02', 'bd09', … — the file's CRS before reprojection. */
  crs: Detected<string>;
  columns: ColumnAsRead[];
  geometryTypes: string[];
  /** Known after reading; a streaming reader fills it once `rows()` has been run to the end. */
  rowCount: number;
  /** What the file holds that was not read, e.g. OSM relations of other kinds. Filled by the end of `rows()`. */
  leftOut: LeftOut[];
  /** The rows, streamed (a 2,000,000-row CSV in bounded memory). May be iterated more than once. */
  rows(): AsyncIterable<RowAsRead>;
}

/** Budgets against hostile files; every one settable, defaults that a real city's files pass. */
export interface ReadLimits {
  /** Bytes one zip entry may inflate to. */
  maxEntryBytes: number;
  /** Bytes all zip entries together may inflate to. */
  maxTotalBytes: number;
  /** Inflated / compressed size allowed per entry (a zip bomb is ~1000×). */
  maxRatio: number;
  /** Vertices in one feature. */
  maxFeatureVertices: number;
  /** Vertices in the whole file. */
  maxFileVertices: number;
  /** Columns (CSV/xlsx header, DBF fields, GeoJSON property keys per feature). */
  maxColumns: number;
}

export interface ReadOptions {
  filename: string;
  /** 'EPSG:n', 'wgs84', 'gcj02', 'bd09'; overrides what the file says. */
  crs?: string;
  /** e.g. 'utf-8', 'gbk'; overrides detection. */
  encoding?: string;
  /** xlsx sheet name (default the first). */
  sheet?: string;
  lonColumn?: string;
  latColumn?: string;
  limits?: Partial<ReadLimits>;
}

export type ReadInput = { path: string } | { bytes: Uint8Array };

/** Implemented in `./read-source.ts`; re-exported here so callers import the seam from one place. */
export type ReadSourceFn = (input: ReadInput, opts: ReadOptions) => Promise<SourceRead>;
