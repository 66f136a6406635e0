import { booleanPointInPolygon } from '@turf/turf';
import { gridDisk, polygonToCells } from 'h3-js';
import type { MultiPolygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Incident analysis endpoints on the demo city, each checked against a computation written here from the method's
 * definition (turf point-in-polygon, the Gi* formula, Kendall's S, brute-force Knox pairs), not by calling the engine.
 */

let app: TestApp;
let incidents: { lon: number; lat: number; ms: number; category: string; hour: number; isodow: number }[];

beforeAll(async () => {
  app = await startTestApp();
  await loadDemoCity(app.db, { seed: 7, incidents: 20_000 });
  incidents = await app.db.query(`SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, (extract(epoch FROM occurred_at) * 1000)::float8 AS ms,
    category, extract(hour FROM occurred_at AT TIME ZONE 'Asia/Shanghai')::int AS hour,
    extract(isodow FROM occurred_at AT TIME ZONE 'Asia/Shanghai')::int AS isodow FROM incident`);
});
afterAll(async () => app?.dispose());

const get = async <T>(path: string): Promise<T> => {
  const r = await app.call('GET', path);
  expect(r.status, `${path}: ${JSON.stringify(r.json).slice(0, 300)}`).toBe(200);
  return r.json as T;
};
const gridShapes = () => app.db.query<{ code: string; g: MultiPolygon }>(
  'SELECT code, ST_AsGeoJSON(geom)::json AS g FROM grid ORDER BY code');

describe('incidents per area', () => {
  it('when counted per grid, then each count equals turf point-in-polygon over the incidents', async () => {
    const r = await get<{ rows: { code: string; incidents: number; population: number }[] }>('/api/v1/incidents/areas?area=grid');
    const shapes = await gridShapes();
    expect(r.rows).toHaveLength(shapes.length);
    const byCode = new Map(r.rows.map((x) => [x.code, x]));
    for (const s of shapes.filter((_, i) => i % 40 === 0)) {
      const expected = incidents.filter((p) => booleanPointInPolygon([p.lon, p.lat], s.g)).length;
      expect(byCode.get(s.code)?.incidents, `grid ${s.code}`).toBe(expected);
    }
  });

  it('when filtered to evening hours, then the district holds the evening incidents inside it only', async () => {
    const r = await get<{ rows: { incidents: number }[] }>('/api/v1/incidents/areas?area=district&hours=19,20,21');
    const [district] = await app.db.query<{ g: MultiPolygon }>(`SELECT ST_AsGeoJSON(geom)::json AS g FROM admin_area WHERE level = 'district'`);
    const expected = incidents.filter((p) => [19, 20, 21].includes(p.hour) && booleanPointInPolygon([p.lon, p.lat], district!.g)).length;
    expect(r.rows.reduce((s, x) => s + x.incidents, 0)).toBe(expected);
  });
});

describe('hot spots (Gi*)', () => {
  it('when computed at res 9, then z equals the Getis-Ord Gi* formula over the study-area cells', async () => {
    const r = await get<{ studyCells: number; cells: { h3: string; value: number; z: number; bin: number }[] }>('/api/v1/incidents/hotspots?res=9&k=1');
    const [district] = await app.db.query<{ g: MultiPolygon }>(`SELECT ST_AsGeoJSON(ST_Multi(ST_Union(geom)), 7)::json AS g FROM admin_area WHERE level = 'district'`);
    const study = new Set(district!.g.coordinates.flatMap((p) => polygonToCells(p, 9, true)));
    const x = new Map<string, number>([...study].map((h) => [h, 0]));
    for (const c of await get<{ h3: string; n: number }[]>('/api/v1/incidents/cells?res=9')) x.set(c.h3, c.n);
    expect(r.studyCells).toBe(x.size);
    // Ord & Getis (1995), binary weights including the cell itself.
    const n = x.size;
    const vals = [...x.values()];
    const mean = vals.reduce((a, b) => a + b, 0) / n;
    const s = Math.sqrt(vals.reduce((a, b) => a + b * b, 0) / n - mean * mean);
    const zOf = (h: string) => {
      const nb = gridDisk(h, 1).filter((q) => x.has(q));
      const w = nb.length;
      const sum = nb.reduce((a, q) => a + (x.get(q) ?? 0), 0);
      return (sum - mean * w) / (s * Math.sqrt((n * w - w * w) / (n - 1)));
    };
    const byH3 = new Map(r.cells.map((c) => [c.h3, c]));
    const strongest = [...r.cells].sort((a, b) => b.z - a.z).slice(0, 5);
    for (const c of [...strongest, ...r.cells.filter((_, i) => i % 50 === 0)]) {
      expect(byH3.get(c.h3)?.z, `cell ${c.h3}`).toBeCloseTo(zOf(c.h3), 9);
    }
    expect(strongest[0]!.bin, 'the strongest cell of a clustered city is a 99 % hot spot').toBe(3);
  });
});

describe('trends', () => {
  it('when weekly trends are asked, then the weekly counts equal a direct count and tau equals Kendall S over pairs', async () => {
    const r = await get<{ weeks: string[]; cells: { h3: string; weekly: number[]; tau: number }[] }>('/api/v1/incidents/trends?res=8&weeks=8');
    expect(r.weeks).toHaveLength(8);
    const busiest = [...r.cells].sort((a, b) => b.weekly.reduce((s, v) => s + v, 0) - a.weekly.reduce((s, v) => s + v, 0))[0]!;
    const counts = await app.db.query<{ week: string; n: number }>(
      `SELECT to_char(date_trunc('week', occurred_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD') AS week, count(*)::int AS n
       FROM incident WHERE to_hex(h3_r8) = $1 GROUP BY 1`, [busiest.h3]);
    const byWeek = new Map(counts.map((c) => [c.week, c.n]));
    expect(busiest.weekly).toEqual(r.weeks.map((w) => byWeek.get(w) ?? 0));
    let S = 0;
    const v = busiest.weekly;
    for (let i = 0; i < v.length; i++) for (let j = i + 1; j < v.length; j++) S += Math.sign(v[j]! - v[i]!);
    expect(busiest.tau).toBeCloseTo(S / ((v.length * (v.length - 1)) / 2), 12);
  });
});

describe('near repeat (Knox)', () => {
  it('when tested on burglaries, then the observed pairs equal a brute-force count and the same seed gives the same p', async () => {
    const q = '/api/v1/incidents/near-repeat?category=%E5%85%A5%E5%AE%A4%E7%9B%97%E7%AA%83&space=150&time=7&permutations=49&seed=3';
    const a = await get<{ observed: number; events: number; p: number }>(q);
    const b = await get<{ p: number }>(q);
    const ev = incidents.filter((p) => p.category === '入室盗窃');
    expect(a.events).toBe(ev.length);
    const mLat = 111_320, mLon = 111_320 * Math.cos((32.04 * Math.PI) / 180);
    let pairs = 0;
    for (let i = 0; i < ev.length; i++) {
      for (let j = i + 1; j < ev.length; j++) {
        const e = ev[i]!, f = ev[j]!;
        const d = Math.hypot((e.lon - f.lon) * mLon, (e.lat - f.lat) * mLat);
        if (d <= 150 && Math.abs(e.ms - f.ms) <= 7 * 86_400_000) pairs++;
      }
    }
    // The service projects about the first event rather than 32.04°N: distances near 150 m may differ by millimetres.
    expect(Math.abs(a.observed - pairs), `observed ${a.observed}, brute force ${pairs}`).toBeLessThanOrEqual(Math.ceil(pairs * 0.002));
    expect(b.p).toBe(a.p);
  });
});

describe('hour profile', () => {
  it('when asked for one grid, then the 24×7 matrix holds exactly the incidents in that grid by Beijing weekday and hour', async () => {
    const [s] = (await gridShapes()).slice(100, 101);
    const r = await get<{ matrix: number[][]; profile: { byHour: number[] } }>(`/api/v1/incidents/hour-profile?area=grid&code=${s!.code}`);
    const inside = incidents.filter((p) => booleanPointInPolygon([p.lon, p.lat], s!.g));
    const expected = Array.from({ length: 7 }, (_, d) => Array.from({ length: 24 }, (_, h) => inside.filter((p) => p.isodow === d + 1 && p.hour === h).length));
    expect(r.matrix).toEqual(expected);
  });
});

describe('grid grades', () => {
  it('when grades are computed on two days, then both are stored, the history shows both and each grade follows the thresholds', async () => {
    const first = await app.call('POST', '/api/v1/grades/compute', { day: '2026-10-01', to: '2026-09-01T00:00:00+08:00' }, { 'x-actor': 'grid-office-1' });
    expect(first.status, JSON.stringify(first.json).slice(0, 300)).toBe(201);
    const second = await app.call('POST', '/api/v1/grades/compute', { day: '2026-11-01' });
    expect(second.status).toBe(201);
    const grades = (second.json as { grades: { gridCode: string; grade: string; rateRatio: number; hotCells: number; reasonText: string }[] }).grades;
    expect(grades).toHaveLength((await gridShapes()).length);
    for (const g of grades) {
      const expected = g.hotCells >= 3 || g.rateRatio >= 2 ? 'red' : g.hotCells >= 1 || g.rateRatio >= 1.2 ? 'yellow' : 'green';
      expect(g.grade, `grid ${g.gridCode}: ratio ${g.rateRatio}, hot cells ${g.hotCells}`).toBe(expected);
    }
    expect(grades.some((g) => g.grade === 'red'), 'a clustered city has red grids').toBe(true);
    const red = grades.find((g) => g.grade === 'red')!;
    expect(red.reasonText).toMatch(/倍|热点/);
    const history = await get<{ history: { computedOn: string }[] }>(`/api/v1/grades/${red.gridCode}/history?lang=en`);
    expect(history.history.map((h) => h.computedOn)).toEqual(['2026-10-01', '2026-11-01']);
    const latest = await get<{ day: string }>('/api/v1/grades');
    expect(latest.day).toBe('2026-11-01');
    const audit = await app.db.query<{ actor: string }>(`SELECT actor FROM audit_log WHERE entity = 'grid_grade' ORDER BY id`);
    expect(audit.map((a) => a.actor)).toEqual(['grid-office-1', 'anonymous']);
  });

  it('when the red thresholds are out of reach, then no grid is red', async () => {
    const r = await app.call('POST', '/api/v1/grades/compute', { day: '2026-11-02', thresholds: { redRatio: 1000, redHotCells: 100000 } });
    expect(r.status).toBe(201);
    expect((r.json as { grades: { grade: string }[] }).grades.filter((g) => g.grade === 'red')).toEqual([]);
  });
});

describe('bad input', () => {
  it.each([
    ['/api/v1/incidents/hotspots?res=9&hours=25', 'query.hours'],
    ['/api/v1/incidents/hotspots?k=9', 'query.k'],
    ['/api/v1/incidents/trends?weeks=1', 'query.weeks'],
    ['/api/v1/incidents/hour-profile?area=grid', 'query.code'],
    ['/api/v1/incidents/areas?area=planet', 'query.area'],
  ])('when %s is asked, then 400 names %s and nothing is computed', async (path, field) => {
    const r = await app.call('GET', path);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((r.json as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(field);
  });

  it('when grade thresholds are invalid, then 400 names the field and no grade is stored', async () => {
    const before = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM grid_grade');
    const r = await app.call('POST', '/api/v1/grades/compute', { day: '2026-12-01', thresholds: { redRatio: -1 } });
    expect(r.status).toBe(400);
    expect((r.json as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain('body.thresholds.redRatio');
    expect(await app.db.query('SELECT count(*)::int AS n FROM grid_grade')).toEqual(before);
  });

  it('when the history of an unknown grid is asked, then 404', async () => {
    expect((await app.call('GET', '/api/v1/grades/999999999999999/history')).status).toBe(404);
  });
});

