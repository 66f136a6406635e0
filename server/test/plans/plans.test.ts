import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  planApplyAnswer,
  planCompareAnswer,
  planDetailAnswer,
  planDistrictingAnswer,
  planListAnswer,
  scorecardAnswer,
  storedPlanDetailAnswer,
} from '../../src/contract/plan-answers.js';
import { cameraViews } from '../../src/services/coverage.service.js';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
// biome-ignore lint/suspicious/noExplicitAny: test-only escape, bodies are checked field by field below
type Json = Record<string, any>;
let station: { id: number; n: number };

beforeAll(async () => {
  app = await startTestApp();
  await loadDemoCity(app.db, { seed: 20261125, incidents: 3000 });
  station = (
    await app.db.query<{ id: number; n: number }>(
      'SELECT station_id::int AS id, count(*)::int AS n FROM beat GROUP BY station_id ORDER BY station_id OFFSET 1 LIMIT 1',
    )
  )[0]!;
}, 600_000);
afterAll(async () => app?.dispose());

const get = async (path: string) => {
  // One retry on a reset socket: after a long stretch of SQL the server may close the idle keep-alive connection
  // just as fetch reuses it.
  const r = await app.call('GET', path).catch(() => app.call('GET', path));
  expect(r.status, JSON.stringify(r.json).slice(0, 500)).toBe(200);
  return r.json as Json;
};
/** The answer is what the contract documents (strict objects: no field the schema does not name, none missing). */
const expectAnswer = (schema: z.ZodType, body: unknown) => expect(schema.safeParse(body).error).toBeUndefined();
/** The plan in force written out in SQL: each grid of the station in the beat holding its inside point. */
const IN_FORCE_SQL = `SELECT DISTINCT ON (g.code) g.code AS grid, b.code AS beat FROM grid g
  JOIN beat b ON b.station_id = $1 AND ST_Intersects(b.geom, ST_PointOnSurface(g.geom)) ORDER BY g.code, b.code`;

