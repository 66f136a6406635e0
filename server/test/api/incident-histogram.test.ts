import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The time bar's histogram (`GET /incidents/histogram`), checked against counts written here in SQL with the zone as
 * a literal (`AT TIME ZONE 'Asia/Shanghai'`), not through the repository's expressions.
 */
let app: TestApp;
const savedTz = process.env.GRIDPATROL_TZ;

beforeAll(async () => {
  app = await startTestApp();
  await loadDemoCity(app.db, { seed: 11, incidents: 4000 });
});
afterAll(async () => app?.dispose());
afterEach(() => {
  if (savedTz === undefined) delete process.env.GRIDPATROL_TZ;
  else process.env.GRIDPATROL_TZ = savedTz;
});

interface Histogram {
  bin: string;
  timeZone: string;
  total: number;
  bins: { key: string; n: number; from?: string; to?: string }[];
}
const get = async (path: string): Promise<Histogram> => {
  const r = await app.call('GET', path);
  expect(r.status, `${path}: ${JSON.stringify(r.json).slice(0, 300)}`).toBe(200);
  return r.json as Histogram;
};
const byHourSql = async (zone: string, where = 'true') => {
  const rows = await app.db.query<{ h: number; n: number }>(
    `SELECT extract(hour FROM occurred_at AT TIME ZONE '${zone}')::int AS h, count(*)::int AS n
     FROM incident WHERE ${where} GROUP BY 1`,
  );
  return Array.from({ length: 24 }, (_, h) => rows.find((r) => r.h === h)?.n ?? 0);
};

describe('incident histogram', () => {
  it('when binned by hour, then the 24 counts are those of SQL in Asia/Shanghai', async () => {
    const r = await get('/api/v1/incidents/histogram?bin=hour');
    expect(r.timeZone).toBe('Asia/Shanghai');
    expect(r.bins.map((b) => b.key)).toEqual(Array.from({ length: 24 }, (_, h) => String(h)));
    expect(r.bins.map((b) => b.n)).toEqual(await byHourSql('Asia/Shanghai'));
    const [all] = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incident');
    expect(r.total).toBe(all!.n);
  });

  it('when filtered to Sundays, then the hour counts are the Sunday ones of SQL', async () => {
    const r = await get('/api/v1/incidents/histogram?bin=hour&weekdays=7');
    expect(r.bins.map((b) => b.n)).toEqual(
      await byHourSql('Asia/Shanghai', `extract(isodow FROM occurred_at AT TIME ZONE 'Asia/Shanghai') = 7`),
    );
  });

  it('when the deployment is in America/Chicago, then the same incidents fall in the Chicago hours', async () => {
    process.env.GRIDPATROL_TZ = 'America/Chicago';
    const r = await get('/api/v1/incidents/histogram?bin=hour');
    expect(r.timeZone).toBe('America/Chicago');
    const chicago = await byHourSql('America/Chicago');
    expect(r.bins.map((b) => b.n)).toEqual(chicago);
    expect(chicago).not.toEqual(await byHourSql('Asia/Shanghai'));
  });

  it('when binned by day, then every day from the first to the last is there, counts as SQL, windows end to end', async () => {
    const r = await get('/api/v1/incidents/histogram?bin=day');
    const rows = await app.db.query<{ d: string; n: number }>(
      `SELECT to_char(occurred_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS d, count(*)::int AS n
       FROM incident GROUP BY 1 ORDER BY 1`,
    );
    const first = rows[0]!.d;
    const last = rows[rows.length - 1]!.d;
    const days = (Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000 + 1;
    expect(r.bins).toHaveLength(days);
    expect(r.bins[0]!.key).toBe(first);
    for (const b of r.bins) expect(b.n, b.key).toBe(rows.find((x) => x.d === b.key)?.n ?? 0);
    for (let i = 1; i < r.bins.length; i++) expect(r.bins[i]!.from).toBe(r.bins[i - 1]!.to);
    expect(r.bins[0]!.from).toBe(`${first}T00:00:00+08:00`);
    // A bin's window, given back as the filter, counts the bin.
    const mid = r.bins[Math.floor(r.bins.length / 2)]!;
    const again = await get(
      `/api/v1/incidents/histogram?bin=hour&from=${encodeURIComponent(mid.from!)}&to=${encodeURIComponent(mid.to!)}`,
    );
    expect(again.total).toBe(mid.n);
  });

  it('when binned by week, then weeks start on Monday and their counts are those of SQL', async () => {
    const r = await get('/api/v1/incidents/histogram?bin=week');
    const rows = await app.db.query<{ w: string; n: number }>(
      `SELECT to_char(date_trunc('week', occurred_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD') AS w,
              count(*)::int AS n FROM incident GROUP BY 1 ORDER BY 1`,
    );
    expect(r.bins.filter((b) => b.n > 0).map((b) => [b.key, b.n])).toEqual(rows.map((x) => [x.w, x.n]));
    for (const b of r.bins) expect(new Date(`${b.key}T00:00:00Z`).getUTCDay(), b.key).toBe(1);
  });

  it('when the bin is not one of hour, day, week, then 400 names the field', async () => {
    const r = await app.call('GET', '/api/v1/incidents/histogram?bin=month');
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.json)).toContain('bin');
  });
});
