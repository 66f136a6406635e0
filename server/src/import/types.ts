import type { Geometry } from 'geojson';
import type { LayerName } from '../contract/layers.js';
import type { LeftOut, SourceFormat } from './readers/source.js';

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

export type InputFormat = SourceFormat;
/** 'wgs84', 'gcj02', 'bd09', 'EPSG:n' (see readers/crs.ts). */
export type InputCrs = string;

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
  /** What the file holds that was not read, and why (e.g. OSM route relations). */
  leftOut: LeftOut[];
  ms: number;
  /** The batch this import is (undo it with DELETE /api/v1/import/batches/:id); null for a dry run. */
  batchId: number | null;
  dryRun: boolean;
  /** What was detected (format, encoding, CRS) and why. */
  detected: { format: string; encoding: string | null; crs: string };
  rowsRead: number;
  /** Per layer: rows added, rows changed in place, rows already there as they are in the file; `replace`: rows deleted. */
  counts: Partial<Record<LayerName, { new: number; updated: number; unchanged: number; deleted?: number }>>;
  /** "N new, M unchanged, K updated, R refused" over all layers. */
  summary: string;
  /** Refused rows grouped by reason, with the first few offenders. */
  refused: { reason: string; count: number; rows: string[] }[];
  /** Per field: how many rows had a problem there and which (the first few). */
  fieldProblems: { path: string; count: number; rows: string[] }[];
  /** Invalid polygons/lines made valid by ST_MakeValid (`makeValid`), with the reason they were invalid. */
  repaired: { source: string; layer: LayerName; reason: string }[];
  /** Columns a row left empty that took the layer's stated default (or a derived value). */
  defaulted: { column: string; count: number; value: string }[];
  /** Target column ← source column, as chosen automatically or by `map` / `set`. */
  mapping: Record<string, string>;
  /** Source columns no field took: samples and the most alike field as a suggestion (never mapped by itself). */
  unmapped: UnmappedColumn[];
  warnings: string[];
}

/** Long imports report progress as a share in [0, 1] and a phase name. */
export type ProgressFn = (share: number, phase: string) => void;

/** A column no field of the layer takes: reported with samples and a suggestion, never mapped automatically. */
export interface UnmappedColumn {
  column: string;
  samples: string[];
  /** The layer field whose name or synonyms look most like the column (not mapped: `--map field=column` does). */
  suggestion: { field: string; required: boolean; map: string; why: string } | null;
  /** What happens to the column: `left out` (its values are not stored). */
  note: string;
}
