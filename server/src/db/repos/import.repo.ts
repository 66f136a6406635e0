import type { Geometry } from 'geojson';
import { LAYERS, type LayerName } from '../../contract/layers.js';
import type { Queryable } from '../client.js';
import { geometrySql } from '../bulk-insert.js';
import { h3CellsOf } from '../h3-cells.js';
import { writeAudit } from './audit.repo.js';

/**
 * SQL of the import's write side: validity and repair, derived columns, matching rows of earlier imports
 * (`import_key`), updates with their before-images, batches (`import_batch`, `import_row`) and undo.
 * Table and column names come from the layer catalogue (contract/layers.ts), never from a file.
 */

export interface GeometryProblem {
  i: number;
  reason: string;
  /** With repair: the valid geometry ST_MakeValid made (its polygonal / linear part), or null when nothing is left. */
  repaired: Geometry | null;
}

/** Rows PostGIS finds invalid, with the reason; with `repair`, what ST_MakeValid makes of them. */
export async function invalidGeometries(
  tx: Queryable,
  layer: LayerName,
  geoms: readonly Geometry[],
  repair: boolean,
): Promise<GeometryProblem[]> {
  const def = LAYERS[layer];
  if (def.stores === 'Point' || geoms.length === 0) return [];
  const dim = def.stores === 'LineString' ? 2 : 3;
  const rows = await tx.query<{ i: number; reason: string; fixed: Geometry | null }>(
    `SELECT u.i::int - 1 AS i, ST_IsValidReason(g.geom) AS reason,
            CASE WHEN $2::boolean THEN (SELECT CASE WHEN ST_IsEmpty(x) THEN NULL ELSE ST_AsGeoJSON(x, 9)::json END
                                        FROM ST_CollectionExtract(ST_MakeValid(g.geom), $3::int) AS x) END AS fixed
     FROM unnest($1::text[]) WITH ORDINALITY AS u(gj, i)
     CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(u.gj), 4326) AS geom) g WHERE NOT ST_IsValid(g.geom)`,
    [geoms.map((g) => JSON.stringify(g)), repair, dim],
  );
  return rows.map((r) => ({ i: r.i, reason: r.reason, repaired: r.fixed }));
}

/**
 * A digest of each geometry as it would be stored, normalised (ST_Normalize: ring order and start vertex), so a
 * Shapefile's clockwise rings and a GeoJSON's counter-clockwise ones of the same shape compare equal.
 */
export async function geometryDigests(tx: Queryable, layer: LayerName, geoms: readonly Geometry[]): Promise<string[]> {
  const def = LAYERS[layer];
  const rows = await tx.query<{ i: number; d: string }>(
    `SELECT u.i::int - 1 AS i, md5(ST_AsBinary(ST_Normalize(${geometrySql(def, 'u.gj')}))) AS d
     FROM unnest($1::text[]) WITH ORDINALITY AS u(gj, i)`,
    [geoms.map((g) => JSON.stringify(g))],
  );
  const out = new Array<string>(geoms.length).fill('');
  for (const r of rows) out[r.i] = r.d;
  return out;
}

/**
 * The district code of each polygon: the district-level admin area its point-on-surface lies in (a township's or
 * community's `district_code`), else the region's code; null when no admin area is loaded.
 */
export async function districtCodesFor(tx: Queryable, geoms: readonly Geometry[]): Promise<(string | null)[]> {
  const rows = await tx.query<{ i: number; code: string | null }>(
    `SELECT u.i::int - 1 AS i,
       coalesce(
         (SELECT CASE WHEN a.level = 'district' THEN a.code ELSE a.district_code END FROM admin_area a
           WHERE a.level IN ('district', 'township', 'community')
             AND ST_Intersects(a.geom, ST_PointOnSurface(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(u.gj), 4326))))
             AND (a.level = 'district' OR a.district_code IS NOT NULL)
           ORDER BY a.level = 'district' DESC, a.id LIMIT 1),
         (SELECT code FROM admin_area WHERE level = 'region' ORDER BY id LIMIT 1)) AS code
     FROM unnest($1::text[]) WITH ORDINALITY AS u(gj, i) ORDER BY u.i`,
    [geoms.map((g) => JSON.stringify(g))],
  );
  const out = new Array<string | null>(geoms.length).fill(null);
  for (const r of rows) out[r.i] = r.code;
  return out;
}

