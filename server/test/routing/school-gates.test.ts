import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planPatrols, schoolGateCoverage, type PatrolRequest } from '../../src/services/routing.service.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

/**
 * School gates (护学岗) on both databases: one straight 36 km/h street (10 m/s) north from a post, schools on it at
 * known distances, a 16:00–18:00 patrol that includes some of them, its gate duties recorded, then "which schools have
 * no 护学岗 coverage at 16:30 today".
 */
const LON = 118.8,
  LAT0 = 32.0;
const latAt = (m: number) => LAT0 + (m / 6_371_008.8) * (180 / Math.PI);
const DAY = '2026-12-02';
let t: TestDb;
const id: Record<string, number> = {};

beforeAll(async () => {
  t = await openTestDb();
  await t.db.query(
    `INSERT INTO road (road_class, oneway, speed_kmh, geom) VALUES ('residential', 0, 36, ST_SetSRID(ST_GeomFromGeoJSON($1), 4326))`,
    [
      JSON.stringify({
        type: 'LineString',
        coordinates: [
          [LON, LAT0],
          [LON, latAt(2500)],
          [LON, latAt(5000)],
        ],
      }),
    ],
  );
  await t.db.query(`INSERT INTO post (name, geom) VALUES ('南门岗亭', ST_SetSRID(ST_MakePoint($1, $2), 4326))`, [
    LON,
    LAT0,
  ]);
  // A post 80 m from school C, staffed in the day.
  await t.db.query(
    `INSERT INTO post (name, staffed_hours, geom) VALUES ('校门岗', '07:00-23:00', ST_SetSRID(ST_MakePoint($1, $2), 4326))`,
    [LON + 0.00085, latAt(3000)],
  );
  const schools: [string, number, string | null][] = [
    ['A', 500, null], // default exit 16:30: window 16:00–16:45
    ['B', 1000, '17:00'], // window 16:30–17:15
    ['C', 3000, null], // 16:30, not in the patrol; the post beside it is staffed
    ['D', 2000, null], // 16:30, neither: uncovered
    ['F', 4000, '15:50'], // window 15:20–16:05, but 400 s from the base: the unit arrives 16:06:40
  ];
  for (const [name, m, exit] of schools) {
    const [r] = await t.db.query<{ id: number }>(
      `INSERT INTO key_place (kind, name, exit_time, geom) VALUES ('school', $1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326)) RETURNING id::int AS id`,
      [name, exit, LON, latAt(m)],
    );
    id[name] = r?.id ?? 0;
  }
});
afterAll(async () => t?.dispose());

const request = (schoolIds: number[]): PatrolRequest => ({
  profile: 'car',
  base: { kind: 'post', id: 1 },
  startHour: 16,
  hours: 2,
  units: 1,
  prizeCells: 0,
  prizeDwellMinutes: 10,
  incidentWeight: 1,
  blindSpotWeight: 0,
  schoolGates: { schoolIds, dwellMinutes: 15, record: true, day: DAY },
  actor: 'test',
});

describe('school gates (护学岗)', () => {
  it('when a patrol from 16:00 includes three schools, then it arrives at each gate in its window or says why not', async () => {
    const [post] = await t.db.query<{ id: number }>(`SELECT id::int AS id FROM post WHERE name = '南门岗亭'`);
    const [unit] = await planPatrols(
      t.db,
      { ...request([id.A!, id.B!, id.F!]), base: { kind: 'post', id: post!.id } },
      [],
    );
    const byName = Object.fromEntries(unit!.gates.map((g) => [g.name, g]));
    expect(byName.A).toMatchObject({ bell: '16:30', window: '16:00–16:45', reason: null });
    expect(byName.B).toMatchObject({ bell: '17:00', window: '16:30–17:15', reason: null });
    const mins = (hhmm: string | null) => (hhmm ? Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)) : NaN);
    expect(mins(byName.A!.arrival)).toBeGreaterThanOrEqual(16 * 60);
    expect(mins(byName.A!.arrival)).toBeLessThanOrEqual(16 * 60 + 45);
    expect(mins(byName.B!.arrival)).toBeGreaterThanOrEqual(16 * 60 + 30);
    expect(mins(byName.B!.arrival)).toBeLessThanOrEqual(17 * 60 + 15);
    // The morning bells (07:30) are outside the shift: only the exit gates are planned.
    expect(unit!.gates).toHaveLength(3);
    // 4 km at 10 m/s: 16:06:40, after F's window closes.
    expect(byName.F).toMatchObject({
      arrival: null,
      reason: 'even straight from the base the unit arrives at 16:07, after the window closes at 16:05',
    });
    expect(unit!.stops.filter((s) => s.kind === 'gate')).toHaveLength(2);
    expect(unit!.words.zh).toContain('护学岗 2/3');
  });

  it('when asked which schools have no 护学岗 coverage at 16:30 today, then it names the one no duty and no post covers', async () => {
    const c = await schoolGateCoverage(t.db, '16:30', DAY);
    const names = (xs: { name: string }[]) => xs.map((x) => x.name).sort();
    // F's bell (15:50) is 40 min before 16:30: not a 16:30 question.
    expect(names(c.schools)).toEqual(['A', 'B', 'C', 'D']);
    expect(names(c.uncovered)).toEqual(['D']);
    const by = Object.fromEntries(c.schools.map((s) => [s.name, s.coveredBy.map((x) => x.kind)]));
    expect(by).toEqual({ A: ['patrol'], B: ['patrol'], C: ['post'], D: [] });
    // Another day has no recorded duties: only the post's school is covered.
    const other = await schoolGateCoverage(t.db, '16:30', '2026-12-03');
    expect(names(other.uncovered)).toEqual(['A', 'B', 'D']);
  });

  it('when the plan is made again for the same base and day, then its duties replace the earlier ones', async () => {
    const [post] = await t.db.query<{ id: number }>(`SELECT id::int AS id FROM post WHERE name = '南门岗亭'`);
    await planPatrols(t.db, { ...request([id.A!]), base: { kind: 'post', id: post!.id } }, []);
    const c = await schoolGateCoverage(t.db, '16:30', DAY);
    expect(c.uncovered.map((x) => x.name).sort()).toEqual(['B', 'D']);
  });
});
