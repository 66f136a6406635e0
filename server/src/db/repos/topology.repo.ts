import type { Feature, Geometry } from 'geojson';
import type { Queryable } from '../client.js';

/** One thing wrong with a proposed grid or beat shape, with the offending area to draw on the map. */
export interface TopologyProblem {
  kind: 'invalid' | 'overlap' | 'outside' | 'gap' | 'sliver' | 'not_contiguous';
  message: string;
  /** Square metres of the offending area (geography), 0 for an invalid ring. */
  areaM2: number;
  /** The neighbour overlapped, when there is one. */
  with?: string;
  geometry: Geometry | null;
}

export const DEFAULT_SLIVER_M2 = 1;
const G = 'ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326))';
/**
 * Overlays of many neighbouring grids run on a 1e-9° (≈ 0.1 mm) precision grid (OverlayNG snap-rounding): plain
 * floating-point overlays of unions of shared boundaries raise GEOS topology errors now and then.
 */
const GRID = '1e-9';

/**
 * Exactly one row, or a refusal: a GEOS error inside PGlite-PostGIS 0.2.8 comes back as *no rows* instead of an error,
 * and a validation that silently found nothing would let a broken shape through.
 */
async function oneRow<R>(tx: Queryable, sql: string, params: readonly unknown[]): Promise<R> {
  const rows = await tx.query<R>(sql, params);
  if (rows.length !== 1)
    throw new Error(`topology check returned ${rows.length} rows: the geometry engine failed on this shape`);
  return rows[0] as R;
}

/** ST_IsValid with the reason and a small circle around where it fails. */
export async function validityProblem(tx: Queryable, geometry: Geometry): Promise<TopologyProblem | null> {
  const r = await oneRow<{ valid: boolean; reason: string | null; at: Geometry | null; empty: boolean }>(
    tx,
    `SELECT (d).valid AS valid, (d).reason AS reason, ST_AsGeoJSON(ST_Buffer((d).location, 0.00003))::json AS at, ST_IsEmpty(g) AS empty
     FROM (SELECT ST_IsValidDetail(g) AS d, g FROM (SELECT ${G} AS g) x) y`,
    [JSON.stringify(geometry)],
  );
  if (r.empty) return { kind: 'invalid', message: 'the shape is empty', areaM2: 0, geometry: null };
  return r.valid
    ? null
    : { kind: 'invalid', message: `invalid geometry: ${r.reason ?? 'unknown'}`, areaM2: 0, geometry: r.at };
}

/**
 * The checks before a grid shape is saved (PostGIS, areas through geography): no overlap with other grids beyond the
 * sliver tolerance, inside its community, and no new gap left in the community (gaps that were there before do not
 * count against this edit). `code` is the grid being reshaped (left out of its own neighbours), `replaces` grids the
 * shape takes the place of (a merge), null for a new grid.
 */
