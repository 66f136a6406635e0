import type { Geometry } from 'geojson';
import type { GridAdjacency, GridUnit } from '../../engines/districting/index.js';
import type { Queryable } from '../client.js';

/** What a beat carries: measured in PostGIS over geography, for a beat as stored or a shape proposed for it. */
export interface BeatMeasures {
  code: string;
  stationId: number | null;
  areaM2: number;
  perimeterM: number;
  convexHullM2: number;
  parts: number;
  /** Residents and households of the grids, shared by the area of each grid inside the beat. */
  population: number;
  households: number;
  roadM: number;
  keyPlaces: number;
  cameras: number;
  /** Incidents of the last 365 days of data, per category. */
  incidentsByCategory: Record<string, number>;
  /** Straight line from the station to the farthest point of the beat (not travel time). */
  farthestStraightM: number | null;
}

/**
 * Measures of beats given as (code, station, GeoJSON shape) rows: the stored beats, or a proposal (auto-align,
 * auto-districting) measured the same way before anything is saved.
 */
export async function measureShapes(
  tx: Queryable,
  shapes: readonly { code: string; stationId: number | null; geometry: Geometry }[],
): Promise<BeatMeasures[]> {
  if (shapes.length === 0) return [];
  const rows = await tx.query<{
    code: string;
    station_id: number | null;
    area_m2: number;
    perimeter_m: number;
    hull_m2: number;
    parts: number;
    population: number;
    households: number;
    road_m: number;
    key_places: number;
    cameras: number;
    by_cat: Record<string, number> | null;
    farthest_m: number | null;
  }>(
    `WITH b AS (SELECT u.code, u.station_id, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(u.g), 4326)) AS geom
                FROM unnest($1::text[], $2::bigint[], $3::text[]) AS u(code, station_id, g)),
          span AS (SELECT max(occurred_at) AS t1 FROM incident)
     SELECT b.code, b.station_id, ST_Area(b.geom::geography) AS area_m2, ST_Perimeter(b.geom::geography) AS perimeter_m,
       ST_Area(ST_ConvexHull(b.geom)::geography) AS hull_m2, ST_NumGeometries(b.geom) AS parts,
       (SELECT coalesce(sum(g.population * ST_Area(ST_Intersection(g.geom, b.geom)::geography) / nullif(ST_Area(g.geom::geography), 0)), 0)
          FROM grid g WHERE g.geom && b.geom AND ST_Intersects(g.geom, b.geom)) AS population,
       (SELECT coalesce(sum(g.households * ST_Area(ST_Intersection(g.geom, b.geom)::geography) / nullif(ST_Area(g.geom::geography), 0)), 0)
          FROM grid g WHERE g.geom && b.geom AND ST_Intersects(g.geom, b.geom)) AS households,
       (SELECT coalesce(sum(ST_Length(ST_Intersection(r.geom, b.geom)::geography)), 0)
          FROM road r WHERE r.geom && b.geom AND ST_Intersects(r.geom, b.geom)) AS road_m,
       (SELECT count(*)::int FROM key_place k WHERE k.geom && b.geom AND ST_Intersects(b.geom, ST_PointOnSurface(k.geom))) AS key_places,
       (SELECT count(*)::int FROM camera c WHERE c.geom && b.geom AND ST_Intersects(b.geom, c.geom)) AS cameras,
       (SELECT json_object_agg(category, n) FROM (SELECT i.category, count(*)::int AS n FROM incident i, span
          WHERE i.geom && b.geom AND ST_Intersects(b.geom, i.geom) AND i.occurred_at > span.t1 - interval '365 days' GROUP BY i.category) x) AS by_cat,
       (SELECT ST_Distance(s.geom::geography, ST_EndPoint(ST_LongestLine(s.geom, b.geom))::geography) FROM station s WHERE s.id = b.station_id) AS farthest_m
     FROM b ORDER BY b.code`,
    [shapes.map((s) => s.code), shapes.map((s) => s.stationId), shapes.map((s) => JSON.stringify(s.geometry))],
  );
  return rows.map((r) => ({
    code: r.code,
    stationId: r.station_id === null ? null : Number(r.station_id),
    areaM2: r.area_m2,
    perimeterM: r.perimeter_m,
    convexHullM2: r.hull_m2,
    parts: r.parts,
    population: r.population,
    households: r.households,
    roadM: r.road_m,
    keyPlaces: r.key_places,
    cameras: r.cameras,
    incidentsByCategory: r.by_cat ?? {},
    farthestStraightM: r.farthest_m,
  }));
}

/** The stored beats (of one station, or all) as shapes for `measureShapes`. */
export async function beatShapes(
  tx: Queryable,
  stationId?: number,
): Promise<{ code: string; stationId: number; version: number; geometry: Geometry }[]> {
  const rows = await tx.query<{ code: string; station_id: number; version: number; g: Geometry }>(
    `SELECT code, station_id, version, ST_AsGeoJSON(geom)::json AS g FROM beat WHERE ($1::bigint IS NULL OR station_id = $1) ORDER BY code`,
    [stationId ?? null],
  );
  return rows.map((r) => ({ code: r.code, stationId: Number(r.station_id), version: r.version, geometry: r.g }));
}

