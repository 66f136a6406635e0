import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { ConflictError, NotFoundError, UnprocessableError } from '../../errors.js';
import { CAMERA_DEFAULTED_FIELDS, geometrySql, insertFeatures } from '../bulk-insert.js';
import type { Queryable } from '../client.js';
import { h3CellsOf } from '../h3-cells.js';
import type { LayerDef } from '../../contract/layers.js';
import { problemFromDbError } from '../pg-errors.js';
import { stampEdit, writeAudit } from './audit.repo.js';

/**
 * The one repository behind every feature layer's API: list, get, create, update, delete, each write in one
 * transaction with its audit row. Driven by the LayerDef, so 11 layers share one set of SQL.
 * Features come back as GeoJSON built in SQL; h3 ids as hex text (they exceed JSON's safe integers).
 */
export interface FeatureFilter {
  bbox?: [number, number, number, number];
  /** Equality on the layer's columns. */
  filters: Record<string, unknown>;
  /** incidents: occurred_at window, ISO timestamps with offset. */
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export interface FeaturePage extends FeatureCollection {
  numberMatched: number;
  numberReturned: number;
}

/** SQL for one row of alias `t` as a GeoJSON Feature (jsonb). */
function featureJsonSql(layer: LayerDef): string {
  const h3 = layer.h3
    ? ` - 'h3_r7' - 'h3_r8' - 'h3_r9' - 'h3_r10' || jsonb_build_object('h3_r7', to_hex(t.h3_r7), 'h3_r8', to_hex(t.h3_r8),
        'h3_r9', to_hex(t.h3_r9), 'h3_r10', to_hex(t.h3_r10))`
    : '';
  return `jsonb_build_object('type', 'Feature', 'id', t.id, 'geometry', ST_AsGeoJSON(t.geom)::jsonb,
    'properties', (to_jsonb(t) - 'geom' - 'id'${h3}))`;
}

export async function listFeatures(db: Queryable, layer: LayerDef, q: FeatureFilter): Promise<FeaturePage> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  if (q.bbox)
    where.push(`t.geom && ST_MakeEnvelope(${p(q.bbox[0])}, ${p(q.bbox[1])}, ${p(q.bbox[2])}, ${p(q.bbox[3])}, 4326)`);
  for (const c of layer.columns) {
    if (q.filters[c.name] !== undefined) where.push(`t.${c.name} = ${p(q.filters[c.name])}::${c.sqlType}`);
  }
  if (q.from) where.push(`t.occurred_at >= ${p(q.from)}::timestamptz`);
  if (q.to) where.push(`t.occurred_at < ${p(q.to)}::timestamptz`);
  const sql = `SELECT count(*) OVER () AS matched, ${featureJsonSql(layer)} AS f
    FROM ${layer.table} t ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY t.id LIMIT ${p(q.limit)} OFFSET ${p(q.offset)}`;
  const rows = await db.query<{ matched: number; f: Feature }>(sql, params);
  let matched = rows[0]?.matched ?? 0;
  if (rows.length === 0 && q.offset > 0) {
    // Past the last page the window count has no row to ride on: count separately.
    const [c] = await db.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${layer.table} t ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
      params.slice(0, params.length - 2),
    );
    matched = c?.n ?? 0;
  }
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => r.f),
    numberMatched: matched,
    numberReturned: rows.length,
  };
}

export async function getFeature(db: Queryable, layer: LayerDef, id: number): Promise<Feature | undefined> {
  const [row] = await db.query<{ f: Feature }>(
    `SELECT ${featureJsonSql(layer)} AS f FROM ${layer.table} t WHERE t.id = $1`,
    [id],
  );
  return row?.f;
}

/** 422 with the GEOS reason when PostGIS finds the geometry invalid (self-intersection, ring crossing, …). */
async function assertValidGeometry(tx: Queryable, layer: LayerDef, geometry: Geometry): Promise<void> {
  const [row] = await tx.query<{ ok: boolean; reason: string }>(
    `SELECT ST_IsValid(g) AS ok, ST_IsValidReason(g) AS reason FROM (SELECT ${geometrySql(layer, '$1')} AS g) s`,
    [JSON.stringify(geometry)],
  );
  if (!row?.ok)
    throw new UnprocessableError('Invalid geometry', [{ path: 'geometry', message: row?.reason ?? 'invalid' }]);
}

