import { assertImportedBeatsInScope } from '../services/scope.service.js';
import type { SignedInUser } from '../services/auth.service.js';
import { insertFeatures } from '../db/bulk-insert.js';
import type { Db, Queryable } from '../db/client.js';
import { LAYER_NAMES, LAYERS, type LayerName } from '../contract/layers.js';
import { problemFromDbError } from '../db/pg-errors.js';
import { UnprocessableError, ValidationError } from '../errors.js';
import { rowsToFeatures } from './csv.reader.js';
import { osmFeatures } from './osm.reader.js';
import { parseInWorker } from './readers/parse-in-worker.js';
import type { LeftOut, ReadLimits } from './readers/source.js';
import type { ImportFeature, ImportIssue, ImportReport, InputCrs, InputFormat, ProgressFn } from './types.js';
import { validateFeature } from './validate.js';

export interface ImportOptions {
  fileName: string;
  format: InputFormat;
  /** Target layer; OSM PBF fills roads, buildings, key places and cameras by itself. */
  layer?: LayerName;
  crs?: InputCrs;
  /** Load the valid features and report the rest, instead of refusing the whole file. Default: false, except OSM. */
  skipInvalid?: boolean;
  /** CSV timestamps without an offset are read in this zone. */
  timeZone?: string;
  actor: string;
  /** The signed-in user: a planner's beats are fenced to their station (services/scope.service.ts). */
  user?: SignedInUser;
  onProgress?: ProgressFn;
  /** Budgets against hostile files (zip sizes, vertices, columns); defaults in readers/limits.ts. */
  limits?: Partial<ReadLimits>;
}

const MAX_ISSUES = 200;
/** Rows per insert call, so progress moves during large layers. */
const SLICE = 5000;

/** The format from a file name, for the CLI and uploads without a `format` (the readers also look at the bytes). */
export function formatFromName(name: string): InputFormat | undefined {
  const n = name.toLowerCase();
  if (n.endsWith('.osm.pbf') || n.endsWith('.pbf')) return 'osm-pbf';
  if (n.endsWith('.geojson') || n.endsWith('.json')) return 'geojson';
  if (n.endsWith('.csv') || n.endsWith('.tsv') || n.endsWith('.txt')) return 'csv';
  if (n.endsWith('.xlsx')) return 'xlsx';
  if (n.endsWith('.kml')) return 'kml';
  if (n.endsWith('.kmz')) return 'kmz';
  if (n.endsWith('.zip')) return 'shapefile';
  return undefined;
}

async function read(bytes: Uint8Array, o: ImportOptions): Promise<{ features: ImportFeature[]; leftOut: LeftOut[] }> {
  if (o.format !== 'osm-pbf' && !o.layer)
    throw new ValidationError('Which layer?', [
      { path: 'layer', message: `a ${o.format} import needs a target layer` },
    ]);
  // Parsed in a worker thread with resource limits: a hostile file ends there, never in the server.
  const parsed = await parseInWorker(
    bytes,
    {
      filename: o.fileName,
      ...(o.crs && o.crs !== 'wgs84' ? { crs: o.crs } : {}),
      ...(o.limits ? { limits: o.limits } : {}),
    },
    o.format,
  );
  if (o.format === 'osm-pbf')
    return { features: osmFeatures(parsed.rows, parsed.leftOut).features, leftOut: parsed.leftOut };
  const layer = o.layer;
  if (!layer)
    throw new ValidationError('Which layer?', [
      { path: 'layer', message: `a ${o.format} import needs a target layer` },
    ]);
  const tabular = o.format === 'csv' || o.format === 'xlsx';
  return {
    features: rowsToFeatures(
      parsed.rows,
      parsed.columns.map((c) => c.name),
      layer,
      { tabular, ...(o.timeZone ? { timeZone: o.timeZone } : {}) },
    ),
    leftOut: parsed.leftOut,
  };
}

