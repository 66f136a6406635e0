import type { BuildingInput, CameraInput, GroundArea, KeyPlaceInput, RoadPiece } from '../../engines/coverage/index.js';
import { padBox } from '../../engines/shared/geo.js';
import type { Queryable } from '../client.js';

/** [minLon, minLat, maxLon, maxLat] */
export type BBox = readonly [number, number, number, number];

const envelope = (first: number) => `ST_MakeEnvelope($${first}, $${first + 1}, $${first + 2}, $${first + 3}, 4326)`;

const CAMERA_COLUMNS =
  'id, ST_X(geom) AS lon, ST_Y(geom) AS lat, heading_deg, fov_deg, range_m, height_m, camera_type, status, networked';

/** Cameras as the coverage engine takes them, optionally only those in a box or with the given ids. */
export async function loadCameras(db: Queryable, bbox?: BBox, ids?: readonly number[]): Promise<CameraInput[]> {
  const where = bbox ? `WHERE geom && ${envelope(1)}` : ids ? 'WHERE id = ANY($1::bigint[])' : '';
  const rows = await db.query<{
    id: number;
    lon: number;
    lat: number;
    heading_deg: number;
    fov_deg: number;
    range_m: number;
    height_m: number;
    camera_type: CameraInput['cameraType'];
    status: CameraInput['status'];
    networked: boolean;
  }>(`SELECT ${CAMERA_COLUMNS} FROM camera ${where} ORDER BY id`, bbox ? [...bbox] : ids ? [ids] : []);
  return rows.map((r) => ({
    id: r.id,
    lon: r.lon,
    lat: r.lat,
    headingDeg: r.heading_deg,
    fovDeg: r.fov_deg,
    rangeM: r.range_m,
    heightM: r.height_m,
    cameraType: r.camera_type,
    status: r.status,
    networked: r.networked,
  }));
}

/** The longest view range of any camera (metres; 0 without cameras): how far outside a box a camera can still see in. */
export async function maxCameraRangeM(db: Queryable): Promise<number> {
  const [row] = await db.query<{ m: number | null }>('SELECT max(range_m)::float8 AS m FROM camera');
  return row?.m ?? 0;
}

/**
 * Building footprints in a box grown by `marginM` on every side (the longest view range of the cameras near the edge,
 * so they see their occluders).
 */
export async function loadBuildings(db: Queryable, bbox?: BBox, marginM = 300): Promise<BuildingInput[]> {
  const where = bbox ? `WHERE geom && ${envelope(1)}` : '';
  const rows = await db.query<{ id: number; g: { coordinates: [number, number][][][] }; height_m: number | null }>(
    `SELECT id, ST_AsGeoJSON(geom)::json AS g, height_m FROM building ${where} ORDER BY id`,
    bbox ? padBox([...bbox], marginM) : [],
  );
  return rows.map((r) => ({ id: r.id, polygons: r.g.coordinates, heightM: r.height_m }));
}

export type CoverageAreaKind = 'grid' | 'beat' | 'community' | 'township' | 'district';

/** The table and key of each kind of area coverage is reported for. */
const AREA_SOURCES: Record<CoverageAreaKind, { from: string; key: string }> = {
  grid: { from: 'grid', key: 'code' },
  beat: { from: 'beat', key: 'code' },
  community: { from: "admin_area WHERE level = 'community'", key: 'code' },
  township: { from: "admin_area WHERE level = 'township'", key: 'code' },
  district: { from: "admin_area WHERE level = 'district'", key: 'code' },
};

/**
 * Roads cut at the boundaries of the areas (PostGIS ST_Intersection, one piece per road × area), so each piece
 * belongs to exactly one area and the engine can sum per area.
 */
export async function loadRoadPieces(db: Queryable, areaKind: CoverageAreaKind, bbox?: BBox): Promise<RoadPiece[]> {
  const area = AREA_SOURCES[areaKind];
  const rows = await db.query<{
    id: number;
    area_id: string;
    road_class: string;
    g: { coordinates: [number, number][] };
  }>(
    `WITH a AS (SELECT ${area.key} AS area_id, geom FROM ${area.from})
     SELECT r.id, a.area_id, r.road_class, ST_AsGeoJSON(d.geom)::json AS g
     FROM road r JOIN a ON r.geom && a.geom AND ST_Intersects(r.geom, a.geom)
     CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(ST_Intersection(r.geom, a.geom), 2)) AS d
     ${bbox ? `WHERE r.geom && ${envelope(1)}` : ''}
     ORDER BY r.id, a.area_id, d.path`,
    bbox ? [...bbox] : [],
  );
  return rows.map((r) => ({ id: r.id, areaId: r.area_id, roadClass: r.road_class, coordinates: r.g.coordinates }));
}

