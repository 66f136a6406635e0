import type { MultiPolygon } from 'geojson';
import type { Queryable } from '../client.js';
import { incidentWhere, type IncidentFilter } from './incident-cells.repo.js';
import { tzSql } from '../../local-clock.js';

/** The kinds of area incidents are counted in, and where their polygons are. */
export type IncidentAreaKind = 'grid' | 'beat' | 'community' | 'township' | 'district';
const AREA_FROM: Record<IncidentAreaKind, string> = {
  grid: 'grid',
  beat: 'beat',
  community: "(SELECT * FROM admin_area WHERE level = 'community')",
  township: "(SELECT * FROM admin_area WHERE level = 'township')",
  district: "(SELECT * FROM admin_area WHERE level = 'district')",
};
/** Residents are kept on grids; a beat or admin area has the sum of the grids whose point-on-surface lies in it. */
const POPULATION: Record<IncidentAreaKind, string> = {
  grid: 'a.population',
  beat: '(SELECT coalesce(sum(g.population), 0) FROM grid g WHERE ST_Intersects(a.geom, ST_PointOnSurface(g.geom)))::int',
  community: '(SELECT coalesce(sum(g.population), 0) FROM grid g WHERE g.community_code = a.code)::int',
  township:
    '(SELECT coalesce(sum(g.population), 0) FROM grid g WHERE ST_Intersects(a.geom, ST_PointOnSurface(g.geom)))::int',
  district:
    '(SELECT coalesce(sum(g.population), 0) FROM grid g WHERE ST_Intersects(a.geom, ST_PointOnSurface(g.geom)))::int',
};

export interface AreaIncidentCount {
  code: string;
  name: string;
  incidents: number;
  population: number;
  areaKm2: number;
  /** The area's outline (WGS84, 7 decimals), only when asked for. */
  geometry?: MultiPolygon;
}

/**
 * Incidents per area for a filter: a spatial join on the GiST indexes, evaluated at query time (an incident on a
 * shared boundary counts in each area it touches; with points on lines this is rare and visible rather than silently
 * lost). Not a containment code stored on the incident: grids and beats are edited through the feature API and
 * re-districted, and a stored code would silently go stale; one index probe per area (384 grids) costs about as
 * much as the filter's scan.
 */
export async function incidentsByArea(
  db: Queryable,
  kind: IncidentAreaKind,
  f: IncidentFilter,
  opts: { geometry?: boolean } = {},
): Promise<AreaIncidentCount[]> {
  const params: unknown[] = [];
  const where = incidentWhere(f, params, 'i');
  return db.query<AreaIncidentCount>(
    `SELECT a.code, a.name, ${POPULATION[kind]} AS population, ST_Area(a.geom::geography) / 1e6 AS "areaKm2",
       (SELECT count(*)::int FROM incident i WHERE ST_Intersects(a.geom, i.geom) ${where.map((w) => `AND ${w}`).join(' ')}) AS incidents
       ${opts.geometry ? ', ST_AsGeoJSON(ST_Multi(a.geom), 7)::json AS geometry' : ''}
     FROM ${AREA_FROM[kind]} a ORDER BY a.code`,
    params,
  );
}

/** One area's outline (for the Gi* study area and the map), or undefined. */
export async function areaGeometry(
  db: Queryable,
  kind: IncidentAreaKind,
  code: string,
): Promise<MultiPolygon | undefined> {
  const [row] = await db.query<{ g: MultiPolygon }>(
    `SELECT ST_AsGeoJSON(geom, 7)::json AS g FROM ${AREA_FROM[kind]} a WHERE a.code = $1`,
    [code],
  );
  return row?.g;
}

/** The outline of all districts together: the study area of city-wide hot-spot analysis. */
export async function studyAreaGeometry(db: Queryable): Promise<MultiPolygon | undefined> {
  const [row] = await db.query<{ g: MultiPolygon | null }>(
    `SELECT ST_AsGeoJSON(ST_Multi(ST_Union(geom)), 7)::json AS g FROM admin_area
     WHERE level = (SELECT CASE WHEN bool_or(level = 'district') THEN 'district' ELSE 'region' END FROM admin_area)`,
  );
  return row?.g ?? undefined;
}

/** Counts per H3 cell per Beijing ISO week (Monday), oldest first. */
export async function weeklyCellCounts(
  db: Queryable,
  res: 7 | 8 | 9 | 10,
  f: IncidentFilter,
): Promise<{ h3: string; week: string; n: number }[]> {
  const params: unknown[] = [];
  const where = incidentWhere(f, params);
  return db.query(
    `SELECT to_hex(h3_r${res}) AS h3, to_char(date_trunc('week', occurred_at AT TIME ZONE ${tzSql()}), 'YYYY-MM-DD') AS week,
       count(*)::int AS n
     FROM incident ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY 1, 2 ORDER BY 2, 1`,
    params,
  );
}

