import type { Queryable } from './client.js';
import { h3CellsOf } from './h3-cells.js';
import type { LayerDef } from '../contract/layers.js';
import type { Geometry } from 'geojson';

export interface FeatureRow {
  geometry: Geometry;
  properties: Record<string, unknown>;
}

/** Rows per INSERT: keeps each statement's parameter arrays to a few MB. */
const CHUNK_ROWS = 5000;

/**
 * Tables split into month partitions (migration 017) and the column that picks the month: before a chunk goes in,
 * the months it needs are made, so rows land in their own month and never pile up in the catch-all partition.
 */
const MONTH_PARTITIONED: Partial<Record<string, { column: string; ensure: string }>> = {
  incident: { column: 'occurred_at', ensure: 'incident_ensure_months' },
};

/**
 * Tables partitioned by district (migration 017's list level, where a district may live on another server, 021): a
 * row sent without a district code gets the district its geometry lies in, so it is stored where its district's rows
 * are and read with them when a query names the district. A row outside every district keeps NULL (stored here).
 */
const DISTRICT_PARTITIONED = new Set(['incident']);

/**
 * Camera record fields that are NOT NULL with a default (migration 002): a row that leaves one out gets the default
 * and the field's name in `unrecorded` (migration 022), so 建档率 does not count a default as recorded.
 */
export const CAMERA_DEFAULTED_FIELDS = ['heading_deg', 'height_m', 'camera_type'] as const;

function districtOfSql(geom: string): string {
  return `(SELECT a.code FROM admin_area a WHERE a.level = 'district' AND ST_Intersects(a.geom, ${geom})
           ORDER BY a.code LIMIT 1)`;
}

/** SQL that turns a GeoJSON text parameter into the layer's stored geometry. */
export function geometrySql(layer: LayerDef, param: string): string {
  const g = `ST_SetSRID(ST_GeomFromGeoJSON(${param}), 4326)`;
  return layer.stores === 'MultiPolygon' ? `ST_Multi(${g})` : g;
}

/**
 * Inserts many features of one layer, one `INSERT … SELECT FROM unnest(arrays)` per chunk: one round trip per
 * 5,000 rows on both databases. Properties must already be validated; a property a row leaves out takes the column's
 * default (rows are grouped by which properties they carry, so one row's omission never becomes NULL because another
 * row sent it). H3 cells are computed here for point layers. Call inside a transaction so a failure leaves nothing.
 * @returns the new row ids, in input order
 */
export async function insertFeatures(tx: Queryable, layer: LayerDef, rows: readonly FeatureRow[]): Promise<number[]> {
  const groups = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const key = layer.columns.map((c) => (r.properties[c.name] !== undefined ? '1' : '0')).join('');
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  const ids = new Array<number>(rows.length);
  for (const members of groups.values()) {
    const groupIds = await insertGroup(
      tx,
      layer,
      members.map((i) => rows[i] as FeatureRow),
    );
    members.forEach((i, k) => {
      ids[i] = groupIds[k] ?? -1;
    });
  }
  return ids;
}

/** Rows that all carry the same properties. */
async function insertGroup(tx: Queryable, layer: LayerDef, rows: readonly FeatureRow[]): Promise<number[]> {
  const cols = layer.columns.filter((c) => rows[0]?.properties[c.name] !== undefined);
  const ids: number[] = [];
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const chunk = rows.slice(start, start + CHUNK_ROWS);
    const params: unknown[] = cols.map((c) => chunk.map((r) => r.properties[c.name] ?? null));
    const names = cols.map((c) => c.name);
    const casts = cols.map((c, i) => `$${i + 1}::${c.sqlType}[]`);
    params.push(chunk.map((r) => JSON.stringify(r.geometry)));
    const geomParam = params.length;
    names.push('geom');
    const select = cols.map((c) => `u.${c.name}`);
    select.push(geometrySql(layer, 'u.g'));
    if (layer.table === 'camera') {
      // The same for the whole group: its rows carry the same properties.
      params.push(CAMERA_DEFAULTED_FIELDS.filter((f) => !names.includes(f)));
      names.push('unrecorded');
      select.push(`$${params.length}::text[]`);
    }
    if (DISTRICT_PARTITIONED.has(layer.table)) {
      const at = names.indexOf('district_code');
      const lookup = districtOfSql(geometrySql(layer, 'u.g'));
      if (at >= 0) select[at] = `COALESCE(u.district_code, ${lookup})`;
      else {
        names.push('district_code');
        select.push(lookup);
      }
    }
    const unnestArgs = [...casts, `$${geomParam}::text[]`];
    const aliases = [...cols.map((c) => c.name), 'g'];
    if (layer.h3) {
      const cells = chunk.map((r) => {
        if (r.geometry.type !== 'Point') throw new Error(`${layer.name}: H3 cells need Point geometry`);
        const [lon, lat] = r.geometry.coordinates as [number, number];
        return h3CellsOf(lon, lat);
      });
      for (let k = 0; k < 4; k++) {
        params.push(cells.map((c) => c[k]));
        unnestArgs.push(`$${params.length}::bigint[]`);
        aliases.push(`h${k}`);
        select.push(`u.h${k}`);
      }
      names.push('h3_r7', 'h3_r8', 'h3_r9', 'h3_r10');
    }
    const sql = `INSERT INTO ${layer.table} (${names.join(', ')})
      SELECT ${select.join(', ')} FROM unnest(${unnestArgs.join(', ')}) AS u(${aliases.join(', ')})
      RETURNING id`;
    const months = MONTH_PARTITIONED[layer.table];
    if (months) {
      await tx.query(`SELECT ${months.ensure}($1::timestamptz[])`, [
        chunk.map((r) => r.properties[months.column] ?? null),
      ]);
    }
    const res = await tx.query<{ id: number }>(sql, params);
    for (const r of res) ids.push(r.id);
  }
  return ids;
}
