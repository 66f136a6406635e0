import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
// biome-ignore lint/suspicious/noExplicitAny: test-only escape, answers are compared field by field with SQL
type Json = Record<string, any>;
const get = async (path: string): Promise<Json> => {
  const res = await fetch(app.url + path, { headers: { cookie: app.cookie } });
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return (await res.json()) as Json;
};

beforeAll(async () => {
  app = await startTestApp();
  await loadDemoCity(app.db, { seed: 20261125, incidents: 0 });
  // A ledger half filled in: every third camera lacks its GB code, every fifth its owner, every seventh its install
  // date, every second its resolution; some faulty, some offline, some not networked; point classes and position types.
  await app.db.exec(`UPDATE camera SET
    gb_code = CASE WHEN id % 3 = 0 THEN NULL ELSE '32010200001320' || lpad(id::text, 6, '0') END,
    owner = CASE WHEN id % 5 = 0 THEN NULL ELSE '公安分局' END,
    installed_on = CASE WHEN id % 7 = 0 THEN NULL ELSE date '2021-06-01' END,
    resolution = CASE WHEN id % 2 = 0 THEN NULL ELSE '1920×1080' END,
    status = CASE WHEN id % 11 = 0 THEN 'faulty' WHEN id % 13 = 0 THEN 'offline' ELSE status END,
    networked = id % 17 <> 0,
    point_class = 1 + id % 3,
    position_type = (ARRAY['校园周边', '交通干线', '商业中心'])[1 + id % 3]`);
}, 600_000);
afterAll(async () => app?.dispose());

/** The reference by SQL: cameras per area at a level through the grid that holds them and the admin chain. */
async function sqlCameraKpis(level: 'grid' | 'community' | 'township') {
  const key = level === 'grid' ? 'g.code' : level === 'community' ? 'g.community_code' : 'c2.parent_code';
  return app.db.query<{ key: string; cameras: number; networked: number; working: number; recorded: number }>(`
    SELECT ${key} AS key, count(*)::int AS cameras, count(*) FILTER (WHERE c.networked)::int AS networked,
      count(*) FILTER (WHERE c.status = 'working')::int AS working,
      count(*) FILTER (WHERE c.gb_code IS NOT NULL AND c.resolution IS NOT NULL AND c.owner IS NOT NULL
                       AND c.installed_on IS NOT NULL)::int AS recorded
    FROM camera c
    JOIN LATERAL (SELECT code, community_code FROM grid WHERE ST_Intersects(grid.geom, c.geom) ORDER BY code LIMIT 1) g ON true
    JOIN admin_area c2 ON c2.code = g.community_code
    GROUP BY 1 ORDER BY 1`);
}

