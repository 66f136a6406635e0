import type { Queryable } from '../db/client.js';
import { ForbiddenError } from '../errors.js';
import type { SignedInUser } from './auth.service.js';

/**
 * Area scoping: a planner tied to a station edits only that station's beats. Checked on the beats an edit would
 * change (by id or code, and a new beat's station). Other roles, and planners of no one station, pass.
 */
export async function assertBeatsInScope(q: Queryable, user: SignedInUser | undefined,
  beats: { ids?: readonly number[]; codes?: readonly string[]; newStationId?: number | null }): Promise<void> {
  if (!user || user.role !== 'planner' || user.stationId === null) return;
  const own = user.stationId;
  if ('newStationId' in beats && beats.newStationId !== own) {
    throw new ForbiddenError(`You plan station ${own}: a new beat must belong to it`, [{ path: 'properties.station_id', message: `must be ${own}` }]);
  }
  const rows = await q.query<{ code: string; station: number | null }>(
    `SELECT code, station_id::int AS station FROM beat WHERE id = ANY($1::bigint[]) OR code = ANY($2::text[]) ORDER BY code`,
    [beats.ids ?? [], beats.codes ?? []]);
  const foreign = rows.filter((r) => r.station !== own);
  if (foreign.length) {
    throw new ForbiddenError(`You plan station ${own}; beat ${foreign.map((r) => r.code).join(', ')} belongs to another station`,
      foreign.map((r) => ({ path: `beats.${r.code}`, message: `station ${r.station ?? 'none'}` })));
  }
}

/** The beats that now hold these grids (a beat built from grids takes them from their beats, which change too). */
export async function beatsHoldingGrids(q: Queryable, gridCodes: readonly string[]): Promise<string[]> {
  const rows = await q.query<{ code: string }>(
    `SELECT DISTINCT b.code FROM grid g JOIN beat b ON ST_Within(ST_PointOnSurface(g.geom), b.geom) WHERE g.code = ANY($1::text[]) ORDER BY b.code`, [gridCodes]);
  return rows.map((r) => r.code);
}
