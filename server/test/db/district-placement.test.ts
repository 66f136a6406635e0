import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProvince } from '../../src/services/demo-city.service.js';
import { bringDistrictHome, districtPlacements, placeDistrict } from '../../src/services/district-placement.service.js';
import { queryOn, startPlainCluster, type PlainCluster } from '../helpers/replica-cluster.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { testDbKind } from '../helpers/test-db.js';

// A province on three servers against the same province on one: two extra PostgreSQL 15 clusters on this machine
// each take one district's incidents as a postgres_fdw foreign partition, and the API's whole-province answers (cells,
// Gi* hot spots, grid grades, counts per district) must equal the single server's to the last count.

const SEED = 23;
const SIZE = { cities: 2, districtsPerCity: 2, incidentsPerDistrict: 500 };
const AWAY = ['320102000000', '320201000000'] as const;
const QUERIES = [
  '/api/v1/incidents/cells?res=8',
  '/api/v1/incidents/cells?res=9&from=2026-03-01T00:00:00%2B08:00&to=2026-04-01T00:00:00%2B08:00',
  '/api/v1/incidents/areas?area=district',
  '/api/v1/incidents/areas?area=grid&category=%E7%9B%97%E7%AA%83',
  '/api/v1/incidents/hotspots?res=8',
  '/api/v1/incidents/histogram?bin=week',
];