/** Runs a write, mapping constraint violations to problems the client can act on. */
async function mapped<T>(layer: LayerDef, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw problemFromDbError(err, layer.table) ?? err;
  }
}

export interface WriteContext {
  tx: Queryable;
  actor: string;
}

export async function createFeature(
  { tx, actor }: WriteContext,
  layer: LayerDef,
  geometry: Geometry,
  properties: Record<string, unknown>,
): Promise<Feature> {
  await stampEdit(tx, actor);
  await assertValidGeometry(tx, layer, geometry);
  const [id] = await mapped(layer, () => insertFeatures(tx, layer, [{ geometry, properties }]));
  const created = await getFeature(tx, layer, id ?? -1);
  if (!created || id === undefined) throw new Error(`${layer.table}: inserted row not found`);
  await writeAudit(tx, { actor, entity: layer.table, entityId: String(id), action: 'create', after: created });
  return created;
}

/** Locks the row and checks the version the edit was based on: 404 when gone, 409 when someone saved first. */
async function lockCurrent(tx: Queryable, layer: LayerDef, id: number, baseVersion: number): Promise<Feature> {
  const [row] = await tx.query<{ version: number; f: Feature }>(
    `SELECT t.version, ${featureJsonSql(layer)} AS f FROM ${layer.table} t WHERE t.id = $1 FOR UPDATE`,
    [id],
  );
  if (!row) throw new NotFoundError(`No ${layer.name} feature ${id}`);
  if (row.version !== baseVersion) {
    throw new ConflictError(
      `${layer.name} ${id} was changed by someone else: it is at version ${row.version}, the edit was based on ${baseVersion}`,
      [{ path: 'version', message: `stale: current version is ${row.version}` }],
      { currentVersion: row.version, current: row.f },
    );
  }
  return row.f;
}

export async function updateFeature(
  { tx, actor }: WriteContext,
  layer: LayerDef,
  id: number,
  baseVersion: number,
  patch: { geometry?: Geometry | undefined; properties?: Record<string, unknown> | undefined },
): Promise<Feature> {
  await stampEdit(tx, actor);
  const before = await lockCurrent(tx, layer, id, baseVersion);
  const params: unknown[] = [id];
  const p = (v: unknown) => `$${params.push(v)}`;
  const sets: string[] = ['version = version + 1', 'updated_at = now()'];
  for (const c of layer.columns) {
    const v = patch.properties?.[c.name];
    if (v !== undefined) sets.push(`${c.name} = ${p(v)}::${c.sqlType}`);
  }
  const recorded = CAMERA_DEFAULTED_FIELDS.filter((f) => patch.properties?.[f] !== undefined);
  if (layer.table === 'camera' && recorded.length > 0) {
    // A field set by an edit is on record now, even when the value equals the default it had.
    sets.push(`unrecorded = ARRAY(SELECT unnest(unrecorded) EXCEPT SELECT unnest(${p(recorded)}::text[]))`);
  }
  if (patch.geometry) {
    await assertValidGeometry(tx, layer, patch.geometry);
    sets.push(`geom = ${geometrySql(layer, p(JSON.stringify(patch.geometry)))}`);
    if (layer.h3 && patch.geometry.type === 'Point') {
      const [lon, lat] = patch.geometry.coordinates as [number, number];
      h3CellsOf(lon, lat).forEach((cell, k) => {
        sets.push(`h3_r${7 + k} = ${p(cell)}::bigint`);
      });
    }
  }
  await mapped(layer, () => tx.query(`UPDATE ${layer.table} SET ${sets.join(', ')} WHERE id = $1`, params));
  const after = await getFeature(tx, layer, id);
  if (!after) throw new Error(`${layer.table}: updated row not found`);
  await writeAudit(tx, { actor, entity: layer.table, entityId: String(id), action: 'update', before, after });
  return after;
}

export async function deleteFeature(
  { tx, actor }: WriteContext,
  layer: LayerDef,
  id: number,
  baseVersion: number,
): Promise<void> {
  await stampEdit(tx, actor);
  const before = await lockCurrent(tx, layer, id, baseVersion);
  await mapped(layer, () => tx.query(`DELETE FROM ${layer.table} WHERE id = $1`, [id]));
  await writeAudit(tx, { actor, entity: layer.table, entityId: String(id), action: 'delete', before });
}
