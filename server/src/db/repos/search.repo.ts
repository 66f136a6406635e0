import type { Queryable } from '../client.js';
import type { SearchKind } from '../../contract/search.js';

/** One searchable feature as the repository reads it. */
export interface SearchRow {
  kind: SearchKind;
  id: number | null;
  code: string | null;
  name: string;
  bbox: [number, number, number, number];
}

interface RawRow {
  kind: SearchKind;
  id: string | number | null;
  code: string | null;
  name: string;
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

const toRow = (r: RawRow): SearchRow => ({
  kind: r.kind,
  id: r.id === null ? null : Number(r.id),
  code: r.code,
  name: r.name,
  bbox: [r.xmin, r.ymin, r.xmax, r.ymax],
});

/**
 * Every searchable feature: grids, beats, stations, cameras, key places, communities, and roads by name (all segments
 * of a name as one hit, boxed together). `$1`: a LIKE pattern on codes and names (already escaped), or NULL for all
 * of them (the pinyin index). Capped per call at `$2` rows.
 */
const SEARCHABLE = `
  WITH f AS (
    SELECT 'grid' AS kind, id, code, name, geom FROM grid
    UNION ALL SELECT 'beat', id, code, name, geom FROM beat
    UNION ALL SELECT 'station', id, code, name, geom FROM station
    UNION ALL SELECT 'camera', id, code, coalesce(name, code), geom FROM camera WHERE coalesce(name, code) IS NOT NULL
    UNION ALL SELECT 'key_place', id, NULL, name, geom FROM key_place
    UNION ALL SELECT 'community', id, code, name, geom FROM admin_area WHERE level = 'community'
  ), hits AS (
    SELECT kind, id, code, name, ST_XMin(geom) AS xmin, ST_YMin(geom) AS ymin, ST_XMax(geom) AS xmax,
           ST_YMax(geom) AS ymax
    FROM f WHERE $1::text IS NULL OR name ILIKE $1 ESCAPE '\\' OR code ILIKE $1 ESCAPE '\\'
    UNION ALL
    SELECT 'road', NULL, NULL, name, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
    FROM (SELECT name, ST_Extent(geom)::geometry AS e FROM road
          WHERE name IS NOT NULL AND name <> '' AND ($1::text IS NULL OR name ILIKE $1 ESCAPE '\\')
          GROUP BY name) r
  )
  SELECT kind, id, code, name, xmin, ymin, xmax, ymax FROM hits ORDER BY length(name), name, kind LIMIT $2`;

/** Escapes LIKE's wildcards so a typed `%` or `_` matches itself. */
export const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Features whose code or name contains `text` (case-insensitive), shortest names first. */
export async function searchContaining(db: Queryable, text: string, limit: number): Promise<SearchRow[]> {
  const rows = await db.query<RawRow>(SEARCHABLE, [`%${likeEscape(text)}%`, limit]);
  return rows.map(toRow);
}

/** Every searchable feature (for matching pinyin in the service), at most `limit`. */
export async function searchableNames(db: Queryable, limit: number): Promise<SearchRow[]> {
  const rows = await db.query<RawRow>(SEARCHABLE, [null, limit]);
  return rows.map(toRow);
}

/** A cheap fingerprint of the searchable tables: counts and last edits; the pinyin index is rebuilt when it changes. */
export async function searchableVersion(db: Queryable): Promise<string> {
  const [row] = await db.query<{ v: string }>(
    `SELECT concat_ws('/',
       (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM grid),
       (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM beat),
       (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM station),
       (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM camera),
       (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM key_place),
       (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM admin_area),
       (SELECT count(*)::text FROM road)) AS v`,
  );
  return row?.v ?? '';
}