describe('雪亮 KPIs', () => {
  it('when asked per township and per community, then cameras, 联网率, 完好率, 建档率 and 覆盖率 equal SQL on the same data', async () => {
    const places = (await get('/api/v1/analysis/coverage/bands/key-places')) as unknown as Json[];
    await app.db.exec('CREATE TABLE ref_seen (id bigint, grid text, kind text, ok boolean)');
    await app.db.query('INSERT INTO ref_seen SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bool[])', [
      places.map((p) => p.id),
      places.map((p) => p.areaId),
      places.map((p) => p.kind),
      places.map((p) => p.ok),
    ]);
    for (const level of ['township', 'community'] as const) {
      const ours = await get(`/api/v1/xueliang/kpis?level=${level}`);
      expect(ours.targets).toEqual({ coverage: 1, networked: 1, working: 0.98, records: 1, keyIndustryCoverage: 0.95 });
      const byKey = new Map((ours.rows as Json[]).map((r) => [r.key, r]));
      const ref = await sqlCameraKpis(level);
      expect(ref.length).toBeGreaterThan(level === 'township' ? 3 : 10);
      for (const r of ref) {
        const m = byKey.get(r.key);
        expect(m, `${level} ${r.key}`).toBeDefined();
        expect([m?.cameras, m?.networked, m?.working, m?.recorded], `${level} ${r.key}`).toEqual([
          r.cameras,
          r.networked,
          r.working,
          r.recorded,
        ]);
        expect(m?.networkedRate).toBeCloseTo(r.networked / r.cameras, 12);
        expect(m?.gaps.working).toBeCloseTo(Math.max(0, 0.98 - r.working / r.cameras), 12);
      }
      const key = level === 'community' ? 'g.community_code' : 'a.parent_code';
      const cov = await app.db.query<{ key: string; n: number; seen: number; ind: number; ind_seen: number }>(`
        SELECT ${key} AS key, count(*) FILTER (WHERE s.kind <> 'bank')::int AS n,
          count(*) FILTER (WHERE s.kind <> 'bank' AND s.ok)::int AS seen,
          count(*) FILTER (WHERE s.kind = 'bank')::int AS ind, count(*) FILTER (WHERE s.kind = 'bank' AND s.ok)::int AS ind_seen
        FROM ref_seen s JOIN grid g ON g.code = s.grid JOIN admin_area a ON a.code = g.community_code GROUP BY 1`);
      expect(cov.length).toBeGreaterThan(0);
      for (const c of cov) {
        const m = byKey.get(c.key);
        expect([m?.keyPlaces, m?.keyPlacesSeen, m?.keyIndustryPlaces, m?.keyIndustrySeen], `${level} ${c.key}`).toEqual(
          [c.n, c.seen, c.ind, c.ind_seen],
        );
      }
      // Failing areas first: no row that meets all targets comes before one that misses some.
      const meets = (ours.rows as Json[]).map((r) => r.meetsAll as boolean);
      expect(meets.indexOf(true) === -1 || meets.lastIndexOf(false) < meets.indexOf(true)).toBe(true);
    }
  }, 600_000);

  it('when a target is set and grouped by point class, then the gap follows the target and the classes match SQL', async () => {
    const ours = await get('/api/v1/xueliang/kpis?level=district&by=point_class&workingTarget=0.5');
    const ref = await app.db.query<{ k: string; n: number; w: number }>(
      `SELECT point_class::text AS k, count(*)::int AS n, count(*) FILTER (WHERE status = 'working')::int AS w
       FROM camera c WHERE EXISTS (SELECT 1 FROM grid g WHERE ST_Intersects(g.geom, c.geom)) GROUP BY 1 ORDER BY 1`,
    );
    expect(ref).toHaveLength(3);
    for (const r of ref) {
      const m = (ours.rows as Json[]).find((x) => x.key === r.k);
      expect(m?.cameras).toBe(r.n);
      expect(m?.gaps.working).toBe(0);
    }
    expect(ours.targets.working).toBe(0.5);
  });

  it('when the incomplete records are listed, then they are the cameras SQL finds with an empty field, with what is missing', async () => {
    const ours = await get('/api/v1/xueliang/incomplete?limit=50000');
    const ref = await app.db.query<{ id: number; missing: string[] }>(`
      SELECT id::int, array_remove(ARRAY[CASE WHEN gb_code IS NULL THEN 'gb_code' END,
        CASE WHEN 'heading_deg' = ANY(unrecorded) THEN 'direction' END,
        CASE WHEN 'height_m' = ANY(unrecorded) THEN 'height' END, CASE WHEN 'camera_type' = ANY(unrecorded) THEN 'type' END,
        CASE WHEN resolution IS NULL THEN 'resolution' END, CASE WHEN owner IS NULL THEN 'owner' END,
        CASE WHEN installed_on IS NULL THEN 'installed_on' END], NULL) AS missing
      FROM camera WHERE gb_code IS NULL OR resolution IS NULL OR owner IS NULL OR installed_on IS NULL
        OR cardinality(unrecorded) > 0 ORDER BY id`);
    expect(ours.incomplete).toBe(ref.length);
    expect((ours.cameras as Json[]).map((c) => [c.id, c.missing])).toEqual(ref.map((r) => [r.id, r.missing]));
  });

  it('when exported as xlsx, then exceljs reads back the same cells as the JSON report', async () => {
    const json = await get('/api/v1/xueliang/kpis?level=township');
    const res = await fetch(`${app.url}/api/v1/xueliang/kpis?level=township&format=xlsx`, {
      headers: { cookie: app.cookie },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    // exceljs takes a Node Buffer; the cast bridges its older Buffer typing.
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet('雪亮KPI');
    expect(ws?.rowCount).toBe((json.rows as Json[]).length + 1);
    (json.rows as Json[]).forEach((r, i) => {
      const row = ws?.getRow(i + 2);
      expect(row?.getCell(1).value).toBe(r.key);
      expect(row?.getCell(3).value).toBe(r.cameras);
      expect(row?.getCell(6).value).toBeCloseTo(r.networkedRate * 100, 2);
      expect(row?.getCell(8).value).toBeCloseTo(r.workingRate * 100, 2);
      expect(row?.getCell(10).value).toBeCloseTo(r.recordRate * 100, 2);
      expect(row?.getCell(13).value).toBe(r.meetsAll ? '是 yes' : '否 no');
    });
    const list = wb.getWorksheet('档案不全');
    const incomplete = await get('/api/v1/xueliang/incomplete');
    expect(list?.rowCount).toBe(Math.min(5000, incomplete.incomplete) + 1);
    expect(list?.getRow(2).getCell(1).value).toBe(incomplete.cameras[0].id);
  });

  it('when the level is not one we know, then 400 problem+json names the field', async () => {
    const res = await fetch(`${app.url}/api/v1/xueliang/kpis?level=planet`, { headers: { cookie: app.cookie } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(await res.json())).toContain('level');
  });

  it('when a ledger leaves out direction, height or type, then those cameras are not on file until the fields are recorded', async () => {
    // Three cameras of a ledger, every other field given: one whole, one without 方向 and 高度, one without 类型.
    const csv = [
      'lon,lat,国标编码,方向,高度,类型,分辨率,建设单位,安装日期',
      '118.7801,32.0401,32010200001320999001,90,5,枪机,1920×1080,公安分局,2022-01-05',
      '118.7802,32.0402,32010200001320999002,,,球机,1920×1080,公安分局,2022-01-05',
      '118.7803,32.0403,32010200001320999003,180,4,,1920×1080,公安分局,2022-01-05',
    ].join('\n');
    const up = await fetch(`${app.url}/api/v1/import?format=csv&layer=cameras&name=ledger.csv`, {
      method: 'POST',
      body: csv,
      headers: { 'content-type': 'application/octet-stream', cookie: app.cookie },
    });
    expect(up.status, await up.clone().text()).toBe(201);
    const missingOf = async () => {
      const list = await get('/api/v1/xueliang/incomplete?limit=50000');
      const rows = await app.db.query<{ id: number; gb: string }>(
        "SELECT id::int, gb_code AS gb FROM camera WHERE gb_code LIKE '32010200001320999%' ORDER BY gb_code",
      );
      return rows.map((r) => ({
        gb: r.gb,
        missing: (list.cameras as Json[]).find((c) => c.id === r.id)?.missing ?? [],
        id: r.id,
      }));
    };
    const before = await missingOf();
    expect(before.map((r) => [r.gb.slice(-3), r.missing])).toEqual([
      ['001', []],
      ['002', ['direction', 'height']],
      ['003', ['type']],
    ]);
    // The defaults are still what is stored (0°, 6 m, bullet): only the record says they were not given.
    const [stored] = await app.db.query<{ h: number; m: number; t: string }>(
      'SELECT heading_deg AS h, height_m AS m, (SELECT camera_type FROM camera WHERE id = $2) AS t FROM camera WHERE id = $1',
      [before[1]?.id, before[2]?.id],
    );
    expect(stored).toEqual({ h: 0, m: 6, t: 'bullet' });

    // A clerk records the direction (0°, the same value as the default): it is on file now; the height still is not.
    const cam = await app.call('GET', `/api/v1/cameras/${before[1]?.id}`);
    const patch = await app.call('PATCH', `/api/v1/cameras/${before[1]?.id}`, {
      properties: { heading_deg: 0 },
      version: (cam.json as Json).properties.version,
    });
    expect(patch.status, JSON.stringify(patch.json)).toBe(200);
    expect((await missingOf())[1]?.missing).toEqual(['height']);
  });
});
