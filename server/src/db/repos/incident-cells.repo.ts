import type { IncidentFilter } from '../../contract/incident-filter.js';
import type { Queryable } from '../client.js';
import { toLocalIso, tzSql } from '../../local-clock.js';

export type { IncidentFilter };

export interface IncidentCellFilter extends IncidentFilter {
  /** H3 resolution 7–10: the stored column it reads (h3_r7 … h3_r10). */
  res: 7 | 8 | 9 | 10;
}

/**
 * The WHERE terms of a filter on table alias `t` (no alias: bare columns), pushing values onto `params`.
 * Hours and weekdays are read in the local zone (GRIDPATROL_TZ).
 */
export function incidentWhere(f: IncidentFilter, params: unknown[], t = ''): string[] {
  const c = (col: string) => (t ? `${t}.${col}` : col);
  const p = (v: unknown) => `$${params.push(v)}`;
  const where: string[] = [];
  if (f.from) where.push(`${c('occurred_at')} >= ${p(f.from)}::timestamptz`);
  if (f.to) where.push(`${c('occurred_at')} < ${p(f.to)}::timestamptz`);
  if (f.hours?.length)
    where.push(`extract(hour FROM ${c('occurred_at')} AT TIME ZONE ${tzSql()})::int = ANY(${p(f.hours)}::int[])`);
  if (f.weekdays?.length)
    where.push(`extract(isodow FROM ${c('occurred_at')} AT TIME ZONE ${tzSql()})::int = ANY(${p(f.weekdays)}::int[])`);
  if (f.categories?.length) where.push(`${c('category')} = ANY(${p(f.categories)}::text[])`);
  // ST_Intersects, not a bare &&: the index's boxes are float4 rounded outwards, so && alone also lets in points up to
  // ~1e-5° (about a metre) outside the box (8 of 20,000 demo incidents on a 3 × 3 km box).
  if (f.bbox)
    where.push(
      `ST_Intersects(${c('geom')}, ST_MakeEnvelope(${p(f.bbox[0])}, ${p(f.bbox[1])}, ${p(f.bbox[2])}, ${p(f.bbox[3])}, 4326))`,
    );
  return where;
}

export interface IncidentCell {
  h3: string;
  n: number;
}

/**
 * Incident counts per H3 cell for a time/category filter: a GROUP BY on the h3 id stored at write time, never a scan
 * that computes cells. Hours and weekdays are read in the local zone (GRIDPATROL_TZ).
 */
export async function incidentCells(db: Queryable, f: IncidentCellFilter): Promise<IncidentCell[]> {
  const params: unknown[] = [];
  const where = incidentWhere(f, params);
  const col = `h3_r${f.res}`;
  return db.query<IncidentCell>(
    `SELECT to_hex(${col}) AS h3, count(*)::int AS n FROM incident ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     GROUP BY ${col} ORDER BY ${col}`,
    params,
  );
}

/** Categories present, most frequent first, for the filter's choices. */
export async function incidentCategories(db: Queryable): Promise<{ category: string; n: number }[]> {
  return db.query('SELECT category, count(*)::int AS n FROM incident GROUP BY category ORDER BY n DESC, category');
}

/** First and last incident time (for players and default periods). */
export async function incidentTimeRange(db: Queryable): Promise<{ from: string | null; to: string | null }> {
  const [r] = await db.query<{ from: Date | string | null; to: Date | string | null }>(
    'SELECT min(occurred_at) AS "from", max(occurred_at) AS "to" FROM incident',
  );
  // Written in the deployment's local time with its offset (GRIDPATROL_TZ), as the rest of the API reads hours.
  const local = (t: Date | string | null | undefined) =>
    t === null || t === undefined ? null : toLocalIso(new Date(t));
  return { from: local(r?.from), to: local(r?.to) };
}
