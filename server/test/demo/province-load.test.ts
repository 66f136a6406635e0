import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProvince, type ProvinceProgress } from '../../src/services/demo-city.service.js';
import { xueliangKpis } from '../../src/services/xueliang.service.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

// A small province (2 cities × 2 districts) loaded as `npm run demo-city -- --scale province` loads the big one,
// checked in PostGIS: each row lies in the district whose code it carries, references stay inside a district.

let t: TestDb;
let total: Record<string, number>;
const progress: ProvinceProgress[] = [];
beforeAll(async () => {
  t = await openTestDb();
  total = await loadProvince(t.db, 11, { cities: 2, districtsPerCity: 2, incidentsPerDistrict: 300 }, (p) =>
    progress.push(p),
  );
});
afterAll(async () => t?.dispose());

async function value(sql: string): Promise<number> {
  const [row] = await t.db.query<{ v: number }>(sql);
  return Number(row?.v);
}

describe('province load', () => {
  it('when 2 × 2 districts are loaded, then the tables hold what the loader reports and progress came after each district', async () => {
    expect(progress.map((p) => [p.done, p.of, p.districtCode])).toEqual([
      [1, 4, '320101000000'],
      [2, 4, '320102000000'],
      [3, 4, '320201000000'],
      [4, 4, '320202000000'],
    ]);
    expect(await value('SELECT count(*) AS v FROM grid')).toBe(4 * 384);
    expect(total.grids).toBe(4 * 384);
    expect(await value('SELECT count(*) AS v FROM beat')).toBe(4 * 48);
    expect(await value('SELECT count(*) AS v FROM incident')).toBe(4 * 300);
    expect(await value('SELECT count(*) AS v FROM camera')).toBe(total.cameras);
    expect(await value('SELECT count(*) AS v FROM building')).toBe(total.buildings);
    expect(await value("SELECT count(*) AS v FROM admin_area WHERE level = 'region'")).toBe(2);
    expect(await value("SELECT count(*) AS v FROM admin_area WHERE level = 'district'")).toBe(4);
    expect(await value("SELECT count(*) AS v FROM audit_log WHERE entity = 'demo_province'")).toBe(4);
    expect(await value('SELECT count(*) AS v FROM incident_local_rest')).toBe(0);
  });

  it('when rows are placed against the district polygons in PostGIS, then each lies in the district its code names', async () => {
    // The nearest district, not the containing one: the demo places a few incidents and cameras on the streets that
    // run just past its edge (6 of 1,200 incidents here), as real ones sit on a boundary road.
    for (const table of ['incident', 'camera', 'grid', 'beat', 'station']) {
      const wrong = await value(`SELECT count(*) AS v FROM ${table} x
        WHERE x.district_code IS DISTINCT FROM (SELECT d.code FROM admin_area d WHERE d.level = 'district'
                                                ORDER BY ST_Distance(d.geom, ST_PointOnSurface(x.geom)) LIMIT 1)`);
      expect(wrong, table).toBe(0);
    }
    expect(
      await value(`SELECT count(*) AS v FROM incident x JOIN admin_area d ON d.level = 'district' AND d.code = x.district_code
        WHERE ST_Intersects(d.geom, x.geom)`),
    ).toBeGreaterThan(0.99 * 1200);
    // Grids tile their district: their union's area equals the district's to 1 m².
    const gaps = await t.db.query<{ code: string; diff: number }>(`SELECT d.code,
        abs(ST_Area(d.geom::geography) - ST_Area(ST_Union(g.geom)::geography)) AS diff
      FROM admin_area d JOIN grid g ON g.district_code = d.code WHERE d.level = 'district' GROUP BY d.code, d.geom`);
    expect(gaps).toHaveLength(4);
    for (const g of gaps) expect(g.diff, g.code).toBeLessThan(1);
    // Districts lie in their city; no two districts overlap.
    expect(
      await value(`SELECT count(*) AS v FROM admin_area d JOIN admin_area r ON r.code = d.parent_code
        WHERE d.level = 'district' AND ST_CoveredBy(d.geom, r.geom)`),
    ).toBe(4);
    expect(
      await value(`SELECT count(*) AS v FROM admin_area a JOIN admin_area b ON a.id < b.id
        WHERE a.level = 'district' AND b.level = 'district' AND ST_Intersects(a.geom, b.geom)`),
    ).toBe(0);
  });

  it('when references are followed, then no beat, checkpoint or post points into another district', async () => {
    expect(
      await value(
        'SELECT count(*) AS v FROM beat b JOIN station s ON s.id = b.station_id WHERE s.district_code <> b.district_code',
      ),
    ).toBe(0);
    expect(
      await value(`SELECT count(*) AS v FROM checkpoint c JOIN beat b ON b.id = c.beat_id
        WHERE NOT ST_Intersects(ST_Buffer(b.geom, 0.01), c.geom)`),
    ).toBe(0);
    expect(await value('SELECT count(DISTINCT station_id) AS v FROM beat')).toBe(
      await value('SELECT count(*) AS v FROM station'),
    );
  });

  it('when the 雪亮 KPIs are asked per city, then there is one row a city with the cameras PostGIS places in it', async () => {
    const report = await xueliangKpis(t.db, 'region');
    const ref = await t.db.query<{ key: string; n: number; working: number }>(`
      SELECT r.code AS key, count(*)::int AS n, count(*) FILTER (WHERE c.status = 'working')::int AS working
      FROM camera c
      JOIN LATERAL (SELECT community_code FROM grid WHERE ST_Intersects(grid.geom, c.geom) ORDER BY code LIMIT 1) g ON true
      JOIN admin_area cm ON cm.code = g.community_code JOIN admin_area tw ON tw.code = cm.parent_code
      JOIN admin_area d ON d.code = tw.parent_code JOIN admin_area r ON r.code = d.parent_code AND r.level = 'region'
      GROUP BY r.code ORDER BY r.code`);
    expect(ref).toHaveLength(2);
    expect(
      report.rows
        .map((r) => ({ key: r.key, n: r.cameras, working: r.working }))
        .sort((a, b) => a.key.localeCompare(b.key)),
    ).toEqual(ref.map((r) => ({ key: r.key, n: r.n, working: r.working })));
    for (const r of report.rows) expect(r.name, r.key).toBeTruthy();
  });
});