describe('scorecard of the plan in force vs PostGIS', () => {
  it("when a station's plan in force is scored, then workload, balance, shape and nesting equal PostGIS on the same grids", async () => {
    const card = await get(`/api/v1/plans/in-force/scorecard?stationId=${station.id}&weights=盗窃:2`);
    const ref = await app.db.query<{
      beat: string;
      grids: number;
      pop: number;
      hh: number;
      road_m: number;
      kp: number;
      inc: number;
      winc: number;
      pp: number;
      parts: number;
    }>(
      `WITH a AS (${IN_FORCE_SQL}), span AS (SELECT max(occurred_at) AS t1 FROM incident),
            u AS (SELECT a.beat, ST_Union(g.geom) AS geom FROM a JOIN grid g ON g.code = a.grid GROUP BY a.beat)
       SELECT a.beat, count(*)::int AS grids, sum(g.population)::float8 AS pop, sum(g.households)::float8 AS hh,
         sum((SELECT coalesce(sum(ST_Length(ST_Intersection(r.geom, g.geom)::geography)), 0) FROM road r WHERE ST_Intersects(r.geom, g.geom))) AS road_m,
         sum((SELECT count(*) FROM key_place k WHERE ST_Intersects(g.geom, ST_PointOnSurface(k.geom))))::int AS kp,
         sum((SELECT count(*) FROM incident i, span WHERE ST_Intersects(g.geom, i.geom) AND i.occurred_at > span.t1 - interval '365 days'))::int AS inc,
         sum((SELECT coalesce(sum(CASE WHEN i.category = '盗窃' THEN 2 ELSE 1 END), 0) FROM incident i, span WHERE ST_Intersects(g.geom, i.geom) AND i.occurred_at > span.t1 - interval '365 days'))::float8 AS winc,
         (SELECT 4 * pi() * ST_Area(u.geom::geography) / ST_Perimeter(u.geom::geography) ^ 2 FROM u WHERE u.beat = a.beat) AS pp,
         (SELECT ST_NumGeometries(u.geom) FROM u WHERE u.beat = a.beat) AS parts
       FROM a JOIN grid g ON g.code = a.grid GROUP BY a.beat ORDER BY a.beat`,
      [station.id],
    );
    expect(card.beats.map((b: Json) => b.code)).toEqual(ref.map((r) => r.beat));
    expect(ref.length).toBe(station.n);
    for (const [i, r] of ref.entries()) {
      const b = card.beats[i];
      expect(b.grids).toBe(r.grids);
      expect(b.workload.population).toBeCloseTo(r.pop, 6);
      expect(b.workload.households).toBeCloseTo(r.hh, 6);
      expect(b.workload.roadKm * 1000, `road of ${r.beat}`).toBeCloseTo(r.road_m, 3);
      expect(b.workload.keyPlaces).toBe(r.kp);
      expect(b.workload.incidents).toBe(r.inc);
      expect(b.workload.weightedIncidents).toBeCloseTo(r.winc, 9);
      // Outline from grid outlines minus shared boundaries, against the union's own perimeter: within 0.5 %.
      expect(
        Math.abs(b.shape.polsbyPopper - r.pp) / r.pp,
        `Polsby–Popper of ${r.beat}: ${b.shape.polsbyPopper} vs ${r.pp}`,
      ).toBeLessThan(0.005);
      expect(b.shape.onePiece).toBe(r.parts === 1);
    }
    // Balance written out: max/mean and the population coefficient of variation.
    const bal = await app.db.query<{ m: string; mx: number; cv: number }>(
      `SELECT m, max(v) / avg(v) AS mx, stddev_pop(v) / avg(v) AS cv FROM unnest($1::text[], $2::float8[]) AS u(m, v) GROUP BY m`,
      [ref.flatMap(() => ['population', 'weightedIncidents']), ref.flatMap((r) => [r.pop, r.winc])],
    );
    for (const x of bal) {
      const ours = card.plan.balance.find((b: Json) => b.measure === x.m);
      expect(ours.maxOverMean).toBeCloseTo(x.mx, 9);
      expect(ours.cv).toBeCloseTo(x.cv, 9);
    }
    // Nesting: communities in more than one beat, and the pieces they fall into (unions per community and beat).
    const split = await app.db.query<{ community: string; beats: number; pieces: number }>(
      `WITH a AS (${IN_FORCE_SQL}), per AS (SELECT g.community_code AS c, a.beat, ST_NumGeometries(ST_Union(g.geom)) AS n FROM a JOIN grid g ON g.code = a.grid GROUP BY 1, 2)
       SELECT c AS community, count(*)::int AS beats, sum(n)::int AS pieces FROM per GROUP BY c HAVING count(*) > 1 OR sum(n) > 1 ORDER BY c`,
      [station.id],
    );
    expect(card.plan.nesting.split).toEqual(split);
    const cut = await app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT g.code FROM grid g JOIN beat b ON b.station_id = $1 AND ST_Intersects(g.geom, b.geom)
         AND ST_Area(ST_Intersection(g.geom, b.geom)::geography) > 1 GROUP BY g.code HAVING count(*) > 1) x`,
      [station.id],
    );
    expect(card.plan.nesting.gridsCut).toBe(cut[0]!.n);
    expect(card.plan.change).toBeNull();
  });

  it("when reach is scored, then each beat's 1-3-5 road and key-place shares equal a shortest-path search written in SQL (Bellman–Ford over road_edge)", async () => {
    const card = await get(`/api/v1/plans/in-force/scorecard?stationId=${station.id}`);
    const db = app.db;
    await db.exec(`CREATE TEMP TABLE IF NOT EXISTS ref_dist (node bigint PRIMARY KEY, s float8 NOT NULL)`);
    let worst = 0;
    for (const beat of card.beats as Json[]) {
      await db.exec('DELETE FROM ref_dist');
      // Origins: the station and the posts standing in the beat's grids, each snapped to its nearest stored edge.
      await db.query(
        `WITH a AS (${IN_FORCE_SQL}),
          o AS (SELECT geom FROM station WHERE id = $1
                UNION ALL SELECT p.geom FROM post p JOIN grid g ON ST_Intersects(g.geom, p.geom) JOIN a ON a.grid = g.code AND a.beat = $2),
          snap AS (SELECT e.*, ST_LineLocatePoint(ST_Transform(e.geom, 3857), ST_Transform(o.geom, 3857)) AS f FROM o CROSS JOIN LATERAL
                   (SELECT * FROM road_edge e WHERE e.profile = 'car' ORDER BY e.geom::geography <-> o.geom::geography LIMIT 1) e),
          starts AS (SELECT source AS node, f * reverse_cost AS s FROM snap WHERE reverse_cost >= 0 OR f = 0
                     UNION ALL SELECT target, (1 - f) * cost FROM snap WHERE cost >= 0 OR f = 1)
        INSERT INTO ref_dist SELECT node, min(greatest(s, 0)) FROM starts GROUP BY node`,
        [station.id, beat.code],
      );
      for (let it = 0; it < 2000; it++) {
        const changed = await db.query<{ n: number }>(`WITH relax AS (
            SELECT e.target AS node, d.s + e.cost AS s FROM ref_dist d JOIN road_edge e ON e.profile = 'car' AND e.source = d.node AND e.cost >= 0 WHERE d.s + e.cost <= 300
            UNION ALL SELECT e.source, d.s + e.reverse_cost FROM ref_dist d JOIN road_edge e ON e.profile = 'car' AND e.target = d.node AND e.reverse_cost >= 0 WHERE d.s + e.reverse_cost <= 300),
          best AS (SELECT node, min(s) AS s FROM relax GROUP BY node),
          up AS (INSERT INTO ref_dist SELECT node, s FROM best ON CONFLICT (node) DO UPDATE SET s = EXCLUDED.s WHERE EXCLUDED.s < ref_dist.s - 1e-9 RETURNING 1)
          SELECT count(*)::int AS n FROM up`);
        if (changed[0]!.n === 0) break;
      }
      const ref = await db.query<{
        limit_s: number;
        road: number;
        reached: number;
        places: number;
        places_reached: number;
      }>(
        `WITH a AS (${IN_FORCE_SQL}), bg AS (SELECT g.* FROM grid g JOIN a ON a.grid = g.code AND a.beat = $2),
           -- An edge whose midpoint lies on a boundary between grids (a road the grids are drawn along) counts once,
           -- for the grid of lowest code among the station's: the rule the scorecard states.
           eg AS (SELECT DISTINCT ON (e.id) e.id, g.code FROM road_edge e JOIN grid g ON g.code IN (SELECT grid FROM a)
                    AND ST_Intersects(g.geom, ST_LineInterpolatePoint(e.geom, 0.5)) WHERE e.profile = 'car' ORDER BY e.id, g.code),
           e AS (SELECT e.*, coalesce(ds.s, 'infinity') AS ts, coalesce(dt.s, 'infinity') AS tt FROM road_edge e
                 JOIN eg ON eg.id = e.id AND eg.code IN (SELECT code FROM bg)
                 LEFT JOIN ref_dist ds ON ds.node = e.source LEFT JOIN ref_dist dt ON dt.node = e.target WHERE e.profile = 'car'),
           kg AS (SELECT DISTINCT ON (k.id) k.id, g.code FROM key_place k JOIN grid g ON g.code IN (SELECT grid FROM a)
                    AND ST_Intersects(g.geom, ST_PointOnSurface(k.geom)) ORDER BY k.id, g.code),
           kp AS (SELECT k.id, s.* FROM key_place k JOIN kg ON kg.id = k.id AND kg.code IN (SELECT code FROM bg) CROSS JOIN LATERAL
                 (SELECT e.cost, e.reverse_cost, ST_LineLocatePoint(ST_Transform(e.geom, 3857), ST_Transform(ST_PointOnSurface(k.geom), 3857)) AS f, coalesce(ds.s, 'infinity') AS ts, coalesce(dt.s, 'infinity') AS tt
                  FROM road_edge e LEFT JOIN ref_dist ds ON ds.node = e.source LEFT JOIN ref_dist dt ON dt.node = e.target
                  WHERE e.profile = 'car' ORDER BY e.geom::geography <-> ST_PointOnSurface(k.geom)::geography LIMIT 1) s)
         SELECT l AS limit_s, (SELECT coalesce(sum(length_m), 0) FROM e) AS road,
           (SELECT coalesce(sum(length_m * least(1,
              CASE WHEN cost >= 0 AND ts <= l THEN CASE WHEN cost > 0 THEN least(1, (l - ts) / cost) ELSE 1 END ELSE 0 END
            + CASE WHEN reverse_cost >= 0 AND tt <= l THEN CASE WHEN reverse_cost > 0 THEN least(1, (l - tt) / reverse_cost) ELSE 1 END ELSE 0 END)), 0) FROM e) AS reached,
           (SELECT count(*)::int FROM kp) AS places,
           (SELECT count(*)::int FROM kp WHERE least(CASE WHEN cost >= 0 THEN ts + f * cost ELSE 'infinity' END,
                                                    CASE WHEN reverse_cost >= 0 THEN tt + (1 - f) * reverse_cost ELSE 'infinity' END) <= l) AS places_reached
         FROM unnest(ARRAY[60, 180, 300]::float8[]) AS l ORDER BY l`,
        [station.id, beat.code],
      );
      for (const [t, r] of ref.entries()) {
        const ours = beat.reach.tiers[t];
        expect(ours.limitMinutes).toBe(r.limit_s / 60);
        const refShare = r.road > 0 ? r.reached / r.road : null;
        if (refShare === null) {
          expect(ours.roadShare).toBeNull();
          continue;
        }
        worst = Math.max(worst, Math.abs(ours.roadShare - refShare));
        // Snapping is measured differently (fractions in a local metric projection vs Web Mercator here): 0.1 % of the road.
        expect(
          Math.abs(ours.roadShare - refShare),
          `beat ${beat.code} ${r.limit_s} s road share: ours ${ours.roadShare}, SQL ${refShare}`,
        ).toBeLessThan(0.001);
        if (r.places > 0)
          expect(Math.round(ours.keyPlaceShare * r.places), `beat ${beat.code} key places at ${r.limit_s} s`).toBe(
            r.places_reached,
          );
      }
    }
    console.info(
      `reach per beat vs SQL Bellman–Ford (station ${station.id}, ${card.beats.length} beats): worst road-share difference ${(100 * worst).toFixed(3)} %`,
    );
    expect(
      card.beats.some((b: Json) => b.reach.tiers[2].roadShare > 0),
      'something is reached in 5 minutes',
    ).toBe(true);
  }, 600_000);

  it("when coverage is scored, then road seen per beat equals PostGIS intersecting the roads with the union of the working cameras' views", async () => {
    const card = await get(`/api/v1/plans/in-force/scorecard?stationId=${station.id}`);
    const box = (
      await app.db.query<{ b: number[] }>(
        `SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] AS b FROM (SELECT ST_Extent(geom)::geometry AS e FROM camera) x`,
      )
    )[0]!.b as [number, number, number, number];
    const views = (await cameraViews(app.db, box)).filter(
      (v) => v.camera.status === 'working' && v.coordinates.length > 0,
    );
    await app.db.exec('CREATE TABLE IF NOT EXISTS ref_view (camera_id bigint, geom geometry(MultiPolygon, 4326))');
    await app.db.exec('DELETE FROM ref_view');
    await app.db.query(
      `INSERT INTO ref_view SELECT u.id, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(u.g), 4326)) FROM unnest($1::bigint[], $2::text[]) AS u(id, g)`,
      [
        views.map((v) => v.cameraId),
        views.map((v) => JSON.stringify({ type: 'MultiPolygon', coordinates: v.coordinates })),
      ],
    );
    const beat = (card.beats as Json[]).reduce((x, y) => (y.grids < x.grids ? y : x));
    const ref = await app.db.query<{ road_m: number; seen_m: number }>(
      `WITH a AS (${IN_FORCE_SQL}), bg AS (SELECT g.code, g.geom, (SELECT ST_Union(v.geom) FROM ref_view v WHERE v.geom && g.geom) AS seen FROM grid g JOIN a ON a.grid = g.code AND a.beat = $2)
       SELECT sum((SELECT coalesce(sum(ST_Length(ST_Intersection(r.geom, bg.geom)::geography)), 0) FROM road r WHERE r.geom && bg.geom)) AS road_m,
              sum(coalesce((SELECT sum(ST_Length(ST_Intersection(ST_Intersection(r.geom, bg.geom), bg.seen)::geography)) FROM road r WHERE r.geom && bg.geom), 0)) AS seen_m
       FROM bg`,
      [station.id, beat.code],
    );
    expect(beat.coverage.roadM).toBeCloseTo(ref[0]!.road_m, -1);
    expect(
      Math.abs(beat.coverage.seenRoadM - ref[0]!.seen_m) / ref[0]!.road_m,
      `seen ${beat.coverage.seenRoadM} vs ${ref[0]!.seen_m}`,
    ).toBeLessThan(0.005);
    expect(beat.coverage.roadRate).toBeCloseTo(beat.coverage.seenRoadM / beat.coverage.roadM, 12);
  }, 600_000);
});

describe('stored plans: drafts, change, compare, import and export', () => {
  /** A copy of the plan in force with one boundary grid moved to its neighbouring beat. */
  async function movedDraft(): Promise<{ plan: Json; grid: string; from: string; to: string }> {
    const inForce = await app.db.query<{ grid: string; beat: string }>(IN_FORCE_SQL, [station.id]);
    const pair = (
      await app.db.query<{ grid: string; from_beat: string; to_beat: string }>(
        `WITH a AS (${IN_FORCE_SQL}) SELECT x.grid, x.beat AS from_beat, y.beat AS to_beat FROM a x JOIN a y ON x.beat <> y.beat
         JOIN grid gx ON gx.code = x.grid JOIN grid gy ON gy.code = y.grid
       WHERE ST_Length(ST_CollectionExtract(ST_Intersection(gx.geom, gy.geom), 2)::geography) > 50
         AND (SELECT count(*) FROM a z WHERE z.beat = x.beat) > 3 ORDER BY x.grid DESC LIMIT 1`,
        [station.id],
      )
    )[0]!;
    const assignment = inForce.map((r) => ({
      gridCode: r.grid,
      beatCode: r.grid === pair.grid ? pair.to_beat : r.beat,
    }));
    const r = await app.call('POST', '/api/v1/plans', { name: '调整方案一', stationId: station.id, assignment });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expectAnswer(storedPlanDetailAnswer, r.json);
    return { plan: r.json as Json, grid: pair.grid, from: pair.from_beat, to: pair.to_beat };
  }

  it('when a draft moves a grid, then its scorecard counts the grid and its residents as moved, and compare answers both cards and the differences', async () => {
    const { plan, grid, from, to } = await movedDraft();
    expect(plan.version).toBe(1);
    const card = await get(`/api/v1/plans/${plan.id}/scorecard`);
    const pop = (
      await app.db.query<{ p: number; h: number }>(
        'SELECT population::float8 AS p, households::float8 AS h FROM grid WHERE code = $1',
        [grid],
      )
    )[0]!;
    expect(card.plan.change).toEqual({ gridsMoved: 1, residentsMoved: pop.p, householdsMoved: pop.h, beatsChanged: 2 });
    const cmp = await get(`/api/v1/plans/compare?a=in-force&b=${plan.id}&stationId=${station.id}`);
    expectAnswer(scorecardAnswer, card);
    expectAnswer(planCompareAnswer, cmp);
    expect(cmp.moved).toEqual([{ gridCode: grid, from, to }]);
    const fromA = cmp.a.beats.find((b: Json) => b.code === from),
      fromB = cmp.b.beats.find((b: Json) => b.code === from);
    expect(fromA.workload.population - fromB.workload.population).toBeCloseTo(pop.p, 6);
    const cvA = cmp.a.plan.balance.find((b: Json) => b.measure === 'population').cv,
      cvB = cmp.b.plan.balance.find((b: Json) => b.measure === 'population').cv;
    expect(cmp.differences.balance.find((b: Json) => b.measure === 'population').cv).toBeCloseTo(cvB - cvA, 12);
    expect(cmp.differences.gridsMoved).toBe(1);
    // Stale edit → 409; a good one → version 2 kept in the history with an audit row.
    expect((await app.call('PATCH', `/api/v1/plans/${plan.id}`, { version: 5, name: 'x' })).status).toBe(409);
    const renamed = await app.call('PATCH', `/api/v1/plans/${plan.id}`, { version: 1, name: '调整方案一(修订)' });
    expect(renamed.status).toBe(200);
    expect((renamed.json as Json).versions.map((v: Json) => v.version)).toEqual([1, 2]);
    expectAnswer(storedPlanDetailAnswer, renamed.json);
    // The list (the plan in force first, then the stored ones) and one plan, stored or in force, as documented.
    const list = await get(`/api/v1/plans?stationId=${station.id}`);
    expectAnswer(planListAnswer, list);
    expect(list.plans[0].id).toBe('in-force');
    expect(list.plans.find((p: Json) => p.id === plan.id)?.name).toBe('调整方案一(修订)');
    const stored = await get(`/api/v1/plans/${plan.id}`);
    expectAnswer(planDetailAnswer, stored);
    expect(stored).toEqual(renamed.json);
    const inForce = await get(`/api/v1/plans/in-force?stationId=${station.id}`);
    expectAnswer(planDetailAnswer, inForce);
    expect(inForce.versions).toEqual([]);
    const audit = await app.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE entity = 'plan' AND entity_id = $1 ORDER BY id`,
      [String(plan.id)],
    );
    expect(audit.map((a) => a.action)).toEqual(['create', 'update']);
  });

  it('when a plan is exported as CSV and xlsx and imported back (also as GBK CSV), then the assignment round-trips; bad rows are refused by row', async () => {
    const { plan } = await movedDraft();
    const want = (plan.assignment as Json[]).map((a) => [a.gridCode, a.beatCode]);
    for (const format of ['csv', 'xlsx'] as const) {
      const res = await fetch(`${app.url}/api/v1/plans/${plan.id}/export?format=${format}`, {
        headers: { cookie: app.cookie },
      });
      expect(res.status).toBe(200);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (format === 'xlsx') {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer); // exceljs's Buffer typing is older than Node's
        expect(wb.worksheets[0]!.getRow(1).values).toEqual([undefined, '网格编码', '警格编码', '网格名称']);
      }
      const up = await fetch(
        `${app.url}/api/v1/plans/import?format=${format}&name=${encodeURIComponent(`导入-${format}`)}&stationId=${station.id}`,
        { method: 'POST', headers: { cookie: app.cookie, 'content-type': 'application/octet-stream' }, body: bytes },
      );
      const body = (await up.json()) as Json;
      expect(up.status, JSON.stringify(body)).toBe(201);
      expectAnswer(storedPlanDetailAnswer, body);
      expect(body.kind).toBe('imported');
      expect(body.assignment.map((a: Json) => [a.gridCode, a.beatCode])).toEqual(want);
    }
    const gbk = iconv.encode(`警格编码,网格编码\r\n${want.map(([g, b]) => `${b},${g}`).join('\r\n')}\r\n`, 'gbk');
    const up = await fetch(`${app.url}/api/v1/plans/import?format=csv&name=gbk&stationId=${station.id}`, {
      method: 'POST',
      headers: { cookie: app.cookie, 'content-type': 'text/csv' },
      body: new Uint8Array(gbk),
    });
    expect(up.status).toBe(201);
    expect(((await up.json()) as Json).assignment.map((a: Json) => [a.gridCode, a.beatCode])).toEqual(want);
    const bad = `网格编码,警格编码\r\n${want[0]![0]},${want[0]![1]}\r\n${want[0]![0]},X1\r\n999999999999999,X2\r\n12345,X3\r\n`;
    const refused = await fetch(`${app.url}/api/v1/plans/import?format=csv&name=bad`, {
      method: 'POST',
      headers: { cookie: app.cookie, 'content-type': 'text/csv' },
      body: bad,
    });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as Json).errors.map((e: Json) => e.path)).toEqual(['rows[5].gridCode']);
    const bad2 = `网格编码,警格编码\r\n${want[0]![0]},${want[0]![1]}\r\n${want[0]![0]},X1\r\n999999999999999,X2\r\n`;
    const refused2 = await fetch(`${app.url}/api/v1/plans/import?format=csv&name=bad`, {
      method: 'POST',
      headers: { cookie: app.cookie, 'content-type': 'text/csv' },
      body: bad2,
    });
    expect(refused2.status).toBe(422);
    expect(((await refused2.json()) as Json).errors.map((e: Json) => e.path)).toEqual(['rows[3]', 'rows[4]']);
  });
});