describe.skipIf(testDbKind() !== 'server')('incidents of two districts on two other servers (postgres_fdw)', () => {
  let single: TestApp;
  let spread: TestApp;
  const clusters: PlainCluster[] = [];
  const serverNames: string[] = [];

  beforeAll(async () => {
    [single, spread] = await Promise.all([startTestApp(), startTestApp()]);
    for (const app of [single, spread]) await loadProvince(app.db, SEED, SIZE);
    for (let i = 0; i < AWAY.length; i++) clusters.push(await startPlainCluster());
    for (const [i, code] of AWAY.entries()) {
      const serverName = `gp_test_${spread.schema}_${i}`;
      serverNames.push(serverName);
      await placeDistrict(spread.db, { districtCode: code, remoteUrl: clusters[i]!.url, serverName, actor: 'test' });
    }
  }, 600_000);

  afterAll(async () => {
    for (const name of serverNames)
      await spread?.db.exec(`DROP SERVER IF EXISTS ${name} CASCADE`).catch(() => undefined);
    await Promise.all([single?.dispose(), spread?.dispose()]);
    for (const c of clusters) await c.destroy();
  });

  async function answer(app: TestApp, path: string): Promise<unknown> {
    const r = await app.call('GET', path);
    expect(r.status, `${path}: ${JSON.stringify(r.json).slice(0, 200)}`).toBe(200);
    return r.json;
  }

  it('when two districts are placed, then their rows live only on their servers and nowhere here', async () => {
    expect((await districtPlacements(spread.db)).map((p) => p.districtCode)).toEqual([...AWAY]);
    for (const [i, code] of AWAY.entries()) {
      const [there] = await queryOn<{ n: string; other: string }>(
        clusters[i]!.url,
        `SELECT count(*) AS n, count(*) FILTER (WHERE district_code <> $1) AS other FROM incident_${code}`,
        [code],
      );
      const [alone] = await single.db.query<{ n: string }>(
        'SELECT count(*) AS n FROM incident WHERE district_code = $1',
        [code],
      );
      expect(Number(there?.n)).toBe(Number(alone?.n));
      expect(Number(there?.n)).toBeGreaterThan(400);
      expect(Number(there?.other)).toBe(0);
      const [here] = await spread.db.query<{ n: string }>(
        'SELECT count(*) AS n FROM incident_local WHERE district_code = $1',
        [code],
      );
      expect(Number(here?.n)).toBe(0);
    }
    const [audit] = await spread.db.query<{ n: string }>(
      "SELECT count(*) AS n FROM audit_log WHERE entity = 'district_placement' AND action = 'update'",
    );
    expect(Number(audit?.n)).toBe(2);
    // The planner reads the placed districts through foreign scans (the question is answered there, not faked here).
    const plan = await spread.db.query<{ 'QUERY PLAN': string }>(
      'EXPLAIN SELECT h3_r8, count(*) FROM incident GROUP BY h3_r8',
    );
    expect(plan.filter((l) => /Foreign Scan/.test(l['QUERY PLAN']))).toHaveLength(2);
  });

  it('when the whole province is asked for, then cells, hot spots, counts per area and the histogram equal the single server', async () => {
    for (const path of QUERIES) {
      const [a, b] = await Promise.all([answer(single, path), answer(spread, path)]);
      expect(b, path).toEqual(a);
    }
    const cells = (await answer(spread, QUERIES[0]!)) as { n: number }[];
    expect(cells.reduce((s, c) => s + c.n, 0)).toBe(4 * SIZE.incidentsPerDistrict);
  });

  it('when every grid is graded, then each grid gets the same grade, ratio and reasons on both', async () => {
    const body = { day: '2026-11-01' };
    const [a, b] = await Promise.all([
      single.call('POST', '/api/v1/grades/compute', body),
      spread.call('POST', '/api/v1/grades/compute', body),
    ]);
    expect(a.status, JSON.stringify(a.json).slice(0, 200)).toBe(201);
    expect(b.status).toBe(201);
    const grades = (a.json as { grades: { grade: string }[] }).grades;
    expect(grades).toHaveLength(4 * 384);
    expect(new Set(grades.map((g) => g.grade)).size).toBeGreaterThan(1);
    expect(b.json).toEqual(a.json);
  });

  it('when an incident is recorded in a placed district, then it is stored on that server and counted as here', async () => {
    const [spot] = await single.db.query<{ x: number; y: number }>(
      `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_PointOnSurface(geom) AS p FROM grid
        WHERE district_code = $1 ORDER BY code LIMIT 1) s`,
      [AWAY[0]],
    );
    const feature = {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [spot!.x, spot!.y] },
      properties: { category: '盗窃', occurred_at: '2026-03-10T21:30:00+08:00' },
    };
    for (const app of [single, spread]) {
      const r = await app.call('POST', '/api/v1/incidents', feature);
      expect(r.status, JSON.stringify(r.json).slice(0, 200)).toBe(201);
    }
    const [there] = await queryOn<{ n: string }>(
      clusters[0]!.url,
      `SELECT count(*) AS n FROM incident_${AWAY[0]} WHERE occurred_at = '2026-03-10T13:30:00Z'`,
    );
    expect(Number(there?.n)).toBe(1);
    for (const path of QUERIES.slice(0, 3))
      expect(await answer(spread, path), path).toEqual(await answer(single, path));
  });

  it('when a placement is repeated or the district code is not one, then it is refused and nothing moves', async () => {
    await expect(
      placeDistrict(spread.db, {
        districtCode: AWAY[0],
        remoteUrl: clusters[0]!.url,
        serverName: serverNames[0]!,
        actor: 'test',
      }),
    ).rejects.toThrow(/already lives on another server/);
    await expect(
      placeDistrict(spread.db, { districtCode: '3201', remoteUrl: clusters[0]!.url, actor: 'test' }),
    ).rejects.toThrow(/12 digits/);
    expect((await districtPlacements(spread.db)).map((p) => p.districtCode)).toEqual([...AWAY]);
  });

  it('when a district is brought home, then its rows are local again and the answers still equal the single server', async () => {
    const before = (
      await single.db.query<{ n: string }>('SELECT count(*) AS n FROM incident WHERE district_code = $1', [AWAY[1]])
    )[0];
    const { rows } = await bringDistrictHome(spread.db, AWAY[1], 'test');
    expect(rows).toBe(Number(before?.n));
    expect((await districtPlacements(spread.db)).map((p) => p.districtCode)).toEqual([AWAY[0]]);
    const [here] = await spread.db.query<{ n: string; rest: string }>(
      `SELECT (SELECT count(*) FROM incident_local WHERE district_code = $1) AS n,
              (SELECT count(*) FROM incident_local_rest) AS rest`,
      [AWAY[1]],
    );
    expect(Number(here?.n)).toBe(rows);
    expect(Number(here?.rest)).toBe(0);
    for (const path of QUERIES) expect(await answer(spread, path), path).toEqual(await answer(single, path));
    // Placing it again onto the server that still holds its old copy is refused, and the district stays home.
    await expect(
      placeDistrict(spread.db, {
        districtCode: AWAY[1],
        remoteUrl: clusters[1]!.url,
        serverName: serverNames[1]!,
        actor: 'test',
      }),
    ).rejects.toThrow(/already holds rows/);
    const [still] = await spread.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM incident_local WHERE district_code = $1',
      [AWAY[1]],
    );
    expect(Number(still?.n)).toBe(rows);
  });
});
