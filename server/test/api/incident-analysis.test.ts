import { area as turfArea, booleanPointInPolygon } from '@turf/turf';
import { cellToLatLng, gridDisk, polygonToCells } from 'h3-js';
import type { FeatureCollection, MultiPolygon } from 'geojson';
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
  incidents =
    await app.db.query(`SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, (extract(epoch FROM occurred_at) * 1000)::float8 AS ms,
    category, extract(hour FROM occurred_at AT TIME ZONE 'Asia/Shanghai')::int AS hour,
    extract(isodow FROM occurred_at AT TIME ZONE 'Asia/Shanghai')::int AS isodow FROM incident`);
});
afterAll(async () => app?.dispose());

const get = async <T>(path: string): Promise<T> => {
  const r = await app.call('GET', path);
  expect(r.status, `${path}: ${JSON.stringify(r.json).slice(0, 300)}`).toBe(200);
  return r.json as T;
};
const gridShapes = () =>
  app.db.query<{ code: string; g: MultiPolygon }>('SELECT code, ST_AsGeoJSON(geom)::json AS g FROM grid ORDER BY code');

describe('incidents per area', () => {
  it('when counted per grid, then each count equals turf point-in-polygon over the incidents', async () => {
    const r = await get<{ rows: { code: string; incidents: number; population: number }[] }>(
      '/api/v1/incidents/areas?area=grid',
    );
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
    const [district] = await app.db.query<{ g: MultiPolygon }>(
      `SELECT ST_AsGeoJSON(geom)::json AS g FROM admin_area WHERE level = 'district'`,
    );
    const expected = incidents.filter(
      (p) => [19, 20, 21].includes(p.hour) && booleanPointInPolygon([p.lon, p.lat], district!.g),
    ).length;
    expect(r.rows.reduce((s, x) => s + x.incidents, 0)).toBe(expected);
  });
});

describe('incidents per area: beats, communities, GeoJSON', () => {
  it('when counted per beat for weekend burglaries, then each count equals turf point-in-polygon over those incidents', async () => {
    const r = await get<{ rows: { code: string; incidents: number }[] }>(
      `/api/v1/incidents/areas?area=beat&weekdays=6,7&category=${encodeURIComponent('入室盗窃')}`,
    );
    const beats = await app.db.query<{ code: string; g: MultiPolygon }>(
      'SELECT code, ST_AsGeoJSON(geom)::json AS g FROM beat ORDER BY code',
    );
    expect(r.rows.map((x) => x.code)).toEqual(beats.map((b) => b.code));
    const chosen = incidents.filter((p) => p.isodow >= 6 && p.category === '入室盗窃');
    expect(chosen.length, 'the demo city has weekend burglaries').toBeGreaterThan(0);
    const byCode = new Map(r.rows.map((x) => [x.code, x.incidents]));
    for (const b of beats.filter((_, i) => i % 6 === 0)) {
      expect(byCode.get(b.code), `beat ${b.code}`).toBe(
        chosen.filter((p) => booleanPointInPolygon([p.lon, p.lat], b.g)).length,
      );
    }
  });

  it("when counted per community, then residents are the sum over the community's grids and per1000 is their rate", async () => {
    const r = await get<{ rows: { code: string; incidents: number; population: number; per1000: number | null }[] }>(
      '/api/v1/incidents/areas?area=community',
    );
    const pop = await app.db.query<{ code: string; n: number }>(
      'SELECT community_code AS code, sum(population)::int AS n FROM grid GROUP BY 1',
    );
    const popOf = new Map(pop.map((x) => [x.code, x.n]));
    expect(r.rows.length).toBeGreaterThan(1);
    for (const row of r.rows) {
      expect(row.population, `community ${row.code}`).toBe(popOf.get(row.code) ?? 0);
      if (row.population > 0) expect(row.per1000).toBeCloseTo((1000 * row.incidents) / row.population, 9);
    }
  });

  it("when asked as GeoJSON, then each grid is a feature with the JSON counts, its stored outline and a per-km² rate from turf's area", async () => {
    const q = '/api/v1/incidents/areas?area=grid&hours=0,1,2,3';
    const json = await get<{ rows: { code: string; incidents: number; population: number; per1000: number | null }[] }>(
      q,
    );
    const r = await app.call('GET', `${q}&format=geojson`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/application\/geo\+json/);
    const fc = r.json as FeatureCollection<
      MultiPolygon,
      { code: string; incidents: number; per1000: number | null; perKm2: number }
    >;
    const shapes = new Map((await gridShapes()).map((x) => [x.code, x.g]));
    expect(fc.features.map((f) => f.properties.code)).toEqual(json.rows.map((x) => x.code));
    fc.features.forEach((f, i) => {
      const row = json.rows[i]!;
      expect(f.properties.incidents, `grid ${row.code}`).toBe(row.incidents);
      expect(f.properties.per1000).toBe(row.per1000);
      expect(f.geometry.type).toBe('MultiPolygon');
      const stored = shapes.get(row.code)!;
      expect(f.geometry.coordinates[0]![0]!.length, `grid ${row.code} outline`).toBe(stored.coordinates[0]![0]!.length);
      const km2 = turfArea(f.geometry) / 1e6;
      // PostGIS geography (ellipsoid) vs turf (sphere): areas agree to a fraction of a per cent.
      expect(Math.abs(f.properties.perKm2 - row.incidents / km2), `grid ${row.code} per km²`).toBeLessThanOrEqual(
        0.01 * (row.incidents / km2) + 1e-9,
      );
    });
  });
});