/** The newest incident time, to anchor "the last N weeks" when no dates are given. */
export async function latestIncidentAt(db: Queryable): Promise<Date | undefined> {
  const [row] = await db.query<{ at: Date | null }>('SELECT max(occurred_at) AS at FROM incident');
  return row?.at ?? undefined;
}

/** Counts by Beijing ISO weekday (1–7) × hour (0–23) inside an area (or everywhere), for a filter. */
export async function hourWeekCounts(
  db: Queryable,
  f: IncidentFilter,
  area?: { kind: IncidentAreaKind; code: string },
): Promise<{ weekday: number; hour: number; n: number }[]> {
  const params: unknown[] = [];
  const where = incidentWhere(f, params, 'i');
  if (area)
    where.push(
      `ST_Intersects(i.geom, (SELECT a.geom FROM ${AREA_FROM[area.kind]} a WHERE a.code = $${params.push(area.code)}))`,
    );
  return db.query(
    `SELECT extract(isodow FROM i.occurred_at AT TIME ZONE ${tzSql()})::int AS weekday,
       extract(hour FROM i.occurred_at AT TIME ZONE ${tzSql()})::int AS hour, count(*)::int AS n
     FROM incident i ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY 1, 2`,
    params,
  );
}

/** Position and time of each incident matching a filter (for the near-repeat test), at most `limit`. */
export async function incidentEvents(
  db: Queryable,
  f: IncidentFilter,
  limit: number,
): Promise<{ lon: number; lat: number; ms: number }[]> {
  const params: unknown[] = [];
  const where = incidentWhere(f, params);
  return db.query(
    `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, (extract(epoch FROM occurred_at) * 1000)::float8 AS ms
     FROM incident ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT $${params.push(limit)}`,
    params,
  );
}

/** How many grids hold each point (by grid code), for counting hot cells per grid. */
export async function gridsContaining(
  db: Queryable,
  points: readonly { lon: number; lat: number }[],
): Promise<Map<string, number>> {
  if (points.length === 0) return new Map();
  const rows = await db.query<{ code: string; n: number }>(
    `SELECT g.code, count(*)::int AS n FROM unnest($1::float8[], $2::float8[]) AS c(lon, lat)
     JOIN grid g ON ST_Intersects(g.geom, ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326)) GROUP BY g.code`,
    [points.map((q) => q.lon), points.map((q) => q.lat)],
  );
  return new Map(rows.map((r) => [r.code, r.n]));
}

/** Incidents per stored H3 cell and Beijing hour: the hour-dependent prizes of patrol planning. */
export async function cellHourCounts(
  db: Queryable,
  res: 7 | 8 | 9 | 10,
  f: IncidentFilter = {},
): Promise<{ h3: string; hour: number; n: number }[]> {
  const params: unknown[] = [];
  const where = incidentWhere(f, params);
  return db.query(
    `SELECT to_hex(h3_r${res}) AS h3, extract(hour FROM occurred_at AT TIME ZONE ${tzSql()})::int AS hour, count(*)::int AS n
     FROM incident ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY 1, 2`,
    params,
  );
}

/** How the time bar bins incidents: by local hour of the day, or along the calendar by local day or ISO week. */
export type HistogramBin = 'hour' | 'day' | 'week';
/** The SQL key of each bin (hour "0"–"23", the local day, the Monday of the local ISO week), read in GRIDPATROL_TZ. */
const BIN_KEY: Record<HistogramBin, () => string> = {
  hour: () => `extract(hour FROM occurred_at AT TIME ZONE ${tzSql()})::int::text`,
  day: () => `to_char(occurred_at AT TIME ZONE ${tzSql()}, 'YYYY-MM-DD')`,
  week: () => `to_char(date_trunc('week', occurred_at AT TIME ZONE ${tzSql()}), 'YYYY-MM-DD')`,
};

/** Incidents matching a filter per bin (only the bins holding any; the service fills the gaps). */
export async function incidentBinCounts(
  db: Queryable,
  f: IncidentFilter,
  bin: HistogramBin,
): Promise<{ key: string; n: number }[]> {
  const params: unknown[] = [];
  const where = incidentWhere(f, params);
  return db.query(
    `SELECT ${BIN_KEY[bin]()} AS key, count(*)::int AS n
     FROM incident ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY 1`,
    params,
  );
}
