import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { storeBandAreas, storeWorkingViews } from '../helpers/reference-tables.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Schools at identify level (识别) in the beat plan scorecard against PostGIS: each working camera's identify area is
 * built in SQL as banded-coverage-postgis.test.ts does, by helpers/reference-tables.ts (the occluded view ∩
 * (ST_Buffer(pt, identify edge) − ST_Buffer(pt, blind zone)) on geography, the edges from the optics columns by the
 * DORI formula written in SQL); a school is identified when some such area reaches it (a gate point: within 15 m, the
 * place coverage's radius; grounds: intersecting them), counted per grid and then per beat. The occluded views are the
 * common input.
 */
let app: TestApp;
// biome-ignore lint/suspicious/noExplicitAny: test-only escape, bodies are checked field by field below
type Json = Record<string, any>;
let station: { id: number };
/** Schools the test put a camera in front of, and the boundary grid of one of them. */
let targets: { id: number; grid: string; beat: string; to_beat: string }[];
const IN_FORCE_SQL = `SELECT DISTINCT ON (g.code) g.code AS grid, b.code AS beat FROM grid g
  JOIN beat b ON b.station_id = $1 AND ST_Intersects(b.geom, ST_PointOnSurface(g.geom)) ORDER BY g.code, b.code`;
const SCHOOL_GRID_SQL = `SELECT DISTINCT ON (k.id) k.id, g.code AS grid FROM key_place k
  JOIN grid g ON ST_Intersects(g.geom, ST_PointOnSurface(k.geom)) WHERE k.kind IN ('school', 'kindergarten') ORDER BY k.id, g.code`;

const get = async (path: string) => {
  const r = await app.call('GET', path).catch(() => app.call('GET', path));
  expect(r.status, JSON.stringify(r.json).slice(0, 500)).toBe(200);
  return r.json as Json;
};

beforeAll(async () => {
  app = await startTestApp();
  await loadDemoCity(app.db, { seed: 20261125, incidents: 0 });
  station = (
    await app.db.query<{ id: number }>(
      'SELECT station_id::int AS id FROM beat GROUP BY station_id ORDER BY station_id OFFSET 1 LIMIT 1',
    )
  )[0]!;
  // Known optics on every camera, so the SQL formula below reads the same inputs as the service.
  await app.db.exec(`UPDATE camera SET version = version + 1,
    resolution = (ARRAY['1920×1080', '2560×1440', '1280×720'])[1 + id % 3],
    lens_fov_deg = 30 + (id % 5) * 15, tilt_deg = 10 + (id % 4) * 10`);
  // Two schools of the station in grids on a beat boundary (beats of more than 3 grids), each with a working 1080p
  // camera south of it looking north: 20° lens, 30° tilt at 6 m → blind to 8.4 m, identify to 21.8 m, observe to the
  // 50 m range. The schools are grounds (polygons): the first camera stands 12 m south of a point inside them
  // (identify), the second 30 m south of the grounds' southernmost vertex (seen at observe, not identified).
  targets = await app.db.query<{ id: number; grid: string; beat: string; to_beat: string }>(
    `WITH a AS (${IN_FORCE_SQL}), s AS (${SCHOOL_GRID_SQL}),
       edge AS (SELECT DISTINCT ON (x.grid) x.grid, x.beat, y.beat AS to_beat FROM a x JOIN a y ON x.beat <> y.beat
         JOIN grid gx ON gx.code = x.grid JOIN grid gy ON gy.code = y.grid
         WHERE ST_Length(ST_CollectionExtract(ST_Intersection(gx.geom, gy.geom), 2)::geography) > 50
           AND (SELECT count(*) FROM a z WHERE z.beat = x.beat) > 3 ORDER BY x.grid, y.beat)
     SELECT DISTINCT ON (s.grid) s.id::int AS id, s.grid, edge.beat, edge.to_beat FROM s JOIN edge USING (grid)
     ORDER BY s.grid, s.id LIMIT 2`,
    [station.id],
  );
  expect(targets).toHaveLength(2);
  const cams = await app.db.query<{ id: number }>('SELECT id::int AS id FROM camera ORDER BY id LIMIT $1', [
    targets.length,
  ]);
  for (const [i, t] of targets.entries())
    await app.db.query(
      `UPDATE camera SET version = version + 1, status = 'working', networked = true, camera_type = 'bullet',
         heading_deg = 0, fov_deg = 60, range_m = 50, height_m = 6, tilt_deg = 30, lens_fov_deg = 20,
         resolution = '1920×1080',
         geom = (SELECT CASE WHEN $3 THEN ST_Project(ST_PointOnSurface(k.geom)::geography, 12, radians(180))::geometry
           ELSE ST_Project((SELECT p.geom FROM ST_DumpPoints(k.geom) p ORDER BY ST_Y(p.geom) LIMIT 1)::geography, 30,
             radians(180))::geometry END FROM key_place k WHERE k.id = $2)
       WHERE id = $1`,
      [cams[i]!.id, t.id, i === 0],
    );
  // The cameras whose range reaches the far school (but the two above) are out of order: only the one 30 m off sees it.
  await app.db.query(
    `UPDATE camera c SET version = c.version + 1, status = 'faulty' FROM key_place k
     WHERE k.id = $1 AND c.id <> ALL($2::bigint[]) AND ST_DWithin(c.geom::geography, k.geom::geography, c.range_m + 15)`,
    [targets[1]!.id, cams.map((c) => c.id)],
  );
  await storeWorkingViews(app.db, 'ref_view');
  await storeBandAreas(app.db, 'ref_identify', 'ref_view', ['identify']);
}, 600_000);
afterAll(async () => app?.dispose());

/** Per grid: the schools, and those some working camera's identify area reaches. */
async function identifiedByGrid(): Promise<Map<string, { schools: number; identified: number }>> {
  const rows = await app.db.query<{ grid: string; schools: number; identified: number }>(
    `WITH s AS (${SCHOOL_GRID_SQL})
     SELECT s.grid, count(*)::int AS schools, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ref_identify r WHERE
         CASE WHEN GeometryType(k.geom) = 'POINT' THEN ST_DWithin(r.geom::geography, k.geom::geography, 15)
              ELSE r.geom && k.geom AND ST_Intersects(r.geom, k.geom) END))::int AS identified
     FROM s JOIN key_place k ON k.id = s.id GROUP BY s.grid`,
  );
  return new Map(rows.map((r) => [r.grid, { schools: r.schools, identified: r.identified }]));
}

function perBeat(assignment: Map<string, string>, byGrid: Map<string, { schools: number; identified: number }>) {
  const out = new Map<string, { schools: number; identified: number }>();
  for (const [grid, beat] of assignment) {
    const g = byGrid.get(grid) ?? { schools: 0, identified: 0 };
    const b = out.get(beat) ?? { schools: 0, identified: 0 };
    out.set(beat, { schools: b.schools + g.schools, identified: b.identified + g.identified });
  }
  return out;
}

describe('scorecard: schools at identify level vs PostGIS', () => {
  it("when the plan in force and a draft moving a school's grid are compared, then schools identified per beat and per plan equal PostGIS and compare answers the differences", async () => {
    const byGrid = await identifiedByGrid();
    const inForce = new Map(
      (await app.db.query<{ grid: string; beat: string }>(IN_FORCE_SQL, [station.id])).map((r) => [r.grid, r.beat]),
    );
    const moved = targets[0]!;
    const draft = new Map(inForce);
    draft.set(moved.grid, moved.to_beat);
    const r = await app.call('POST', '/api/v1/plans', {
      name: '学校网格调整',
      stationId: station.id,
      assignment: [...draft].map(([gridCode, beatCode]) => ({ gridCode, beatCode })),
    });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    const cmp = await get(`/api/v1/plans/compare?a=in-force&b=${(r.json as Json).id}&stationId=${station.id}`);

    for (const [card, assignment] of [
      [cmp.a, inForce],
      [cmp.b, draft],
    ] as const) {
      const ref = perBeat(assignment, byGrid);
      expect((card.beats as Json[]).map((b) => b.code).sort()).toEqual([...ref.keys()].sort());
      for (const b of card.beats as Json[]) {
        const x = ref.get(b.code)!;
        expect([b.coverage.schools, b.coverage.schoolsIdentified], `beat ${b.code}`).toEqual([x.schools, x.identified]);
        expect(b.coverage.schoolsIdentified).toBeLessThanOrEqual(b.coverage.schoolsSeen);
      }
      const schools = [...ref.values()].reduce((s, x) => s + x.schools, 0),
        identified = [...ref.values()].reduce((s, x) => s + x.identified, 0);
      expect(card.plan.coverage.schoolsIdentified).toBe(identified);
      expect(card.plan.coverage.schoolIdentifyRate).toBeCloseTo(identified / schools, 12);
      expect(card.plan.coverage.schoolIdentifyRate).toBeLessThanOrEqual(card.plan.coverage.schoolRate);
    }
    // The check has teeth: the near camera identifies its school, the far one sees its school without identifying
    // it (so "identified" is not "seen"), and the moved grid carries an identified school.
    const sum = (card: Json, f: 'schoolsSeen' | 'schoolsIdentified') =>
      (card.beats as Json[]).reduce((s, b) => s + b.coverage[f], 0);
    expect(cmp.a.plan.coverage.schoolsIdentified).toBeGreaterThan(0);
    expect(sum(cmp.a, 'schoolsSeen')).toBeGreaterThan(sum(cmp.a, 'schoolsIdentified'));
    expect(byGrid.get(targets[1]!.grid)?.identified ?? 0).toBe(0);
    const movedIdentified = byGrid.get(moved.grid)?.identified ?? 0;
    expect(movedIdentified).toBeGreaterThan(0);
    const beatOf = (card: Json, code: string) => (card.beats as Json[]).find((b) => b.code === code)!;
    expect(
      beatOf(cmp.a, moved.beat).coverage.schoolsIdentified - beatOf(cmp.b, moved.beat).coverage.schoolsIdentified,
    ).toBe(movedIdentified);
    expect(
      beatOf(cmp.b, moved.to_beat).coverage.schoolsIdentified - beatOf(cmp.a, moved.to_beat).coverage.schoolsIdentified,
    ).toBe(movedIdentified);
    // Differences b − a: the same grids, so the plan's figures do not change.
    expect(cmp.differences.coverage.schoolsIdentified).toBe(
      cmp.b.plan.coverage.schoolsIdentified - cmp.a.plan.coverage.schoolsIdentified,
    );
    expect(cmp.differences.coverage.schoolsIdentified).toBe(0);
    expect(cmp.differences.coverage.schoolIdentifyRate).toBe(0);
    console.info(
      `[scorecard identify] station ${station.id}: schools ${cmp.a.beats.reduce((s: number, b: Json) => s + b.coverage.schools, 0)}, seen ${cmp.a.beats.reduce((s: number, b: Json) => s + b.coverage.schoolsSeen, 0)}, identified ${cmp.a.plan.coverage.schoolsIdentified} (rate ${cmp.a.plan.coverage.schoolIdentifyRate}); moved grid ${moved.grid} ${moved.beat}→${moved.to_beat} carries ${movedIdentified}`,
    );
  }, 600_000);
});