export async function stationIdsByCode(tx: Queryable, codes: readonly string[]): Promise<Map<string, number>> {
  const rows = await tx.query<{ code: string; id: number }>(
    `SELECT code, id::int AS id FROM station WHERE code = ANY($1::text[])`,
    [codes],
  );
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** The 6-digit GB/T 2260 prefixes of the loaded admin areas (a camera's code should start with one). */
export async function divisionPrefixes(tx: Queryable): Promise<Set<string>> {
  const rows = await tx.query<{ p: string }>(`SELECT DISTINCT left(code, 6) AS p FROM admin_area`);
  return new Set(rows.map((r) => r.p));
}

export interface KeyMatch {
  i: number;
  featureId: number;
  digest: string;
  keyVersion: number;
  rowVersion: number;
}

/** Source rows (key, occurrence) an earlier import wrote, whose stored row still exists. */
export async function matchImportKeys(
  tx: Queryable,
  layer: LayerName,
  keys: readonly string[],
  occurrences: readonly number[],
): Promise<KeyMatch[]> {
  const t = LAYERS[layer].table;
  return tx.query<KeyMatch>(
    `SELECT u.i::int - 1 AS i, k.feature_id::int AS "featureId", k.digest, k.version AS "keyVersion", r.version AS "rowVersion"
     FROM unnest($2::text[], $3::int[]) WITH ORDINALITY AS u(key, occ, i)
     JOIN import_key k ON k.layer = $1 AND k.key = u.key AND k.occurrence = u.occ
     JOIN ${t} r ON r.id = k.feature_id`,
    [layer, keys, occurrences],
  );
}

/** Stored rows by a unique column (code, gb_code) for rows no earlier import recorded (edited by hand, demo city). */
export async function matchByUniqueColumn(
  tx: Queryable,
  layer: LayerName,
  column: 'code' | 'gb_code',
  values: readonly string[],
): Promise<Map<string, { id: number; version: number }>> {
  const t = LAYERS[layer].table;
  const c = column === 'code' ? 'code' : 'gb_code';
  const rows = await tx.query<{ v: string; id: number; version: number }>(
    `SELECT ${c} AS v, id::int AS id, version FROM ${t} WHERE ${c} = ANY($1::text[])`,
    [values],
  );
  return new Map(rows.map((r) => [r.v, { id: r.id, version: r.version }]));
}

/** Before-images of rows about to be updated: every column, the geometry as hex EWKB (jsonb_populate_record reads it). */
export async function snapshotRows(
  tx: Queryable,
  layer: LayerName,
  ids: readonly number[],
): Promise<Map<number, unknown>> {
  const t = LAYERS[layer].table;
  const rows = await tx.query<{ id: number; before: unknown }>(
    `SELECT id::int AS id, to_jsonb(r) || jsonb_build_object('geom', encode(ST_AsEWKB(r.geom), 'hex')) AS before
     FROM ${t} r WHERE id = ANY($1::bigint[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.before]));
}

export interface UpdateRow {
  id: number;
  geometry: Geometry;
  properties: Record<string, unknown>;
}

/**
 * Updates rows in place with the file's values (columns a row leaves out keep theirs), bumps their version.
 * @returns the new version of each id
 */
export async function updateFeatures(
  tx: Queryable,
  layer: LayerName,
  rows: readonly UpdateRow[],
): Promise<Map<number, number>> {
  const def = LAYERS[layer];
  const out = new Map<number, number>();
  const groups = new Map<string, UpdateRow[]>();
  for (const r of rows) {
    const k = def.columns.map((c) => (r.properties[c.name] !== undefined ? '1' : '0')).join('');
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  for (const group of groups.values()) {
    const cols = def.columns.filter((c) => group[0]?.properties[c.name] !== undefined);
    const params: unknown[] = [group.map((r) => r.id), group.map((r) => JSON.stringify(r.geometry))];
    const args = ['$1::bigint[]', '$2::text[]'];
    const aliases = ['id', 'g'];
    const sets = [`geom = ${geometrySql(def, 'u.g')}`];
    for (const c of cols) {
      params.push(group.map((r) => r.properties[c.name] ?? null));
      args.push(`$${params.length}::${c.sqlType}[]`);
      aliases.push(c.name);
      sets.push(`${c.name} = u.${c.name}`);
    }
    if (def.h3) {
      const cells = group.map((r) => {
        const [lon, lat] = (r.geometry.type === 'Point' ? r.geometry.coordinates : [0, 0]) as [number, number];
        return h3CellsOf(lon, lat);
      });
      for (let k = 0; k < 4; k++) {
        params.push(cells.map((c) => c[k]));
        args.push(`$${params.length}::bigint[]`);
        aliases.push(`h${k}`);
        sets.push(`h3_r${[7, 8, 9, 10][k]} = u.h${k}`);
      }
    }
    const res = await tx.query<{ id: number; version: number }>(
      `UPDATE ${def.table} AS r SET ${sets.join(', ')}, version = r.version + 1, updated_at = now()
       FROM unnest(${args.join(', ')}) AS u(${aliases.join(', ')}) WHERE r.id = u.id
       RETURNING r.id::int AS id, r.version`,
      params,
    );
    for (const r of res) out.set(r.id, r.version);
  }
  return out;
}

export async function versionsOf(
  tx: Queryable,
  layer: LayerName,
  ids: readonly number[],
): Promise<Map<number, number>> {
  const t = LAYERS[layer].table;
  const rows = await tx.query<{ id: number; version: number }>(
    `SELECT id::int AS id, version FROM ${t} WHERE id = ANY($1::bigint[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.version]));
}

export async function createBatch(
  tx: Queryable,
  b: { actor: string; file: string; format: string; layers: string[] },
): Promise<number> {
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO import_batch (actor, file, format, layers, counts) VALUES ($1, $2, $3, $4::text[], '{}'::jsonb) RETURNING id::int AS id`,
    [b.actor, b.file, b.format, b.layers],
  );
  if (!row) throw new Error('import_batch insert returned no id');
  return row.id;
}

/** Closes a batch with what it did and the layers it wrote (known only once the whole file went through). */
export async function finishBatch(tx: Queryable, id: number, counts: unknown, layers: string[]): Promise<void> {
  await tx.query(`UPDATE import_batch SET counts = $2::jsonb, layers = $3::text[] WHERE id = $1`, [
    id,
    JSON.stringify(counts),
    layers,
  ]);
}

export interface BatchRowWrite {
  featureId: number;
  action: 'new' | 'updated' | 'unchanged';
  before: unknown;
  version: number;
  key: string;
  occurrence: number;
  digest: string;
}

/** Whether any import recorded keys of this layer (else a file's rows can match none). */
export async function layerHasImportKeys(tx: Queryable, layer: LayerName): Promise<boolean> {
  const [row] = await tx.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM import_key WHERE layer = $1) AS any', [
    layer,
  ]);
  return row?.any === true;
}

/**
 * How many rows with each of these keys the batch has recorded so far: the occurrence the next row with that key
 * continues from. A file goes in chunk by chunk, and every row written is recorded under the batch (recordBatchRows),
 * so the table counts what an in-memory map of 2,000,000 fingerprints would (~200 MB).
 */
export async function occurrencesSoFar(
  tx: Queryable,
  batchId: number,
  layer: LayerName,
  keys: readonly string[],
): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await tx.query<{ key: string; n: number }>(
    `SELECT key, max(occurrence)::int AS n FROM import_key
      WHERE layer = $1 AND batch_id = $2 AND key = ANY($3::text[]) GROUP BY key`,
    [layer, batchId, [...new Set(keys)]],
  );
  return new Map(rows.map((r) => [r.key, r.n]));
}

/** Records what the batch wrote (for undo) and where each source row went (for the next re-import). */
export async function recordBatchRows(
  tx: Queryable,
  batchId: number,
  layer: LayerName,
  rows: readonly BatchRowWrite[],
): Promise<void> {
  if (rows.length === 0) return;
  const changed = rows.filter((r) => r.action !== 'unchanged');
  await tx.query(
    `INSERT INTO import_row (batch_id, layer, feature_id, action, before, version)
     SELECT $1, $2, u.f, u.a, u.b::jsonb, u.v FROM unnest($3::bigint[], $4::text[], $5::text[], $6::int[]) AS u(f, a, b, v)
     ON CONFLICT (batch_id, layer, feature_id) DO NOTHING`,
    [
      batchId,
      layer,
      changed.map((r) => r.featureId),
      changed.map((r) => r.action),
      changed.map((r) => (r.before === undefined ? null : JSON.stringify(r.before))),
      changed.map((r) => r.version),
    ],
  );
  await tx.query(
    `INSERT INTO import_key (layer, key, occurrence, feature_id, digest, version, batch_id)
     SELECT $1, u.k, u.o, u.f, u.d, u.v, $2 FROM unnest($3::text[], $4::int[], $5::bigint[], $6::text[], $7::int[]) AS u(k, o, f, d, v)
     ON CONFLICT (layer, key, occurrence) DO UPDATE
       SET feature_id = EXCLUDED.feature_id, digest = EXCLUDED.digest, version = EXCLUDED.version, batch_id = EXCLUDED.batch_id`,
    [
      layer,
      batchId,
      rows.map((r) => r.key),
      rows.map((r) => r.occurrence),
      rows.map((r) => r.featureId),
      rows.map((r) => r.digest),
      rows.map((r) => r.version),
    ],
  );
}

export async function auditImport(
  tx: Queryable,
  a: { actor: string; batchId: number; action: 'import' | 'delete'; after: unknown },
): Promise<void> {
  await writeAudit(tx, {
    actor: a.actor,
    entity: 'import',
    entityId: String(a.batchId),
    action: a.action,
    after: a.after,
  });
}

export interface BatchSummary {
  id: number;
  at: Date;
  actor: string;
  file: string;
  format: string;
  layers: string[];
  counts: unknown;
  undoneAt: Date | null;
  undoneBy: string | null;
}

const BATCH_COLUMNS = `id::int AS id, at, actor, file, format, layers, counts, undone_at AS "undoneAt", undone_by AS "undoneBy"`;

/** The latest batches, newest first; with `actor`, only that user's. */
export async function listBatches(db: Queryable, limit: number, actor?: string): Promise<BatchSummary[]> {
  return db.query<BatchSummary>(
    `SELECT ${BATCH_COLUMNS} FROM import_batch WHERE $2::text IS NULL OR actor = $2 ORDER BY id DESC LIMIT $1`,
    [limit, actor ?? null],
  );
}

export async function lockBatch(tx: Queryable, id: number): Promise<BatchSummary | undefined> {
  const [row] = await tx.query<BatchSummary>(`SELECT ${BATCH_COLUMNS} FROM import_batch WHERE id = $1 FOR UPDATE`, [
    id,
  ]);
  return row;
}

/** Rows of a batch edited since it wrote them: their version moved on (or they are gone). */
export async function editedSince(
  tx: Queryable,
  batchId: number,
  layer: LayerName,
): Promise<{ featureId: number; action: string; reason: string }[]> {
  const t = LAYERS[layer].table;
  return tx.query(
    `SELECT ir.feature_id::int AS "featureId", ir.action,
            CASE WHEN r.id IS NULL THEN 'deleted since the import' ELSE 'edited since the import (version ' || r.version || ', import wrote ' || ir.version || ')' END AS reason
     FROM import_row ir LEFT JOIN ${t} r ON r.id = ir.feature_id
     WHERE ir.batch_id = $1 AND ir.layer = $2 AND ir.action IN ('new', 'updated') AND (r.id IS NULL OR r.version <> ir.version)
     ORDER BY ir.feature_id`,
    [batchId, layer],
  );
}

/**
 * Deletes the rows the batch added and restores the ones it changed, except the rows in `kept` (edited or deleted
 * since the import: they stay as they are now, and their import keys too).
 */
export async function undoBatchRows(
  tx: Queryable,
  batchId: number,
  layer: LayerName,
  kept: readonly number[] = [],
): Promise<{ deleted: number; restored: number }> {
  const def = LAYERS[layer];
  const t = def.table;
  await tx.query(
    `DELETE FROM import_key k USING import_row ir
     WHERE ir.batch_id = $1 AND ir.layer = $2 AND ir.action = 'new' AND k.layer = ir.layer AND k.feature_id = ir.feature_id
       AND NOT (ir.feature_id = ANY($3::bigint[]))`,
    [batchId, layer, kept],
  );
  const deleted = await tx.query(
    `DELETE FROM ${t} r USING import_row ir
     WHERE ir.batch_id = $1 AND ir.layer = $2 AND ir.action = 'new' AND r.id = ir.feature_id
       AND NOT (ir.feature_id = ANY($3::bigint[])) RETURNING r.id`,
    [batchId, layer, kept],
  );
  const cols = [...def.columns.map((c) => c.name), 'geom', ...(def.h3 ? ['h3_r7', 'h3_r8', 'h3_r9', 'h3_r10'] : [])];
  const sets = cols.map((c) => `${c} = b.${c}`).join(', ');
  const restored = await tx.query<{ id: number; version: number }>(
    `UPDATE ${t} AS r SET ${sets}, version = r.version + 1, updated_at = now()
     FROM import_row ir CROSS JOIN LATERAL jsonb_populate_record(NULL::${t}, ir.before) AS b
     WHERE ir.batch_id = $1 AND ir.layer = $2 AND ir.action = 'updated' AND r.id = ir.feature_id
       AND NOT (ir.feature_id = ANY($3::bigint[]))
     RETURNING r.id::int AS id, r.version`,
    [batchId, layer, kept],
  );
  // The restored rows no longer hold what this batch wrote: the next import of the file sees them as changed. Rows
  // the batch found unchanged keep their digest (it did not touch them, so they still hold what the file says).
  await tx.query(
    `UPDATE import_key k SET digest = '' FROM import_row ir
     WHERE ir.batch_id = $2 AND ir.layer = $1 AND ir.action = 'updated' AND k.layer = $1 AND k.feature_id = ir.feature_id
       AND NOT (ir.feature_id = ANY($3::bigint[]))`,
    [layer, batchId, kept],
  );
  // Rows a `replace` deleted come back as they were, with their id and the import keys they had.
  const back = await tx.query<{ id: number }>(
    `INSERT INTO ${t} OVERRIDING SYSTEM VALUE
     SELECT (jsonb_populate_record(NULL::${t}, ir.before)).* FROM import_row ir
     WHERE ir.batch_id = $1 AND ir.layer = $2 AND ir.action = 'deleted' RETURNING id::int AS id`,
    [batchId, layer],
  );
  await tx.query(
    `INSERT INTO import_key (layer, key, occurrence, feature_id, digest, version, batch_id)
     SELECT $2, k->>'key', (k->>'occurrence')::int, ir.feature_id, k->>'digest', (k->>'version')::int, (k->>'batch_id')::bigint
     FROM import_row ir CROSS JOIN LATERAL jsonb_array_elements(coalesce(ir.before->'_keys', '[]'::jsonb)) AS k
     WHERE ir.batch_id = $1 AND ir.layer = $2 AND ir.action = 'deleted'
     ON CONFLICT (layer, key, occurrence) DO NOTHING`,
    [batchId, layer],
  );
  return { deleted: deleted.length, restored: restored.length + back.length };
}

export async function markUndone(tx: Queryable, id: number, actor: string): Promise<void> {
  await tx.query(`UPDATE import_batch SET undone_at = now(), undone_by = $2 WHERE id = $1`, [id, actor]);
}

/**
 * `mode replace`: the rows earlier imports of the same file wrote into the layer (their import keys still point at
 * a batch of that file, not undone) that this import did not write or match.
 */
export async function rowsToReplace(
  tx: Queryable,
  layer: LayerName,
  file: string,
  keep: readonly number[],
): Promise<number[]> {
  const rows = await tx.query<{ id: number }>(
    `SELECT DISTINCT k.feature_id::int AS id FROM import_key k JOIN import_batch b ON b.id = k.batch_id
     WHERE k.layer = $1 AND b.file = $2 AND b.undone_at IS NULL AND NOT (k.feature_id = ANY($3::bigint[]))
     ORDER BY 1`,
    [layer, file, keep],
  );
  return rows.map((r) => r.id);
}

/** Deletes rows for `mode replace`, listing each in the batch with its before-image and import keys (for undo). */
export async function deleteForReplace(
  tx: Queryable,
  batchId: number,
  layer: LayerName,
  ids: readonly number[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const t = LAYERS[layer].table;
  await tx.query(
    `INSERT INTO import_row (batch_id, layer, feature_id, action, before, version)
     SELECT $1, $2, r.id, 'deleted',
            to_jsonb(r) || jsonb_build_object('geom', encode(ST_AsEWKB(r.geom), 'hex'), '_keys',
              (SELECT coalesce(jsonb_agg(jsonb_build_object('key', k.key, 'occurrence', k.occurrence, 'digest', k.digest,
                                                            'version', k.version, 'batch_id', k.batch_id)), '[]'::jsonb)
               FROM import_key k WHERE k.layer = $2 AND k.feature_id = r.id)),
            r.version
     FROM ${t} r WHERE r.id = ANY($3::bigint[])`,
    [batchId, layer, ids],
  );
  await tx.query(`DELETE FROM import_key WHERE layer = $1 AND feature_id = ANY($2::bigint[])`, [layer, ids]);
  const gone = await tx.query(`DELETE FROM ${t} WHERE id = ANY($1::bigint[]) RETURNING id`, [ids]);
  return gone.length;
}

/** Whether the deployment holds any road (the roads layer) (the CRS guess needs roads to measure against). */
export async function hasRoadEdges(tx: Queryable): Promise<boolean> {
  const rows = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM road LIMIT 1) s`);
  return (rows[0]?.n ?? 0) > 0;
}

/**
 * Metres from each point (WGS84 lon/lat) to the nearest road of the roads layer: the 8 nearest by the index (`<->` in
 * degrees), then the least geodesic distance among them. In the order given.
 */
export async function distancesToRoads(
  tx: Queryable,
  lon: readonly number[],
  lat: readonly number[],
): Promise<number[]> {
  const rows = await tx.query<{ i: number; d: number }>(
    `SELECT p.i::int AS i, (SELECT min(ST_Distance(p.g::geography, n.geom::geography)) FROM
        (SELECT e.geom FROM road e ORDER BY e.geom <-> p.g LIMIT 8) n) AS d
     FROM (SELECT u.i, ST_SetSRID(ST_MakePoint(u.x, u.y), 4326) AS g
           FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS u(x, y, i)) p
     ORDER BY p.i`,
    [lon, lat],
  );
  return rows.map((r) => Number(r.d));
}
