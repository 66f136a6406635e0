import type { Db } from '../../src/db/client.js';
import type { BBox } from '../../src/db/repos/coverage.repo.js';
import { cameraViews } from '../../src/services/coverage.service.js';

/*
 * The PostGIS side of the coverage tests: reference tables built in SQL, to compare the services with. Kept apart from
 * reference-view.ts, which the pure engines project and the bench import: this file reaches the database and a service.
 * The one input shared with the code under test is the occluded view polygons (the coverage service's builder); every
 * figure made from them here (DORI edges, blind zones, bands) is SQL written from the formula, not the engine's code.
 */

/**
 * Pixels per metre of scene width at each DORI band's edge (IEC 62676-4), written again here rather than taken from
 * the engine so that the reference does not share its numbers. In the order of the columns of {@link DORI_EDGES_SQL}.
 */
export const REF_DORI_PX_PER_M = { identify: 250, recognise: 125, observe: 62.5, detect: 25 } as const;
export type RefDoriBand = keyof typeof REF_DORI_PX_PER_M;

/**
 * One row a camera: `camera_id`, `geom`, `blind_m` and `<band>_m` for every band of {@link REF_DORI_PX_PER_M}, in metres.
 * The formula: px / (2·d·tan(fov/2)) = density → d = px / (2·density·tan(fov/2)); blind = h / tan(tilt + vfov/2) with
 * tan(vfov/2) = tan(fov/2)·V/H (0 once the frame's bottom edge points down or past it); both capped at the range.
 * Pixels are the `resolution` column written "W×H", or the types' defaults when it is empty (1920×1080, PTZ
 * 2560×1440). The lens is `lens_fov_deg` as set: the tests give every camera one (a camera without one gets no edges).
 */
export const DORI_EDGES_SQL = `SELECT c.id AS camera_id, c.geom,
      least(c.range_m, CASE WHEN c.tilt_deg + degrees(atan(o.t * o.v / o.h)) >= 90 THEN 0
                            ELSE c.height_m / tan(radians(c.tilt_deg) + atan(o.t * o.v / o.h)) END) AS blind_m,
      ${Object.entries(REF_DORI_PX_PER_M)
        .map(([band, density]) => `least(c.range_m, o.h / (2 * ${density} * o.t)) AS ${band}_m`)
        .join(', ')}
    FROM camera c
    CROSS JOIN LATERAL (SELECT coalesce(c.resolution, CASE WHEN c.camera_type = 'ptz' THEN '2560×1440' ELSE '1920×1080' END) AS px) r
    CROSS JOIN LATERAL (SELECT split_part(r.px, '×', 1)::float8 AS h, split_part(r.px, '×', 2)::float8 AS v,
                               tan(radians(c.lens_fov_deg / 2)) AS t) o`;

/**
 * Stores the occluded views of the working cameras (those with a view at all) in a new table `table (camera_id,
 * geom MultiPolygon 4326)` with a GiST index.
 * @param opts.bbox the cameras to build views for; default the extent of the camera table
 * @param opts.networkedOnly keep only the cameras on the network too; default false
 * @returns how many views were stored
 */
export async function storeWorkingViews(
  db: Db,
  table: string,
  opts: { bbox?: BBox; networkedOnly?: boolean } = {},
): Promise<number> {
  const box = opts.bbox ?? (await cameraExtent(db));
  const views = (await cameraViews(db, box)).filter(
    (v) => v.camera.status === 'working' && (!opts.networkedOnly || v.camera.networked) && v.coordinates.length > 0,
  );
  await db.exec(`CREATE TABLE ${table} (camera_id bigint, geom geometry(MultiPolygon, 4326))`);
  await db.query(
    `INSERT INTO ${table} SELECT u.id, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(u.g), 4326))
    FROM unnest($1::bigint[], $2::text[]) AS u(id, g)`,
    [
      views.map((v) => v.cameraId),
      views.map((v) => JSON.stringify({ type: 'MultiPolygon', coordinates: v.coordinates })),
    ],
  );
  await db.exec(`CREATE INDEX ON ${table} USING gist (geom)`);
  return views.length;
}

/**
 * Stores each camera's DORI band areas in a new table `table (camera_id, band, geom MultiPolygon 4326)` with a GiST
 * index: the band "at least B" of a camera is its occluded view (from `viewTable`, as {@link storeWorkingViews} makes
 * it) ∩ (ST_Buffer(pt, B's edge) − ST_Buffer(pt, blind zone)) on geography, for the cameras whose edge passes the
 * blind zone; the edges from {@link DORI_EDGES_SQL}.
 */
export async function storeBandAreas(
  db: Db,
  table: string,
  viewTable: string,
  bands: readonly RefDoriBand[],
): Promise<void> {
  await db.exec(`CREATE TABLE ${table} AS
    SELECT v.camera_id, b.band,
      ST_Multi(ST_CollectionExtract(ST_Intersection(v.geom,
        ST_Difference(ST_Buffer(d.geom::geography, b.outer_m, 'quad_segs=90')::geometry,
                      ST_Buffer(d.geom::geography, greatest(d.blind_m, 0.001), 'quad_segs=90')::geometry)), 3)) AS geom
    FROM ${viewTable} v JOIN (${DORI_EDGES_SQL}) d USING (camera_id)
    CROSS JOIN LATERAL (VALUES ${bands.map((b) => `('${b}', d.${b}_m)`).join(', ')}) AS b(band, outer_m)
    WHERE b.outer_m > d.blind_m`);
  await db.exec(`CREATE INDEX ON ${table} USING gist (geom)`);
}

/** The extent of the camera table as [west, south, east, north]. */
async function cameraExtent(db: Db): Promise<BBox> {
  const rows = await db.query<{ b: [number, number, number, number] }>(
    `SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] AS b
    FROM (SELECT ST_Extent(geom)::geometry AS e FROM camera) x`,
  );
  const box = rows[0]?.b;
  if (!box) throw new Error('camera extent: no answer');
  return box;
}
