import type { BuildingInput, CameraInput, RoadPiece } from '../../engines/coverage/index.js';
import type { Queryable } from '../client.js';

/** [minLon, minLat, maxLon, maxLat] */
export type BBox = readonly [number, number, number, number];

const envelope = (first: number) => `ST_MakeEnvelope($${first}, $${first + 1}, $${first + 2}, $${first + 3}, 4326)`;

/** Cameras as the coverage engine takes them, optionally only those in a box. */
export async function loadCameras(db: Queryable, bbox?: BBox): Promise<CameraInput[]> {
  const rows = await db.query<{
    id: number; lon: number; lat: number; heading_deg: number; fov_deg: number; range_m: number; height_m: number;
    camera_type: CameraInput['cameraType']; status: CameraInput['status']; networked: boolean;
  }>(
    `SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat, heading_deg, fov_deg, range_m, height_m, camera_type, status, networked
     FROM camera ${bbox ? `WHERE geom && ${envelope(1)}` : ''} ORDER BY id`, bbox ? [...bbox] : [],
  );
  return rows.map((r) => ({
    id: r.id, lon: r.lon, lat: r.lat, headingDeg: r.heading_deg, fovDeg: r.fov_deg, rangeM: r.range_m, heightM: r.height_m,
    cameraType: r.camera_type, status: r.status, networked: r.networked,
  }));
}

/** Building footprints in a box (grown by `marginM` so cameras near the edge see their occluders). */
export async function loadBuildings(db: Queryable, bbox?: BBox, marginM = 300): Promise<BuildingInput[]> {
  const where = bbox ? `WHERE geom && ST_Expand(${envelope(1)}, $5 / 111000.0)` : '';
  const rows = await db.query<{ id: number; g: { coordinates: [number, number][][][] }; height_m: number | null }>(
    `SELECT id, ST_AsGeoJSON(geom)::json AS g, height_m FROM building ${where} ORDER BY id`, bbox ? [...bbox, marginM] : [],
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
  const rows = await db.query<{ id: number; area_id: string; road_class: string; g: { coordinates: [number, number][] } }>(
    `WITH a AS (SELECT ${area.key} AS area_id, geom FROM ${area.from})
     SELECT r.id, a.area_id, r.road_class, ST_AsGeoJSON(d.geom)::json AS g
     FROM road r JOIN a ON r.geom && a.geom AND ST_Intersects(r.geom, a.geom)
     CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(ST_Intersection(r.geom, a.geom), 2)) AS d
     ${bbox ? `WHERE r.geom && ${envelope(1)}` : ''}
     ORDER BY r.id, a.area_id, d.path`, bbox ? [...bbox] : [],
  );
  return rows.map((r) => ({ id: r.id, areaId: r.area_id, roadClass: r.road_class, coordinates: r.g.coordinates }));
}

export interface AreaCameraCounts {
  total: number;
  working: number;
  networked: number;
}

/** Cameras per area by a point-in-polygon join (PostGIS, GiST index). */
export async function cameraCountsByArea(db: Queryable, areaKind: CoverageAreaKind, bbox?: BBox): Promise<Map<string, AreaCameraCounts>> {
  const area = AREA_SOURCES[areaKind];
  const rows = await db.query<{ area_id: string; total: number; working: number; networked: number }>(
    `WITH a AS (SELECT ${area.key} AS area_id, geom FROM ${area.from})
     SELECT a.area_id, count(*) AS total, count(*) FILTER (WHERE c.status = 'working') AS working,
            count(*) FILTER (WHERE c.networked) AS networked
     FROM camera c JOIN a ON ST_Intersects(a.geom, c.geom)
     ${bbox ? `WHERE c.geom && ${envelope(1)}` : ''} GROUP BY a.area_id`, bbox ? [...bbox] : [],
  );
  return new Map(rows.map((r) => [r.area_id, { total: r.total, working: r.working, networked: r.networked }]));
}