/** Area of each grid inside each beat it meets (the nesting of 网格 in 警格). */
export async function gridBeatOverlaps(
  tx: Queryable,
  stationId?: number,
): Promise<
  {
    gridCode: string;
    gridM2: number;
    households: number;
    population: number;
    beatCode: string;
    m2: number;
    incidents: number;
  }[]
> {
  const rows = await tx.query<{
    grid_code: string;
    grid_m2: number;
    households: number;
    population: number;
    beat_code: string;
    m2: number;
    incidents: number;
  }>(
    `SELECT g.code AS grid_code, ST_Area(g.geom::geography) AS grid_m2, g.households, g.population, b.code AS beat_code,
            ST_Area(ST_Intersection(g.geom, b.geom)::geography) AS m2,
            (SELECT count(*)::int FROM incident i WHERE i.geom && g.geom AND ST_Intersects(g.geom, i.geom) AND ST_Intersects(b.geom, i.geom)) AS incidents
     FROM grid g JOIN beat b ON g.geom && b.geom AND ST_Intersects(g.geom, b.geom)
     WHERE ($1::bigint IS NULL OR b.station_id = $1) ORDER BY g.code, b.code`,
    [stationId ?? null],
  );
  return rows.map((r) => ({
    gridCode: r.grid_code,
    gridM2: r.grid_m2,
    households: r.households,
    population: r.population,
    beatCode: r.beat_code,
    m2: r.m2,
    incidents: r.incidents,
  }));
}

/** The union of grids per group, as GeoJSON (a beat's proposed shape made of whole grids). */
export async function unionOfGrids(
  tx: Queryable,
  groups: ReadonlyMap<string, readonly string[]>,
): Promise<Map<string, Geometry>> {
  const keys = [...groups.keys()];
  const rows = await tx.query<{ k: string; g: Geometry }>(
    `SELECT u.k, ST_AsGeoJSON(ST_Multi(ST_Union(g.geom)))::json AS g
     FROM unnest($1::text[], $2::text[]) AS u(k, code) JOIN grid g ON g.code = u.code GROUP BY u.k`,
    [keys.flatMap((k) => (groups.get(k) ?? []).map(() => k)), keys.flatMap((k) => [...(groups.get(k) ?? [])])],
  );
  return new Map(rows.map((r) => [r.k, r.g]));
}

/**
 * Districting input for a station: the grids whose inside point lies in one of its beats, each with its area,
 * outline and workload (incidents of the last 365 days, residents, households, road km), and the boundary length every
 * neighbouring pair shares.
 */
export async function stationGridGraph(
  tx: Queryable,
  stationId: number,
): Promise<{ units: GridUnit[]; adjacency: GridAdjacency[]; beatOf: Map<string, string> }> {
  const units = await tx.query<{
    code: string;
    beat: string;
    area: number;
    perim: number;
    incidents: number;
    population: number;
    households: number;
    road_km: number;
  }>(
    `WITH span AS (SELECT max(occurred_at) AS t1 FROM incident),
          g AS (SELECT DISTINCT ON (g.code) g.code, b.code AS beat, g.geom, g.population, g.households FROM grid g
                JOIN beat b ON b.station_id = $1 AND b.geom && g.geom AND ST_Intersects(b.geom, ST_PointOnSurface(g.geom)) ORDER BY g.code, b.code)
     SELECT g.code, g.beat, ST_Area(g.geom::geography) AS area, ST_Perimeter(g.geom::geography) AS perim, g.population, g.households,
       (SELECT count(*)::int FROM incident i, span WHERE i.geom && g.geom AND ST_Intersects(g.geom, i.geom) AND i.occurred_at > span.t1 - interval '365 days') AS incidents,
       (SELECT coalesce(sum(ST_Length(ST_Intersection(r.geom, g.geom)::geography)), 0) / 1000 FROM road r WHERE r.geom && g.geom AND ST_Intersects(r.geom, g.geom)) AS road_km
     FROM g ORDER BY g.code`,
    [stationId],
  );
  const adjacency = await tx.query<{ a: string; b: string; m: number }>(
    `WITH g AS (SELECT DISTINCT g.code, g.geom FROM grid g JOIN beat b ON b.station_id = $1 AND b.geom && g.geom AND ST_Intersects(b.geom, ST_PointOnSurface(g.geom)))
     SELECT x.code AS a, y.code AS b, ST_Length(ST_CollectionExtract(ST_Intersection(x.geom, y.geom), 2)::geography) AS m
     FROM g x JOIN g y ON x.code < y.code AND x.geom && y.geom AND ST_Intersects(x.geom, y.geom)`,
    [stationId],
  );
  return {
    units: units.map((u) => ({
      id: u.code,
      areaM2: u.area,
      perimeterM: u.perim,
      load: { incidents: u.incidents, population: u.population, households: u.households, roadKm: u.road_km },
    })),
    adjacency: adjacency.filter((e) => e.m > 0.5).map((e) => ({ a: e.a, b: e.b, sharedBoundaryM: e.m })),
    beatOf: new Map(units.map((u) => [u.code, u.beat])),
  };
}
