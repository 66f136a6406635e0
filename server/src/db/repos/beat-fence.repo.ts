import type { Geometry } from 'geojson';
import type { Queryable } from '../client.js';

/**
 * The SQL behind the planner fence (services/scope.service.ts): who owns the beats an edit touches, which grids sit in
 * more than one beat, what ground a plan leaves without a beat, and what still refers to a station.
 * Overlays run on the 1e-9° precision grid the topology checks use (OverlayNG snap-rounding).
 */

export interface BeatOwner {
  code: string;
  stationId: number;
}

/** The station of each beat named by id or code. */
export async function beatOwners(q: Queryable, ids: readonly number[], codes: readonly string[]): Promise<BeatOwner[]> {
  return q.query<BeatOwner>(
    `SELECT code, station_id::int AS "stationId" FROM beat WHERE id = ANY($1::bigint[]) OR code = ANY($2::text[]) ORDER BY code`,
    [ids, codes],
  );
}

/** Beats other than `exceptId` whose ground overlaps the shape by more than `sliverM2`. */
export async function beatsOverlapping(
  q: Queryable,
  geometry: Geometry,
  exceptId: number | null,
  sliverM2: number,
): Promise<BeatOwner[]> {
  return q.query<BeatOwner>(
    `WITH s AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g)
     SELECT b.code, b.station_id::int AS "stationId" FROM beat b, s
     WHERE b.geom && s.g AND ($2::bigint IS NULL OR b.id <> $2::bigint) AND ST_Intersects(b.geom, s.g)
       AND ST_Area(ST_Intersection(b.geom, s.g, 1e-9)::geography) > $3
     ORDER BY b.code`,
    [JSON.stringify(geometry), exceptId, sliverM2],
  );
}

/**
 * Each of these grids with every beat its inside point lies in. A grid is in at most one beat: more than one is an
 * overlap. Point-in-polygon only (no overlay), so the answer does not depend on GEOS overlay robustness.
 */
export async function beatsOfGrids(
  q: Queryable,
  gridCodes: readonly string[],
): Promise<{ gridCode: string; beats: BeatOwner[] }[]> {
  const rows = await q.query<{ grid: string; code: string | null; station: number | null }>(
    `SELECT g.code AS grid, b.code, b.station_id::int AS station
     FROM grid g LEFT JOIN beat b ON b.geom && g.geom AND ST_Intersects(b.geom, ST_PointOnSurface(g.geom))
     WHERE g.code = ANY($1::text[]) ORDER BY g.code, b.code`,
    [gridCodes],
  );
  const out = new Map<string, BeatOwner[]>();
  for (const r of rows) {
    const list = out.get(r.grid) ?? [];
    if (r.code !== null && r.station !== null) list.push({ code: r.code, stationId: r.station });
    out.set(r.grid, list);
  }
  return [...out].map(([gridCode, beats]) => ({ gridCode, beats }));
}

/**
 * The ground these beats hold now that the union of these grids does not cover: what a plan would leave with no beat.
 * `undefined` when the geometry engine fails on the shapes (PGlite-PostGIS answers no row then): callers refuse.
 */
export async function groundLeftOut(
  q: Queryable,
  beatCodes: readonly string[],
  gridCodes: readonly string[],
): Promise<{ m2: number; geometry: Geometry | null } | undefined> {
  const rows = await q.query<{ m2: number; g: Geometry | null }>(
    `WITH old AS (SELECT ST_Union(geom, 1e-9) AS u FROM beat WHERE code = ANY($1::text[])),
          new AS (SELECT coalesce(ST_Union(geom, 1e-9), 'SRID=4326;POLYGON EMPTY'::geometry) AS u FROM grid WHERE code = ANY($2::text[])),
          d AS (SELECT ST_CollectionExtract(ST_Difference(old.u, new.u, 1e-9), 3) AS g FROM old, new)
     SELECT coalesce(ST_Area(d.g::geography), 0) AS m2, CASE WHEN ST_IsEmpty(d.g) THEN NULL ELSE ST_AsGeoJSON(d.g)::json END AS g FROM d`,
    [beatCodes, gridCodes],
  );
  const [r] = rows;
  return rows.length === 1 && r ? { m2: Number(r.m2), geometry: r.g } : undefined;
}

/** What still refers to a station: its beats, the users tied to it, its posts (codes / user names / names). */
export async function stationDependents(
  q: Queryable,
  stationId: number,
): Promise<{ beats: string[]; users: string[]; posts: string[] }> {
  const [r] = await q.query<{ beats: string[] | null; users: string[] | null; posts: string[] | null }>(
    `SELECT (SELECT array_agg(code ORDER BY code) FROM beat WHERE station_id = $1) AS beats,
            (SELECT array_agg(username ORDER BY username) FROM app_user WHERE station_id = $1) AS users,
            (SELECT array_agg(name ORDER BY name) FROM post WHERE station_id = $1) AS posts`,
    [stationId],
  );
  return { beats: r?.beats ?? [], users: r?.users ?? [], posts: r?.posts ?? [] };
}
