import type { Queryable } from '../client.js';
import { LAYERS } from '../../contract/layers.js';
import { tzSql } from '../../local-clock.js';
import {
  layersAtZoom,
  TILE_BUFFER,
  TILE_EXTENT,
  tileUnitMeters,
  type TileAttribute,
  type TileCoord,
  type TileLayerSpec,
  type TilesetSpec,
  type ZoomRule,
} from '../../tiles/tilesets.js';

/**
 * The SQL behind the vector tiles, two ways for the same tile:
 * - `selectMvt`: the whole tile as ONE `ST_AsMVT` query (server only: the embedded PostGIS lacks protobuf-c);
 * - `selectTileFeatures`: the same features, clipped, simplified and snapped to tile units in SQL, for the
 *   encoder in Node (both databases).
 * Both read the same rows with the same simplification, so they give the same tile (checked by a test).
 * Parameters: $1 z, $2 x, $3 y. The simplification tolerance depends on z only and is written into the SQL.
 */

const IDENT = /^[a-z_][a-z0-9_]*$/;

function ident(name: string): string {
  // Names come from the static tileset registry; the check keeps a future typo from becoming SQL.
  if (!IDENT.test(name)) throw new Error(`Bad SQL identifier in tileset spec: ${name}`);
  return name;
}