export async function gridProblems(
  tx: Queryable,
  opts: {
    geometry: Geometry;
    communityCode: string;
    code: string | null;
    replaces?: readonly string[];
    sliverM2?: number;
    /** New shapes saved together with this one (a shared boundary moved): they fill the community with it. */
    companions?: readonly Geometry[];
  },
): Promise<TopologyProblem[]> {
  const invalid = await validityProblem(tx, opts.geometry);
  if (invalid) return [invalid];
  const sliver = opts.sliverM2 ?? DEFAULT_SLIVER_M2;
  const skip = [...(opts.code ? [opts.code] : []), ...(opts.replaces ?? [])];
  const params = [
    JSON.stringify(opts.geometry),
    opts.communityCode,
    skip,
    (opts.companions ?? []).map((g) => JSON.stringify(g)),
  ];
  const problems: TopologyProblem[] = [];
  const overlaps = await tx.query<{ code: string; a: number; g: Geometry }>(
    `WITH s AS (SELECT ${G} AS g)
     SELECT o.code, ST_Area(x.i::geography) AS a, ST_AsGeoJSON(x.i)::json AS g
     FROM s, grid o CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Intersection(s.g, o.geom, ${GRID}), 3) AS i) x
     WHERE o.geom && s.g AND NOT (o.code = ANY($2::text[])) AND ST_Intersects(o.geom, s.g) AND ST_Area(x.i::geography) > $3
     ORDER BY o.code`,
    [JSON.stringify(opts.geometry), skip, sliver],
  );
  for (const o of overlaps)
    problems.push({
      kind: 'overlap',
      message: `overlaps grid ${o.code} by ${o.a.toFixed(1)} m²`,
      areaM2: o.a,
      with: o.code,
      geometry: o.g,
    });
  const r = await oneRow<{
    found: boolean;
    outside_a: number;
    outside_g: Geometry | null;
    gap_a: number;
    gap_g: Geometry | null;
  }>(
    tx,
    `WITH s AS (SELECT ST_Union(${G}, coalesce((SELECT ST_Union(ST_SetSRID(ST_GeomFromGeoJSON(x), 4326)) FROM unnest($4::text[]) x),
                                'SRID=4326;POLYGON EMPTY'::geometry), ${GRID}) AS g),
          c AS (SELECT geom FROM admin_area WHERE code = $2),
          others AS (SELECT coalesce(ST_Union(geom, ${GRID}), 'SRID=4326;POLYGON EMPTY'::geometry) AS u FROM grid WHERE community_code = $2 AND NOT (code = ANY($3::text[]))),
          mine AS (SELECT coalesce(ST_Union(geom, ${GRID}), 'SRID=4326;POLYGON EMPTY'::geometry) AS u FROM grid WHERE code = ANY($3::text[])),
          p AS (SELECT ST_CollectionExtract(ST_Difference(s.g, c.geom, ${GRID}), 3) AS outside,
                       ST_CollectionExtract(ST_Difference(
                         ST_Difference(c.geom, ST_Union(others.u, s.g, ${GRID}), ${GRID}),
                         ST_Difference(c.geom, ST_Union(others.u, mine.u, ${GRID}), ${GRID}), ${GRID}), 3) AS gap
                FROM s, c, others, mine)
     SELECT EXISTS (SELECT 1 FROM c) AS found,
       coalesce((SELECT ST_Area(outside::geography) FROM p), 0) AS outside_a, (SELECT ST_AsGeoJSON(outside)::json FROM p) AS outside_g,
       coalesce((SELECT ST_Area(gap::geography) FROM p), 0) AS gap_a, (SELECT ST_AsGeoJSON(gap)::json FROM p) AS gap_g`,
    params,
  );
  if (!r.found)
    return [
      ...problems,
      { kind: 'outside', message: `community ${opts.communityCode} does not exist`, areaM2: 0, geometry: null },
    ];
  if (r.outside_a > sliver)
    problems.push({
      kind: 'outside',
      message: `${r.outside_a.toFixed(1)} m² lie outside community ${opts.communityCode}`,
      areaM2: r.outside_a,
      geometry: r.outside_g,
    });
  if (r.gap_a > sliver)
    problems.push({
      kind: 'gap',
      message: `the edit leaves ${r.gap_a.toFixed(1)} m² of community ${opts.communityCode} in no grid`,
      areaM2: r.gap_a,
      geometry: r.gap_g,
    });
  return problems;
}

/** Problems as a FeatureCollection for the problem+json body and the map. */
export function problemFeatures(problems: readonly TopologyProblem[]): {
  type: 'FeatureCollection';
  features: Feature<Geometry | null>[];
} {
  return {
    type: 'FeatureCollection',
    features: problems.map((p) => ({
      type: 'Feature',
      geometry: p.geometry,
      properties: { kind: p.kind, message: p.message, area_m2: p.areaM2, with: p.with ?? null },
    })),
  };
}