describe('hot spots (Gi*)', () => {
  it('when computed at res 9, then z equals the Getis-Ord Gi* formula over the study-area cells', async () => {
    const r = await get<{ studyCells: number; cells: { h3: string; value: number; z: number; bin: number }[] }>(
      '/api/v1/incidents/hotspots?res=9&k=1',
    );
    const [district] = await app.db.query<{ g: MultiPolygon }>(
      `SELECT ST_AsGeoJSON(ST_Multi(ST_Union(geom)), 7)::json AS g FROM admin_area WHERE level = 'district'`,
    );
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

describe('hot spots in a box', () => {
  it('when a bbox is given, then exactly the cells centred in it come back with the citywide z and class', async () => {
    type Answer = { studyCells: number; cells: { h3: string; z: number; bin: number }[] };
    const box = [118.77, 32.03, 118.8, 32.05] as const;
    const all = await get<Answer>('/api/v1/incidents/hotspots?res=9&hours=18,19,20,21');
    const clipped = await get<Answer>(`/api/v1/incidents/hotspots?res=9&hours=18,19,20,21&bbox=${box.join(',')}`);
    const inBox = all.cells.filter((c) => {
      const [lat, lon] = cellToLatLng(c.h3);
      return lon >= box[0] && lon <= box[2] && lat >= box[1] && lat <= box[3];
    });
    expect(inBox.length, 'the box holds cells').toBeGreaterThan(10);
    expect(inBox.length, 'the box is smaller than the city').toBeLessThan(all.cells.length);
    expect(clipped.studyCells).toBe(all.studyCells);
    expect(clipped.cells).toEqual(inBox);
  });
});

describe('trends', () => {
  it('when weekly trends are asked, then the weekly counts equal a direct count and tau equals Kendall S over pairs', async () => {
    const r = await get<{ weeks: string[]; cells: { h3: string; weekly: number[]; tau: number }[] }>(
      '/api/v1/incidents/trends?res=8&weeks=8',
    );
    expect(r.weeks).toHaveLength(8);
    const busiest = [...r.cells].sort(
      (a, b) => b.weekly.reduce((s, v) => s + v, 0) - a.weekly.reduce((s, v) => s + v, 0),
    )[0]!;
    const counts = await app.db.query<{ week: string; n: number }>(
      `SELECT to_char(date_trunc('week', occurred_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD') AS week, count(*)::int AS n
       FROM incident WHERE to_hex(h3_r8) = $1 GROUP BY 1`,
      [busiest.h3],
    );
    const byWeek = new Map(counts.map((c) => [c.week, c.n]));
    expect(busiest.weekly).toEqual(r.weeks.map((w) => byWeek.get(w) ?? 0));
    let S = 0;
    const v = busiest.weekly;
    for (let i = 0; i < v.length; i++) for (let j = i + 1; j < v.length; j++) S += Math.sign(v[j]! - v[i]!);
    expect(busiest.tau).toBeCloseTo(S / ((v.length * (v.length - 1)) / 2), 12);
  });

  it('when trends end at a mid-week time, then only whole weeks before it are used and the last week counts only its own incidents', async () => {
    const to = '2026-09-02T12:00:00+08:00'; // a Wednesday: the week of Monday 08-31 is cut and left out
    const r = await get<{ weeks: string[]; from: string; to: string; cells: { h3: string; weekly: number[] }[] }>(
      `/api/v1/incidents/trends?res=7&weeks=6&to=${encodeURIComponent(to)}`,
    );
    expect(r.weeks).toEqual(['2026-07-20', '2026-07-27', '2026-08-03', '2026-08-10', '2026-08-17', '2026-08-24']);
    expect(r.to).toBe('2026-08-31T00:00:00+08:00');
    const res7 = await app.db.query<{ h3: string; ms: number }>(
      `SELECT to_hex(h3_r7) AS h3, (extract(epoch FROM occurred_at) * 1000)::float8 AS ms FROM incident`,
    );
    const weekStart = (day: string) => Date.parse(`${day}T00:00:00+08:00`);
    for (const c of r.cells) {
      const expected = r.weeks.map(
        (w) => res7.filter((x) => x.h3 === c.h3 && x.ms >= weekStart(w) && x.ms < weekStart(w) + 7 * 86_400_000).length,
      );
      expect(c.weekly, `cell ${c.h3}`).toEqual(expected);
    }
    expect(r.cells.reduce((s, c) => s + c.weekly.reduce((a, b) => a + b, 0), 0)).toBe(
      incidents.filter((p) => p.ms >= weekStart('2026-07-20') && p.ms < weekStart('2026-08-31')).length,
    );
  });

  it("when no end is given, then the last week is the last whole Beijing week by the newest incident's day", async () => {
    const r = await get<{ weeks: string[] }>('/api/v1/incidents/trends?res=7&weeks=4');
    const newest = Math.max(...incidents.map((p) => p.ms));
    const newestDay = new Date(newest + 8 * 3600_000).toISOString().slice(0, 10);
    const end = Date.parse(`${newestDay}T00:00:00+08:00`) + 86_400_000;
    let monday = Date.parse('2025-11-03T00:00:00+08:00'); // a Monday before the demo data
    while (monday + 14 * 86_400_000 <= end) monday += 7 * 86_400_000;
    expect(r.weeks.at(-1)).toBe(new Date(monday + 8 * 3600_000).toISOString().slice(0, 10));
  });
});

describe('near repeat (Knox)', () => {
  it('when tested on burglaries, then the observed pairs equal a brute-force count and the same seed gives the same p', async () => {
    const q =
      '/api/v1/incidents/near-repeat?category=%E5%85%A5%E5%AE%A4%E7%9B%97%E7%AA%83&space=150&time=7&permutations=49&seed=3';
    const a = await get<{ observed: number; events: number; p: number }>(q);
    const b = await get<{ p: number }>(q);
    const ev = incidents.filter((p) => p.category === '入室盗窃');
    expect(a.events).toBe(ev.length);
    const mLat = 111_320,
      mLon = 111_320 * Math.cos((32.04 * Math.PI) / 180);
    let pairs = 0;
    for (let i = 0; i < ev.length; i++) {
      for (let j = i + 1; j < ev.length; j++) {
        const e = ev[i]!,
          f = ev[j]!;
        const d = Math.hypot((e.lon - f.lon) * mLon, (e.lat - f.lat) * mLat);
        if (d <= 150 && Math.abs(e.ms - f.ms) <= 7 * 86_400_000) pairs++;
      }
    }
    // The service projects about the first event rather than 32.04°N: distances near 150 m may differ by millimetres.
    expect(Math.abs(a.observed - pairs), `observed ${a.observed}, brute force ${pairs}`).toBeLessThanOrEqual(
      Math.ceil(pairs * 0.002),
    );
    expect(b.p).toBe(a.p);
  });
});

describe('hour profile', () => {
  it('when asked for one grid, then the 24×7 matrix holds exactly the incidents in that grid by Beijing weekday and hour', async () => {
    const [s] = (await gridShapes()).slice(100, 101);
    const r = await get<{ matrix: number[][]; profile: { byHour: number[] } }>(
      `/api/v1/incidents/hour-profile?area=grid&code=${s!.code}`,
    );
    const inside = incidents.filter((p) => booleanPointInPolygon([p.lon, p.lat], s!.g));
    const expected = Array.from({ length: 7 }, (_, d) =>
      Array.from({ length: 24 }, (_, h) => inside.filter((p) => p.isodow === d + 1 && p.hour === h).length),
    );
    expect(r.matrix).toEqual(expected);
  });
});

describe('hour profile in a box', () => {
  it('when asked for a bbox on Sundays, then the matrix holds exactly the Sunday incidents in the box and no other day', async () => {
    const box = [118.76, 32.03, 118.79, 32.06] as const;
    const r = await get<{ matrix: number[][] }>(`/api/v1/incidents/hour-profile?bbox=${box.join(',')}&weekdays=7`);
    const inBox = incidents.filter(
      (p) => p.lon >= box[0] && p.lon <= box[2] && p.lat >= box[1] && p.lat <= box[3] && p.isodow === 7,
    );
    expect(inBox.length, 'the box holds Sunday incidents').toBeGreaterThan(0);
    expect(
      r.matrix
        .slice(0, 6)
        .flat()
        .every((n) => n === 0),
      'Monday–Saturday are empty',
    ).toBe(true);
    expect(r.matrix[6]).toEqual(Array.from({ length: 24 }, (_, h) => inBox.filter((p) => p.hour === h).length));
  });
});

describe('grid grades', () => {
  it('when grades are computed on two days, then both are stored, the history shows both and each grade follows the thresholds', async () => {
    const first = await app.call(
      'POST',
      '/api/v1/grades/compute',
      { day: '2026-10-01', to: '2026-09-01T00:00:00+08:00' },
      { cookie: await app.as('grid-office-1', 'grid_office') },
    );
    expect(first.status, JSON.stringify(first.json).slice(0, 300)).toBe(201);
    const second = await app.call('POST', '/api/v1/grades/compute', { day: '2026-11-01' });
    expect(second.status).toBe(201);
    const grades = (
      second.json as {
        grades: { gridCode: string; grade: string; rateRatio: number; hotCells: number; reasonText: string }[];
      }
    ).grades;
    expect(grades).toHaveLength((await gridShapes()).length);
    for (const g of grades) {
      const expected =
        g.hotCells >= 3 || g.rateRatio >= 2 ? 'red' : g.hotCells >= 1 || g.rateRatio >= 1.2 ? 'yellow' : 'green';
      expect(g.grade, `grid ${g.gridCode}: ratio ${g.rateRatio}, hot cells ${g.hotCells}`).toBe(expected);
    }
    expect(
      grades.some((g) => g.grade === 'red'),
      'a clustered city has red grids',
    ).toBe(true);
    const red = grades.find((g) => g.grade === 'red')!;
    expect(red.reasonText).toMatch(/倍|热点/);
    const history = await get<{ history: { computedOn: string }[] }>(`/api/v1/grades/${red.gridCode}/history?lang=en`);
    expect(history.history.map((h) => h.computedOn)).toEqual(['2026-10-01', '2026-11-01']);
    const latest = await get<{ day: string }>('/api/v1/grades');
    expect(latest.day).toBe('2026-11-01');
    const audit = await app.db.query<{ actor: string }>(
      `SELECT actor FROM audit_log WHERE entity = 'grid_grade' ORDER BY id`,
    );
    expect(
      audit.map((a) => a.actor),
      'each row carries the signed-in user',
    ).toEqual(['grid-office-1', 'test-admin']);
  });

  it('when grades are read back, then incidents, rate ratio and hot cells equal turf counts, stored residents and the Gi* answer', async () => {
    type G = {
      gridCode: string;
      incidents: number;
      ratePer1000: number | null;
      rateRatio: number;
      basis: string;
      hotCells: number;
    };
    const { grades } = await get<{ grades: G[] }>('/api/v1/grades?date=2026-11-01');
    const pop = new Map(
      (await app.db.query<{ code: string; population: number }>('SELECT code, population FROM grid')).map((x) => [
        x.code,
        x.population,
      ]),
    );
    const total = grades.reduce((s, g) => s + g.incidents, 0);
    const people = [...pop.values()].reduce((s, n) => s + n, 0);
    const hot = (await get<{ cells: { h3: string; bin: number }[] }>('/api/v1/incidents/hotspots?res=9&k=1')).cells
      .filter((c) => c.bin >= 2)
      .map((c) => cellToLatLng(c.h3));
    const shapes = new Map((await gridShapes()).map((x) => [x.code, x.g]));
    const sample = grades.filter((g, i) => i % 30 === 0 || g.hotCells > 0).slice(0, 40);
    expect(
      sample.some((g) => g.hotCells > 0),
      'some sampled grid holds hot cells',
    ).toBe(true);
    for (const g of sample) {
      const shape = shapes.get(g.gridCode)!;
      expect(g.incidents, `grid ${g.gridCode} incidents`).toBe(
        incidents.filter((p) => booleanPointInPolygon([p.lon, p.lat], shape)).length,
      );
      expect(g.hotCells, `grid ${g.gridCode} hot cells`).toBe(
        hot.filter(([lat, lon]) => booleanPointInPolygon([lon, lat], shape)).length,
      );
      const residents = pop.get(g.gridCode)!;
      if (residents >= 50) {
        expect(g.basis).toBe('population');
        expect(g.ratePer1000!, `grid ${g.gridCode} rate`).toBeCloseTo((1000 * g.incidents) / residents, 9);
        expect(g.rateRatio, `grid ${g.gridCode} ratio`).toBeCloseTo(g.incidents / residents / (total / people), 9);
      }
    }
  });

  it('when an earlier day is asked, then its stored grades come back, and as GeoJSON each grid outline carries the same grade', async () => {
    const [g] = (await gridShapes()).slice(50, 51);
    const history = await get<{ history: { computedOn: string; grade: string; incidents: number }[] }>(
      `/api/v1/grades/${g!.code}/history`,
    );
    const oct = await get<{ day: string; grades: { gridCode: string; grade: string; incidents: number }[] }>(
      '/api/v1/grades?date=2026-10-01',
    );
    expect(oct.day).toBe('2026-10-01');
    const mine = oct.grades.find((x) => x.gridCode === g!.code);
    expect(mine).toMatchObject({ grade: history.history[0]!.grade, incidents: history.history[0]!.incidents });
    // The October run only counted incidents before September.
    const before = incidents.filter(
      (p) => p.ms < Date.parse('2026-09-01T00:00:00+08:00') && booleanPointInPolygon([p.lon, p.lat], g!.g),
    ).length;
    expect(mine?.incidents).toBe(before);

    const r = await app.call('GET', '/api/v1/grades?date=2026-10-01&format=geojson&lang=en');
    expect(r.status).toBe(200);
    const fc = r.json as FeatureCollection<MultiPolygon, { gridCode: string; grade: string; reasonText: string }> & {
      day: string;
    };
    expect(fc.day).toBe('2026-10-01');
    expect(fc.features.map((f) => [f.properties.gridCode, f.properties.grade])).toEqual(
      oct.grades.map((x) => [x.gridCode, x.grade]),
    );
    const feature = fc.features.find((f) => f.properties.gridCode === g!.code)!;
    expect(feature.geometry.coordinates[0]![0]!.length).toBe(g!.g.coordinates[0]![0]!.length);
    expect(feature.properties.reasonText).toMatch(/district/);
  });

  it('when the red thresholds are out of reach, then no grid is red', async () => {
    const r = await app.call('POST', '/api/v1/grades/compute', {
      day: '2026-11-02',
      thresholds: { redRatio: 1000, redHotCells: 100000 },
    });
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
    ['/api/v1/incidents/areas?format=kml', 'query.format'],
    ['/api/v1/incidents/near-repeat?space=0', 'query.space'],
    ['/api/v1/grades?date=2026-13-01', 'query.date'],
    ['/api/v1/grades/no%20such%20grid!/history', 'gridCode'],
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
