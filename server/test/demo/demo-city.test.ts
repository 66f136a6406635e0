import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoCity, type DemoCityLoad } from '../../src/services/demo-city.service.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

let t: TestDb;
let load: DemoCityLoad;
beforeAll(async () => {
  t = await openTestDb();
  load = await loadDemoCity(t.db, { seed: 20261125 });
});
afterAll(async () => t?.dispose());

/** One number from SQL. */
async function value(sql: string): Promise<number> {
  const [row] = await t.db.query<{ v: number }>(sql);
  return Number(row?.v);
}

describe('demo city in PostGIS', () => {
  it('when loaded, then the counts match the generator and one audit row records them', async () => {
    expect(load.counts.grids).toBe(await value('SELECT count(*) AS v FROM grid'));
    expect(await value('SELECT count(*) AS v FROM incident')).toBe(100_000);
    expect(await value("SELECT count(*) AS v FROM audit_log WHERE actor = 'demo-city' AND action = 'import'")).toBe(1);
    console.info(
      `demo city on ${t.db.mode}: generated in ${load.generateMs.toFixed(0)} ms, loaded in ${load.loadMs.toFixed(0)} ms`,
      load.counts,
    );
  });

  it('when the grids are overlaid, then no two overlap (total shared area < 1 m²)', async () => {
    const overlap = await value(`SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0) AS v
      FROM grid a JOIN grid b ON a.id < b.id AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom)`);
    console.info(`grid overlap area: ${overlap} m²`);
    expect(overlap).toBeLessThan(1);
  });

  it('when the grids are unioned, then they fill the district with no gap (< 1 m²) and each lies in its community', async () => {
    const gap = await value(`SELECT ST_Area(ST_Difference(d.geom, (SELECT ST_Union(geom) FROM grid))::geography) AS v
      FROM admin_area d WHERE d.level = 'district'`);
    console.info(`district area not covered by grids: ${gap} m²`);
    expect(gap).toBeLessThan(1);
    expect(
      await value(`SELECT count(*) AS v FROM grid g JOIN admin_area c ON c.code = g.community_code
      WHERE NOT ST_CoveredBy(g.geom, c.geom)`),
    ).toBe(0);
  });

  it('when each beat is compared with the union of the grids inside it, then they are the same area (< 1 m² apart)', async () => {
    const worst = await value(`SELECT max(ST_Area(ST_SymDifference(b.geom, u.geom)::geography)) AS v FROM beat b
      CROSS JOIN LATERAL (SELECT ST_Union(g.geom) AS geom FROM grid g WHERE ST_Within(ST_PointOnSurface(g.geom), b.geom)) u`);
    expect(worst).toBeLessThan(1);
  });

  it('when the streets are clustered by touching, then they form one connected network', async () => {
    expect(await value('SELECT count(*) AS v FROM (SELECT unnest(ST_ClusterIntersecting(geom)) FROM road) c')).toBe(1);
  });

  it('when incidents are counted by Beijing hour, then the evening is the peak', async () => {
    const [row] = await t.db.query<{
      h: number;
    }>(`SELECT extract(hour FROM occurred_at AT TIME ZONE 'Asia/Shanghai')::int AS h
      FROM incident GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`);
    expect(row?.h).toBeGreaterThanOrEqual(19);
    expect(row?.h).toBeLessThanOrEqual(22);
  });
});