describe('districting draft on the whole scorecard, applied through the beat edit path', () => {
  it('when a station is drafted, then every beat is one piece in PostGIS, the objective is never worse than the plan in force, and the scorecard is reported before → after', async () => {
    const r = await app.call('POST', '/api/v1/plans/districting', {
      name: '自动方案',
      stationId: station.id,
      categoryWeights: { 盗窃: 2 },
    });
    expect(r.status, JSON.stringify(r.json).slice(0, 600)).toBe(201);
    const d = r.json as Json;
    expectAnswer(planDistrictingAnswer, d);
    const parts = await app.db.query<{ beat: string; n: number }>(
      `SELECT a.beat_code AS beat, ST_NumGeometries(ST_Union(g.geom)) AS n FROM plan_assignment a JOIN grid g ON g.code = a.grid_code WHERE a.plan_id = $1 GROUP BY a.beat_code`,
      [d.plan.id],
    );
    expect(parts).toHaveLength(station.n);
    expect(
      parts.every((p) => p.n === 1),
      JSON.stringify(parts),
    ).toBe(true);
    const bal = (c: Json) => c.plan.balance.find((b: Json) => b.measure === 'weightedIncidents');
    const line = (c: Json) =>
      `CV incidents ${bal(c).cv.toFixed(3)} max/mean ${bal(c).maxOverMean.toFixed(3)}; 3-min road ${(100 * c.plan.reach[1].roadShare).toFixed(1)} %; communities split ${c.plan.nesting.communitiesSplit} (${c.plan.nesting.pieces} pieces); mean PP ${c.plan.shape.meanPolsbyPopper.toFixed(3)}; min beat road seen ${(100 * (c.plan.coverage.minBeatRoadRate ?? 0)).toFixed(1)} %`;
    console.info(
      `demo station ${station.id} draft: objective ${d.engine.currentObjective.toFixed(3)} (in force) → ${d.engine.objective.toFixed(3)}; ReCom ${d.engine.recom.balancedCuts}/${d.engine.recom.proposed} balanced cuts (${d.engine.recom.alongCommunityBoundary} along community boundaries), improved best ${d.engine.recom.improvedBest}×\n  before: ${line(d.before)}\n  after:  ${line(d.after)}; moved ${d.after.plan.change.gridsMoved} grids, ${Math.round(d.after.plan.change.residentsMoved)} residents`,
    );
    expect(d.engine.objective).toBeLessThanOrEqual(d.engine.currentObjective + 1e-9);
    expect(d.after.plan.shape.beatsInPieces).toBe(0);

    // Apply: a planner of another station is fenced off; a stale plan version is refused; then the beats become the plan.
    const other = (
      await app.db.query<{ id: number }>('SELECT id::int FROM station WHERE id <> $1 ORDER BY id LIMIT 1', [station.id])
    )[0]!.id;
    const fenced = await app.call(
      'POST',
      `/api/v1/plans/${d.plan.id}/apply`,
      { version: 1 },
      { cookie: await app.as('planner-other', 'planner', other) },
    );
    expect(fenced.status).toBe(403);
    expect((await app.call('POST', `/api/v1/plans/${d.plan.id}/apply`, { version: 2 })).status).toBe(409);
    const leader = await app.call(
      'POST',
      `/api/v1/plans/${d.plan.id}/apply`,
      { version: 1 },
      { cookie: await app.as('leader-1', 'leader') },
    );
    expect(leader.status).toBe(403);
    const applied = await app.call(
      'POST',
      `/api/v1/plans/${d.plan.id}/apply`,
      { version: 1 },
      { cookie: await app.as('planner-own', 'planner', station.id) },
    );
    expect(applied.status, JSON.stringify(applied.json).slice(0, 500)).toBe(200);
    const a = applied.json as Json;
    expectAnswer(planApplyAnswer, a);
    expect(a.plan.version).toBe(2);
    expect(a.plan.appliedBy).toBe('planner-own');
    const now = await app.db.query<{ grid: string; beat: string }>(IN_FORCE_SQL, [station.id]);
    const planned = new Map((d.plan.assignment as Json[]).map((x) => [x.gridCode, x.beatCode]));
    expect(
      now.filter((x) => planned.get(x.grid) !== x.beat),
      'the plan is now in force',
    ).toEqual([]);
    const changed = (a.beats as Json[])
      .filter((b) => b.changed)
      .map((b) => b.code)
      .sort();
    const audit = await app.db.query<{ entity_id: string }>(
      `SELECT entity_id FROM audit_log WHERE entity = 'beat' AND action = 'district' AND actor = 'planner-own' ORDER BY entity_id`,
    );
    expect(audit.map((x) => x.entity_id)).toEqual(changed);
    // Applying again: the beats moved on since the plan was made → 409.
    expect(changed.length, 'the draft moves some beat').toBeGreaterThan(0);
    expect((await app.call('POST', `/api/v1/plans/${d.plan.id}/apply`, { version: 2 })).status).toBe(409);
  }, 600_000);
});
