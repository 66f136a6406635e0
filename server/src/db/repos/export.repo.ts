import type { Geometry } from 'geojson';
import { LAYERS, type LayerName } from '../../contract/layers.js';
import { CAMERA_DEFAULTED_FIELDS } from '../bulk-insert.js';
import type { Queryable } from '../client.js';

/**
 * SQL of exports: a layer's rows as GeoJSON geometry (WGS84, 9 decimals ≈ 0.1 mm) and the layer's columns, in id
 * order, optionally inside a bbox. Beats carry their station's code (the import takes `station_code`), not the id
 * of another database. Table and column names come from the layer catalogue, never from a request.
 */
export interface ExportRow {
  geometry: Geometry;
  properties: Record<string, unknown>;
}

export async function exportRows(
  db: Queryable,
  layer: LayerName,
  bbox?: readonly [number, number, number, number],
): Promise<ExportRow[]> {
  const def = LAYERS[layer];
  const cols = def.columns.filter((c) => !(layer === 'beats' && c.name === 'station_id'));
  // A camera field that only holds the table's default (migration 022) goes out empty, as the ledger had it: written
  // as a value it would come back as recorded.
  const defaulted = new Set<string>(layer === 'cameras' ? CAMERA_DEFAULTED_FIELDS : []);
  const pairs = cols.map((c) =>
    defaulted.has(c.name)
      ? `'${c.name}', CASE WHEN '${c.name}' = ANY(t.unrecorded) THEN NULL ELSE t.${c.name} END`
      : `'${c.name}', t.${c.name}`,
  );
  const join = layer === 'beats' ? 'LEFT JOIN station s ON s.id = t.station_id' : '';
  if (layer === 'beats') pairs.push(`'station_code', s.code`);
  const params: unknown[] = [];
  let where = '';
  if (bbox) {
    params.push(...bbox);
    where = 'WHERE t.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)';
  }
  return db.query<ExportRow>(
    `SELECT ST_AsGeoJSON(t.geom, 9)::json AS geometry, jsonb_build_object(${pairs.join(', ')}) AS properties
     FROM ${def.table} t ${join} ${where} ORDER BY t.id`,
    params,
  );
}
