import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BandedPlacementAnswer } from '../../src/contract/xueliang.js';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { storeBandAreas, storeWorkingViews } from '../helpers/reference-tables.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

// Quality placement through the API (issue #20), checked in PostGIS: before and after the proposals, which school
// gates lie within 3 m of a working, networked camera's identify area — the band areas built in SQL from the DORI
// formula (reference-tables.ts), on the occluded views — must be exactly the ones the answer counts.

let app: TestApp;
let answer: BandedPlacementAnswer;
const K = 6;

/** Every school gate on file, and a school without one at its point (as the placement and the 护学岗 list judge it). */
const GATES_SQL = `SELECT k.id AS school_id, g.id AS gate_id, coalesce(g.geom, ST_PointOnSurface(k.geom)) AS geom
  FROM key_place k LEFT JOIN school_gate g ON g.key_place_id = k.id WHERE k.kind IN ('school', 'kindergarten')`;

async function gatesSeen(identifyTable: string): Promise<number> {
  const [r] = await app.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (${GATES_SQL}) t
     WHERE EXISTS (SELECT 1 FROM ${identifyTable} b WHERE ST_DWithin(b.geom::geography, t.geom::geography, 3))`,
  );
  return r?.n ?? -1;
}

beforeAll(async () => {
  app = await startTestApp();
  await loadDemoCity(app.db, { seed: 20261125, incidents: 0 });
  // Two gates for every third school, 20 m east and west of its point; a lens on every camera (the reference needs
  // it), some cameras off the network.
  await app.db.exec(`
    INSERT INTO school_gate (key_place_id, name, geom)
      SELECT k.id, n.name, ST_SetSRID(ST_MakePoint(ST_X(p) + n.dx / 94500.0, ST_Y(p)), 4326)
      FROM (SELECT id, ST_PointOnSurface(geom) AS p FROM key_place WHERE kind IN ('school', 'kindergarten') AND id % 3 = 0) k
      CROSS JOIN (VALUES ('东门', 20), ('西门', -20)) AS n(name, dx);
    UPDATE camera SET networked = id % 9 <> 0, lens_fov_deg = 60, tilt_deg = 20;
    -- One camera 5 m north of the first east gate, 3 m up, looking south at it: identify reaches
    -- 1920 / (2·250·tan 30°) = 6.65 m past a blind zone of 3 / tan(30° + 17.99°) = 2.70 m, so that gate is seen already.
    INSERT INTO camera (heading_deg, fov_deg, range_m, height_m, camera_type, tilt_deg, lens_fov_deg, status, networked,
                        h3_r7, h3_r8, h3_r9, h3_r10, geom)
      SELECT 180, 60, 40, 3, 'bullet', 30, 60, 'working', true, 0, 0, 0, 0,
             ST_SetSRID(ST_MakePoint(ST_X(geom), ST_Y(geom) + 5 / 110900.0), 4326)
      FROM school_gate WHERE name = '东门' ORDER BY id LIMIT 1;`);
  const r = await app.call('POST', '/api/v1/analysis/placement/bands', { k: K });
  expect(r.status, JSON.stringify(r.json).slice(0, 300)).toBe(200);
  answer = r.json as BandedPlacementAnswer;
}, 600_000);
afterAll(async () => app?.dispose());

describe('placement so school gates are seen at identify', () => {
  it('when k cameras are proposed, then the gates seen before and after equal PostGIS on the formula band areas', async () => {
    const [all] = await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${GATES_SQL}) t`);
    expect(answer.targets).toBe(all?.n);
    await storeWorkingViews(app.db, 'ref_view_before', { networkedOnly: true });
    await storeBandAreas(app.db, 'ref_identify_before', 'ref_view_before', ['identify']);
    expect(answer.coveredBefore.targets).toBe(await gatesSeen('ref_identify_before'));

    // The proposals mounted as answered (lens = field of view, tilt, resolution), working and on the network.
    await app.db.query(
      `INSERT INTO camera (heading_deg, fov_deg, range_m, height_m, camera_type, tilt_deg, lens_fov_deg, resolution,
                           status, networked, h3_r7, h3_r8, h3_r9, h3_r10, geom)
       SELECT u.h, u.f, u.r, u.ht, u.t, u.tilt, u.f, u.res, 'working', true, 0, 0, 0, 0,
              ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326)
       FROM unnest($1::float8[], $2::float8[], $3::float8[], $4::float8[], $5::text[], $6::float8[], $7::text[],
                   $8::float8[], $9::float8[]) AS u(h, f, r, ht, t, tilt, res, lon, lat)`,
      [
        answer.proposals.map((p) => p.headingDeg),
        answer.proposals.map((p) => p.fovDeg),
        answer.proposals.map((p) => p.rangeM),
        answer.proposals.map((p) => p.heightM),
        answer.proposals.map((p) => p.cameraType),
        answer.proposals.map((p) => p.tiltDeg),
        answer.proposals.map((p) => p.resolution),
        answer.proposals.map((p) => p.lon),
        answer.proposals.map((p) => p.lat),
      ],
    );
    await storeWorkingViews(app.db, 'ref_view_after', { networkedOnly: true });
    await storeBandAreas(app.db, 'ref_identify_after', 'ref_view_after', ['identify']);
    expect(answer.coveredAfter.targets).toBe(await gatesSeen('ref_identify_after'));
    console.log(
      `gates ${answer.targets}: seen at identify before ${answer.coveredBefore.targets}, after ${K} proposals ` +
        `${answer.coveredAfter.targets} (${answer.candidates} candidates, ${answer.seconds.toFixed(1)} s)`,
    );
    // Teeth: the proposals see gates nobody saw, and not every gate was seen before.
    expect(answer.coveredAfter.targets).toBeGreaterThan(answer.coveredBefore.targets);
    expect(answer.coveredBefore.targets).toBeGreaterThan(0);
    expect(answer.coveredBefore.targets).toBeLessThan(answer.targets);
    expect(answer.uncovered).toHaveLength(Math.min(500, answer.targets - answer.coveredAfter.targets));
  });

  it('when the proposals are read one by one, then each gate a proposal claims lies within 3 m of its own identify area', async () => {
    expect(answer.proposals.length).toBeGreaterThan(0);
    expect(answer.proposals.length).toBeLessThanOrEqual(K);
    for (const p of answer.proposals) {
      expect(p.newlyCovered.length, `proposal ${p.rank}`).toBeGreaterThan(0);
      for (const g of p.newlyCovered) {
        const [r] = await app.db.query<{ ok: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM ref_identify_after b JOIN camera c ON c.id = b.camera_id
             WHERE ST_DWithin(c.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, 0.01)
               AND ST_DWithin(b.geom::geography, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography, 3)) AS ok`,
          [p.lon, p.lat, g.lon, g.lat],
        );
        expect(r?.ok, `proposal ${p.rank} → ${g.name}`).toBe(true);
      }
    }
    // Greedy: gains never grow, and they add up to what was gained.
    const gains = answer.proposals.map((p) => p.marginalGain);
    for (let i = 1; i < gains.length; i++) expect(gains[i]).toBeLessThanOrEqual(gains[i - 1] ?? Infinity);
    expect(gains.reduce((s, g) => s + g, 0)).toBeCloseTo(answer.coveredAfter.weight - answer.coveredBefore.weight, 9);
  });

  it('when banks and gates are asked for together with bands and weights, then both kinds are targets at those bands', async () => {
    const r = await app.call('POST', '/api/v1/analysis/placement/bands', {
      k: 2,
      targets: [{ kind: 'bank' }, { kind: 'school_gate', band: 'recognise', weight: 2 }],
    });
    expect(r.status, JSON.stringify(r.json).slice(0, 300)).toBe(200);
    const a = r.json as BandedPlacementAnswer;
    const [n] = await app.db.query<{ banks: number; gates: number }>(
      `SELECT (SELECT count(*)::int FROM key_place WHERE kind = 'bank') AS banks,
              (SELECT count(*)::int FROM (${GATES_SQL}) t) AS gates`,
    );
    expect(a.targets).toBe((n?.banks ?? 0) + (n?.gates ?? 0));
    expect(a.weightTotal).toBe((n?.banks ?? 0) + 2 * (n?.gates ?? 0));
    for (const t of [...a.uncovered, ...a.proposals.flatMap((p) => p.newlyCovered)])
      expect(t.band).toBe(t.kind === 'bank' ? 'identify' : 'recognise');
  });

  it('when the body is wrong, then 400 names the field and nothing is proposed', async () => {
    for (const [body, path] of [
      [{ k: 0 }, 'k'],
      [{ k: 3, targets: [{ kind: 'zoo' }] }, 'targets[0].kind'],
      [{ k: 3, targets: [{ kind: 'bank' }, { kind: 'bank' }] }, 'targets'],
      [{ k: 3, camera: { tiltDeg: 120 } }, 'camera.tiltDeg'],
    ] as const) {
      const r = await app.call('POST', '/api/v1/analysis/placement/bands', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      const paths = ((r.json as { errors?: { path: string }[] }).errors ?? []).map((e) => e.path);
      expect(paths, JSON.stringify(r.json)).toContain(path);
    }
  });
});