function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * The tile envelope in 3857 and the query box in 4326 with the buffer (so the GiST index is used). Written as
 * expressions of the parameters rather than a CTE: PostgreSQL plans a one-shot statement with its parameter
 * values, folds these immutable calls into constants, and the scan gets a constant index condition instead of
 * a join against a one-row CTE (which cost a measurable share of a small tile's time).
 */
const ENVELOPE = 'ST_TileEnvelope($1::int, $2::int, $3::int)';
const QUERY_BOX = `ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => ${TILE_BUFFER / TILE_EXTENT}), 4326)`;
/** Tile units per Web Mercator metre. */
const SCALE = `(${TILE_EXTENT}.0 / (ST_XMax(${ENVELOPE}) - ST_XMin(${ENVELOPE})))`;

/**
 * A row-level min zoom (roads by class, admin areas by level) as the shortest filter for this zoom: the values
 * shown (`IN`) below the default min zoom, the values hidden (`NOT IN`) from it on, nothing when all show.
 * Null when nothing of the layer shows at this zoom. Exported for the bench's reference query.
 */
export function zoomFilter(rule: ZoomRule | undefined, z: number): string | null {
  if (!rule) return '';
  const entries = Object.entries(rule.minzoomByValue);
  const col = `s.${ident(rule.column)}`;
  if (z >= rule.otherwise) {
    const hidden = entries.filter(([, mz]) => mz > z).map(([v]) => literal(v));
    return hidden.length ? ` AND ${col} NOT IN (${hidden.join(', ')})` : '';
  }
  const shown = entries.filter(([, mz]) => mz <= z).map(([v]) => literal(v));
  return shown.length ? ` AND ${col} IN (${shown.join(', ')})` : null;
}

/** SQL of one tile attribute (exported for the bench's reference query). */
export function attributeSql(a: TileAttribute): string {
  const col = `s.${ident(a.column)}`;
  switch (a.format) {
    case undefined:
      return col;
    case 'cst-date':
      return `to_char(${col} AT TIME ZONE ${tzSql()}, 'YYYY-MM-DD')`;
    case 'cst-hour':
      return `date_part('hour', ${col} AT TIME ZONE ${tzSql()})::int`;
    case 'cst-weekday':
      return `date_part('isodow', ${col} AT TIME ZONE ${tzSql()})::int`;
    default: {
      const never: never = a.format;
      throw new Error(`unknown attribute format ${String(never)}`);
    }
  }
}

/** Source geometry in 4326: the stored one, or a label point inside the polygon. */
function sourceGeom(l: TileLayerSpec): string {
  return l.geometrySource === 'label-point' ? 'ST_PointOnSurface(s.geom)' : 's.geom';
}

/** In 3857, simplified by one tile unit at z (lines and polygons; points pass through). */
function mercatorGeom(l: TileLayerSpec, z: number): string {
  const g = `ST_Transform(${sourceGeom(l)}, 3857)`;
  return l.geometry === 'point' ? g : `ST_Simplify(${g}, ${tileUnitMeters(z)}::float8)`;
}

/** FROM and WHERE of one layer at zoom z, or null when no row of it can show at z. */
function fromWhere(l: TileLayerSpec, z: number): string | null {
  const table = ident(LAYERS[l.from].table);
  const labelFilter = l.geometrySource === 'label-point' ? ` AND ST_PointOnSurface(s.geom) && ${QUERY_BOX}` : '';
  const zoom = zoomFilter(l.zoomRule, z);
  return zoom === null ? null : `FROM ${table} s WHERE s.geom && ${QUERY_BOX}${labelFilter}${zoom}`;
}

/**
 * One layer's `ST_AsMVT` sub-select; an empty layer gives empty bytes, so layers concatenate into one tile.
 * Rows whose ST_AsMVTGeom is NULL (nothing left in the tile) are skipped by ST_AsMVT itself; filtering them with
 * `WHERE geom IS NOT NULL` outside would make PostgreSQL push the filter down and compute the geometry twice.
 */
function mvtLayerSql(l: TileLayerSpec, z: number): string | null {
  const from = fromWhere(l, z);
  if (from === null) return null;
  const attrs = l.attributes.map((a) => `${attributeSql(a)} AS "${ident(a.name)}"`);
  // Ordered by id: a parallel scan returns rows in any order, and the same data must give the same bytes (ETag).
  return `COALESCE((SELECT ST_AsMVT(t, ${literal(l.id)}, ${TILE_EXTENT}, 'geom', 'mvt_fid' ORDER BY t.mvt_fid) FROM (
    SELECT s.id AS mvt_fid, ${attrs.join(', ')},
           ST_AsMVTGeom(${mercatorGeom(l, z)}, ${ENVELOPE}::box2d, ${TILE_EXTENT}, ${TILE_BUFFER}, true) AS geom
    ${from}) t), ''::bytea)`;
}

/** The tileset's layers at z as one `ST_AsMVT` statement, or null when no layer shows at z. */
export function mvtSql(ts: TilesetSpec, z: number): string | null {
  const layers = layersAtZoom(ts, z)
    .map((l) => mvtLayerSql(l, z))
    .filter((q): q is string => q !== null);
  if (layers.length === 0) return null;
  return `SELECT ${layers.join('\n || ')} AS mvt`;
}

/** Tile parameters in the order the SQL uses them. */
export function tileParams(t: TileCoord): [number, number, number] {
  return [t.z, t.x, t.y];
}

/**
 * Server only: the tile encoded by PostGIS in one `ST_AsMVT` query (clip, simplify by zoom, snap, make valid,
 * orient rings, encode). Returns empty bytes when nothing is in the tile.
 */
export async function selectMvt(db: Queryable, ts: TilesetSpec, t: TileCoord): Promise<Uint8Array> {
  const sql = mvtSql(ts, t.z);
  if (!sql) return new Uint8Array(0);
  const [row] = await db.query<{ mvt: Uint8Array | null }>(sql, tileParams(t));
  const mvt = row?.mvt;
  if (!mvt) return new Uint8Array(0);
  // pg hands back a Buffer (a Uint8Array subclass); copy-free view keeps one return type on both drivers.
  return new Uint8Array(mvt.buffer, mvt.byteOffset, mvt.byteLength);
}

/** Affine map from 3857 to tile units, y down (what ST_AsMVTGeom does inside). */
const toTileUnits = (g: string): string =>
  `ST_Affine(${g}, ${SCALE}, 0, 0, -${SCALE}, -ST_XMin(${ENVELOPE}) * ${SCALE}, ST_YMax(${ENVELOPE}) * ${SCALE})`;
const CLIP_BOX = `ST_MakeEnvelope(${-TILE_BUFFER}, ${-TILE_BUFFER}, ${TILE_EXTENT + TILE_BUFFER}, ${TILE_EXTENT + TILE_BUFFER})::box2d`;

/**
 * Tile-unit geometry without ST_AsMVTGeom, in ST_AsMVTGeom's own order (PostGIS mvt.c): map to tile units, snap
 * to whole units, clip to the buffered tile, snap again (clipping makes new vertices). Snapping before clipping
 * matters for lines crossing the buffer edge at a shallow angle: the cut point moves along the line by several
 * units otherwise. Polygons are made valid again after snapping and their exterior rings turned to positive
 * area in y-down tile units (ST_ForcePolygonCCW), which is the MVT spec's "clockwise" on screen.
 */
function tileGeomSql(l: TileLayerSpec, z: number): string {
  const tile = `ST_SnapToGrid(${toTileUnits(mercatorGeom(l, z))}, 1)`;
  const clipped = `ST_SnapToGrid(ST_ClipByBox2D(${tile}, ${CLIP_BOX}), 1)`;
  // Points are clipped too: the index test (&&) compares float4-rounded boxes, so it lets through points a hair
  // outside the buffer that ST_AsMVTGeom drops.
  const point = clipped;
  const line = `ST_CollectionExtract(${clipped}, 2)`;
  const polygon = `ST_ForcePolygonCCW(ST_CollectionExtract(ST_MakeValid(${clipped}), 3))`;
  switch (l.geometry) {
    case 'point':
      return point;
    case 'line':
      return line;
    case 'polygon':
      return polygon;
    case 'mixed':
      return `CASE WHEN GeometryType(s.geom) = 'POINT' THEN ${point} ELSE ${polygon} END`;
    default: {
      const never: never = l.geometry;
      throw new Error(`unknown geometry kind ${String(never)}`);
    }
  }
}

/** One feature of a tile, geometry as GeoJSON in tile units (integers, y down). */
export interface TileFeatureRow {
  /** Source-layer id. */
  layer: string;
  id: number;
  properties: Record<string, string | number | boolean | null>;
  /** GeoJSON geometry text in tile units. */
  geometry: string;
}

/** The features of one tile, clipped, simplified and snapped in SQL, for encoding in Node (both databases). */
export async function selectTileFeatures(db: Queryable, ts: TilesetSpec, t: TileCoord): Promise<TileFeatureRow[]> {
  const parts: string[] = [];
  for (const l of layersAtZoom(ts, t.z)) {
    const from = fromWhere(l, t.z);
    if (from === null) continue;
    const props = l.attributes.map((a) => `${literal(a.name)}, ${attributeSql(a)}`).join(', ');
    // OFFSET 0 keeps the subquery from being flattened, which would compute the tile geometry twice
    // (once for the IsEmpty filter, once for the output). Ordered by id for stable bytes, as in mvtSql.
    parts.push(`(SELECT ${literal(l.id)} AS layer, f.id, f.properties, ST_AsGeoJSON(f.g, 0) AS geometry FROM (
      SELECT s.id, json_build_object(${props}) AS properties, ${tileGeomSql(l, t.z)} AS g
      ${from} OFFSET 0) f WHERE NOT ST_IsEmpty(f.g) ORDER BY f.id)`);
  }
  if (parts.length === 0) return [];
  return db.query<TileFeatureRow>(parts.join('\nUNION ALL\n'), tileParams(t));
}

/** Bounds of the tileset's data as [west, south, east, north] in degrees, or null when its tables are empty. */
export async function selectTilesetBounds(
  db: Queryable,
  ts: TilesetSpec,
): Promise<[number, number, number, number] | null> {
  const tables = [...new Set(ts.layers.map((l) => ident(LAYERS[l.from].table)))];
  const union = tables.map((t) => `SELECT ST_Extent(geom)::geometry AS b FROM ${t}`).join(' UNION ALL ');
  const [row] = await db.query<{ w: number | null; s: number | null; e: number | null; n: number | null }>(
    `SELECT ST_XMin(x) AS w, ST_YMin(x) AS s, ST_XMax(x) AS e, ST_YMax(x) AS n
     FROM (SELECT ST_Extent(b) AS x FROM (${union}) u) v`,
  );
  if (!row || row.w === null || row.s === null || row.e === null || row.n === null) return null;
  return [row.w, row.s, row.e, row.n];
}
