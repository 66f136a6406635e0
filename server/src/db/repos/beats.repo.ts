import type { Queryable } from '../client.js';

/** A beat's id and version, and the grids whose inside point lies in it (what the beat editor starts from). */
export async function beatWithGrids(
  db: Queryable,
  code: string,
): Promise<{ id: number; version: number; gridCodes: string[] } | undefined> {
  const [beat] = await db.query<{ version: number; id: number }>('SELECT id, version FROM beat WHERE code = $1', [
    code,
  ]);
  if (!beat) return undefined;
  const rows = await db.query<{ code: string }>(
    `SELECT g.code FROM beat b JOIN grid g ON g.geom && b.geom AND ST_Intersects(b.geom, ST_PointOnSurface(g.geom)) WHERE b.code = $1 ORDER BY g.code`,
    [code],
  );
  return { id: Number(beat.id), version: beat.version, gridCodes: rows.map((r) => r.code) };
}
