import type { Db, Queryable } from '../client.js';

export interface GateDutyRow {
  keyPlaceId: number;
  /** Local minute of the day of the arrival (may pass 1439 for a shift over midnight). */
  arrivalMin: number;
  dwellMin: number;
  unit: number;
}

/** Replaces the gate duties one base's patrol plan put on a day (a new plan for the same base and day supersedes). */
export async function replaceGateDuties(
  db: Db,
  day: string,
  base: { kind: 'post' | 'station'; id: number },
  rows: readonly GateDutyRow[],
  actor: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM gate_duty WHERE day = $1::date AND base_kind = $2 AND base_id = $3', [
      day,
      base.kind,
      base.id,
    ]);
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO gate_duty (day, key_place_id, arrival_min, dwell_min, base_kind, base_id, unit, created_by)
       SELECT $1::date, r.k, r.a, r.d, $2, $3, r.u, $4
       FROM unnest($5::bigint[], $6::int[], $7::int[], $8::int[]) AS r(k, a, d, u)`,
      [
        day,
        base.kind,
        base.id,
        actor,
        rows.map((r) => r.keyPlaceId),
        rows.map((r) => Math.round(r.arrivalMin)),
        rows.map((r) => Math.round(r.dwellMin)),
        rows.map((r) => r.unit),
      ],
    );
  });
}

export interface PlannedGateDuty extends GateDutyRow {
  baseKind: string;
  baseId: number;
}

/** The gate duties planned for a local day. */
export async function gateDutiesOn(db: Queryable, day: string): Promise<PlannedGateDuty[]> {
  return db.query<PlannedGateDuty>(
    `SELECT key_place_id::int AS "keyPlaceId", arrival_min AS "arrivalMin", dwell_min AS "dwellMin", unit,
            base_kind AS "baseKind", base_id::int AS "baseId"
     FROM gate_duty WHERE day = $1::date ORDER BY key_place_id, arrival_min`,
    [day],
  );
}

/** Posts within `meters` of each school (its point on surface), with their staffed hours. */
export async function postsNearSchools(
  db: Queryable,
  meters: number,
): Promise<{ schoolId: number; postId: number; name: string; staffedHours: string }[]> {
  return db.query(
    `SELECT k.id::int AS "schoolId", p.id::int AS "postId", p.name, p.staffed_hours AS "staffedHours"
     FROM key_place k
     CROSS JOIN LATERAL (SELECT ST_PointOnSurface(k.geom) AS gate) g
     JOIN post p
       -- The box first, so post_geom_idx answers it (the geography test alone scans every post per school): a
       -- degree of latitude is at least 110,574 m, a degree of longitude at least 111,320·cos(lat) m on the
       -- ellipsoid, so the box holds every post within $1 m; the 1 % keeps rounding at the edge inside.
       ON p.geom && ST_Expand(g.gate, 1.01 * $1 / (111320 * GREATEST(cos(radians(ST_Y(g.gate))), 0.01)), 1.01 * $1 / 110574)
      AND ST_DWithin(p.geom::geography, g.gate::geography, $1)
     WHERE k.kind IN ('school', 'kindergarten') ORDER BY k.id, p.id`,
    [meters],
  );
}
