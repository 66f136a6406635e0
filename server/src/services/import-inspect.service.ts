import type { Position } from 'geojson';
import type { Db, Queryable } from '../db/client.js';
import type { LayerName } from '../contract/layers.js';
import { distancesToRoads, hasRoadEdges } from '../db/repos/import.repo.js';
import {
  GUESS_CANDIDATES,
  geometryColumns,
  type GuessCandidate,
  PositionSample,
  asWgs84,
  median,
  unmappedColumns,
} from '../import/inspect.js';
import { LAYER_SPECS } from '../import/layer-specs.js';
import { chooseColumns } from '../import/mapping.js';
import { parseInWorker } from '../import/readers/parse-in-worker.js';
import type { SourceFormat, SourceRead } from '../import/readers/source.js';

export { geometryColumns };

/**
 * `--inspect` and `POST /api/v1/import/inspect`: what a file holds before a layer is chosen — the detection, the
 * columns with samples, the automatic mapping onto a layer (with the unmapped columns and the required fields still
 * missing), and, when the deployment holds roads, which of wgs84 / gcj02 / bd09 puts the file's points nearest them.
 */

export interface CrsGuess {
  /** The interpretation whose points lie nearest the roads; null when no guess could be made. */
  best: GuessCandidate | null;
  /** Median metres to the nearest road edge of the sampled points, read as each candidate. */
  medianMeters: Partial<Record<GuessCandidate, number>>;
  /** Points measured (first vertex of up to 500 rows spread over the file). */
  points: number;
  reason: string;
}

/** Geographic CRSs whose positions may really be GCJ-02 or BD-09 underneath (files rarely say). */
const GEOGRAPHIC = new Set(['EPSG:4326', 'EPSG:4490']);

/** Medians of the points read as each candidate, against the roads of the deployment. */
export async function guessCrs(db: Queryable, positions: readonly Position[], fileCrs: string): Promise<CrsGuess> {
  if (!GEOGRAPHIC.has(fileCrs))
    return {
      best: null,
      medianMeters: {},
      points: 0,
      reason: `the file's positions are ${fileCrs} (declared or given), not bare longitude/latitude: nothing to guess`,
    };
  if (!positions.length) return { best: null, medianMeters: {}, points: 0, reason: 'the file holds no positions' };
  if (!(await hasRoadEdges(db)))
    return {
      best: null,
      medianMeters: {},
      points: positions.length,
      reason: 'no roads are loaded: import roads first to have the coordinate system guessed',
    };
  const medianMeters: Partial<Record<GuessCandidate, number>> = {};
  for (const c of GUESS_CANDIDATES) {
    const ps = positions.map((p) => asWgs84(c, p));
    const d = await distancesToRoads(
      db,
      ps.map((p) => p[0] ?? 0),
      ps.map((p) => p[1] ?? 0),
    );
    medianMeters[c] = median(d);
  }
  const ranked = GUESS_CANDIDATES.map((c) => ({ c, m: medianMeters[c] ?? Number.POSITIVE_INFINITY })).sort(
    (a, b) => a.m - b.m,
  );
  const [first, second] = ranked;
  if (!first || !Number.isFinite(first.m))
    return { best: null, medianMeters, points: positions.length, reason: 'no distances could be measured' };
  const others = ranked
    .slice(1)
    .map((r) => `${r.c} ${r.m.toFixed(1)} m`)
    .join(', ');
  const close = second && second.m < first.m * 1.5 + 1;
  const far = first.m > 200;
  const reason = `${first.c} puts the points nearest the roads: median ${first.m.toFixed(1)} m (${others})${
    close ? '; the candidates are close, so the guess is weak' : ''
  }${far ? '; even the best is far from the roads, which may not cover the file' : ''}`;
  return { best: first.c, medianMeters, points: positions.length, reason };
}

export interface InspectOptions {
  fileName: string;
  format?: SourceFormat;
  crs?: string;
  sheet?: string;
  encoding?: string;
  layer?: LayerName;
  map?: Record<string, string>;
  set?: Record<string, string>;
  /** Rows returned as GeoJSON for a preview (default 2000). */
  preview?: number;
}

/** The mapping part of an inspection: only with a layer. */
export function layerMapping(
  layer: LayerName,
  columns: SourceRead['columns'],
  opts: Pick<InspectOptions, 'map' | 'set'>,
  lonLat: readonly string[] = [],
) {
  const { choices } = chooseColumns(
    layer,
    columns.map((c) => c.name),
    { ...(opts.map ? { map: opts.map } : {}), ...(opts.set ? { set: opts.set } : {}) },
  );
  const mapping = Object.fromEntries(Object.entries(choices).map(([k, c]) => [k, `${c.source} (${c.how})`]));
  const spec = LAYER_SPECS[layer];
  const missingRequired = spec.fields
    .filter((f) => f.required && !choices[f.name] && f.derived === undefined)
    .map((f) => f.name);
  return { layer: spec, mapping, missingRequired, unmapped: unmappedColumns(layer, columns, choices, lonLat) };
}

/** Reads an upload in the parse worker and answers what `--inspect` prints, with the first rows as GeoJSON. */
export async function inspectUpload(db: Db, bytes: Uint8Array, o: InspectOptions) {
  const parsed = await parseInWorker(
    bytes,
    {
      filename: o.fileName,
      ...(o.crs && o.crs !== 'wgs84' ? { crs: o.crs } : {}),
      ...(o.sheet ? { sheet: o.sheet } : {}),
      ...(o.encoding ? { encoding: o.encoding } : {}),
    },
    o.format,
  );
  const sample = new PositionSample();
  for (const r of parsed.rows) sample.add(r.geometry);
  const { rows, ...detected } = parsed;
  const crsGuess = await guessCrs(db, sample.positions(), parsed.crs.value);
  const limit = o.preview ?? 2000;
  return {
    ...detected,
    rowCount: rows.length,
    crsGuess,
    ...(o.layer ? layerMapping(o.layer, parsed.columns, o, geometryColumns(parsed.columns)) : {}),
    preview: {
      type: 'FeatureCollection' as const,
      features: rows.slice(0, limit).map((r) => ({
        type: 'Feature' as const,
        properties: {
          ...Object.fromEntries(
            Object.entries(r.properties).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
          ),
          '@row': r.rowNumber,
        },
        geometry: r.geometry,
      })),
      truncated: rows.length > limit,
    },
  };
}