/** Features whose geometry PostGIS finds invalid (self-intersections …), checked in one query per layer. */
async function invalidGeometries(
  tx: Queryable,
  layer: LayerName,
  features: readonly ImportFeature[],
): Promise<Map<number, string>> {
  if (LAYERS[layer].stores === 'Point') return new Map();
  const rows = await tx.query<{ i: number; reason: string }>(
    `SELECT u.i::int - 1 AS i, ST_IsValidReason(g.geom) AS reason
     FROM unnest($1::text[]) WITH ORDINALITY AS u(gj, i)
     CROSS JOIN LATERAL (SELECT ST_GeomFromGeoJSON(u.gj) AS geom) g WHERE NOT ST_IsValid(g.geom)`,
    [features.map((f) => JSON.stringify(f.geometry))],
  );
  return new Map(rows.map((r) => [r.i, r.reason]));
}

/**
 * Reads, converts, validates and writes one file in ONE transaction with one audit row: a failed or killed import
 * leaves nothing behind. Invalid features refuse the whole file (422 listing them) unless `skipInvalid`.
 */
export async function importFile(db: Db, bytes: Uint8Array, o: ImportOptions): Promise<ImportReport> {
  const t0 = performance.now();
  const crs = o.crs ?? 'wgs84';
  const skipInvalid = o.skipInvalid ?? o.format === 'osm-pbf'; // OSM always holds a few broken polygons
  o.onProgress?.(0, 'reading');
  const { features, leftOut } = await read(bytes, o);
  const issues: ImportIssue[] = [];
  const ignoredProperties: Record<string, number> = {};
  let rejected = 0;
  const good = new Map<LayerName, ImportFeature[]>();
  for (const raw of features) {
    const f = raw;
    const v = validateFeature(f, ignoredProperties);
    if (!v.ok) {
      rejected++;
      issues.push(...v.issues);
      continue;
    }
    const list = good.get(f.layer) ?? [];
    list.push(v.feature);
    good.set(f.layer, list);
  }
  o.onProgress?.(0.1, 'validated');
  const imported: Partial<Record<LayerName, number>> = {};
  await db.transaction(async (tx) => {
    for (const [layer, list] of good) {
      const bad = await invalidGeometries(tx, layer, list);
      if (bad.size === 0) continue;
      rejected += bad.size;
      for (const [i, reason] of bad)
        issues.push({ source: list[i]?.source ?? `#${i}`, layer, path: 'geometry', message: reason });
      good.set(
        layer,
        list.filter((_, i) => !bad.has(i)),
      );
    }
    if (rejected > 0 && !skipInvalid) {
      throw new UnprocessableError(
        `${rejected} feature(s) are invalid; nothing was imported`,
        issues.slice(0, MAX_ISSUES).map((i) => ({ path: `${i.source}: ${i.path}`, message: i.message })),
        { rejected },
      );
    }
    // The planner fence, before anything is written: a refusal names the rows and the transaction leaves nothing.
    await assertImportedBeatsInScope(tx, o.user, good.get('beats') ?? []);
    const total = [...good.values()].reduce((s, l) => s + l.length, 0);
    let done = 0;
    // Parents before children where one file holds several layers.
    for (const layer of LAYER_NAMES) {
      const list = good.get(layer);
      if (!list?.length) continue;
      for (let k = 0; k < list.length; k += SLICE) {
        const slice = list.slice(k, k + SLICE);
        try {
          await insertFeatures(tx, LAYERS[layer], slice);
        } catch (err) {
          throw problemFromDbError(err, LAYERS[layer].table) ?? err;
        }
        done += slice.length;
        o.onProgress?.(0.1 + 0.9 * (done / Math.max(1, total)), layer);
      }
      imported[layer] = list.length;
    }
    await tx.query(`INSERT INTO audit_log (actor, entity, action, after) VALUES ($1, 'import', 'import', $2::jsonb)`, [
      o.actor,
      JSON.stringify({ file: o.fileName, format: o.format, crs, imported, rejected }),
    ]);
  });
  o.onProgress?.(1, 'done');
  return {
    file: o.fileName,
    format: o.format,
    crs,
    imported,
    rejected,
    issues: issues.slice(0, MAX_ISSUES),
    ignoredProperties,
    leftOut,
    ms: performance.now() - t0,
  };
}