export interface AreaCameraCounts {
  total: number;
  working: number;
  networked: number;
}

/** Cameras per area by a point-in-polygon join (PostGIS, GiST index). */
export async function cameraCountsByArea(
  db: Queryable,
  areaKind: CoverageAreaKind,
  bbox?: BBox,
): Promise<Map<string, AreaCameraCounts>> {
  const area = AREA_SOURCES[areaKind];
  const rows = await db.query<{ area_id: string; total: number; working: number; networked: number }>(
    `WITH a AS (SELECT ${area.key} AS area_id, geom FROM ${area.from})
     SELECT a.area_id, count(*) AS total, count(*) FILTER (WHERE c.status = 'working') AS working,
            count(*) FILTER (WHERE c.networked) AS networked
     FROM camera c JOIN a ON ST_Intersects(a.geom, c.geom)
     ${bbox ? `WHERE c.geom && ${envelope(1)}` : ''} GROUP BY a.area_id`,
    bbox ? [...bbox] : [],
  );
  return new Map(rows.map((r) => [r.area_id, { total: r.total, working: r.working, networked: r.networked }]));
}

/** Every camera's id and version: what the cached coverage model compares to find moved, new and removed cameras. */
export async function cameraVersions(db: Queryable): Promise<Map<number, number>> {
  const rows = await db.query<{ id: number; version: number }>('SELECT id, version FROM camera');
  return new Map(rows.map((r) => [Number(r.id), r.version]));
}

/**
 * A key that changes whenever anything coverage is computed over changes, except cameras (those are followed one by
 * one): roads, buildings, key places and the areas of the kind asked for.
 */
export async function coverageInputsKey(db: Queryable, areaKind: CoverageAreaKind): Promise<string> {
  const table = areaKind === 'grid' || areaKind === 'beat' ? areaKind : 'admin_area';
  const part = (t: string) =>
    `(SELECT count(*)::text || ':' || coalesce(max(updated_at)::text, '') || ':' || coalesce(sum(id), 0)::text FROM ${t})`;
  const [r] = await db.query<{ k: string }>(
    `SELECT ${['road', 'building', 'key_place', table].map(part).join(" || '|' || ")} AS k`,
  );
  return `${areaKind}|${r?.k ?? ''}`;
}

/** The outlines of the areas of a kind. */
export async function loadAreas(db: Queryable, areaKind: CoverageAreaKind): Promise<GroundArea[]> {
  const area = AREA_SOURCES[areaKind];
  const rows = await db.query<{ area_id: string; g: { coordinates: [number, number][][][] } }>(
    `SELECT ${area.key} AS area_id, ST_AsGeoJSON(geom)::json AS g FROM ${area.from} ORDER BY ${area.key}`,
  );
  return rows.map((r) => ({ areaId: r.area_id, coordinates: r.g.coordinates }));
}

/** Key places with the area that holds a point on their surface (each place counts in exactly one area). */
export async function loadKeyPlaces(db: Queryable, areaKind: CoverageAreaKind): Promise<KeyPlaceInput[]> {
  const area = AREA_SOURCES[areaKind];
  const rows = await db.query<{
    id: number;
    kind: string;
    name: string;
    area_id: string | null;
    g: KeyPlaceInput['geometry'];
  }>(
    `WITH a AS (SELECT ${area.key} AS area_id, geom FROM ${area.from})
     SELECT k.id, k.kind, k.name, ST_AsGeoJSON(CASE WHEN GeometryType(k.geom) = 'POINT' THEN k.geom ELSE ST_Multi(k.geom) END)::json AS g,
            (SELECT a.area_id FROM a WHERE ST_Intersects(a.geom, ST_PointOnSurface(k.geom)) ORDER BY a.area_id LIMIT 1) AS area_id
     FROM key_place k ORDER BY k.id`,
  );
  return rows
    .filter((r) => r.area_id !== null)
    .map((r) => ({ id: Number(r.id), kind: r.kind, name: r.name, areaId: r.area_id ?? '', geometry: r.g }));
}
