import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchAnswer } from '../../src/contract/search.js';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** GET /api/v1/search on the demo city; every expected set comes from SQL on the same tables, not from the service. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await loadDemoCity(app.db, { seed: 20261125, incidents: 50 });
});
afterAll(async () => app?.dispose());

const search = async (q: string, limit = 50) => {
  const r = await app.call('GET', `/api/v1/search?${new URLSearchParams({ q, limit: String(limit) })}`);
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  return r.json as SearchAnswer;
};
const names = (a: SearchAnswer, kind: string) =>
  a.hits
    .filter((h) => h.kind === kind)
    .map((h) => h.name)
    .sort();

describe('search', () => {
  it('when part of a name is typed, then every grid and community holding it is found, as SQL finds them', async () => {
    const grids = await app.db.query<{ name: string }>(
      `SELECT name FROM grid WHERE name LIKE '%大行宫%' ORDER BY name`,
    );
    const communities = await app.db.query<{ name: string }>(
      `SELECT name FROM admin_area WHERE level = 'community' AND name LIKE '%大行宫%' ORDER BY name`,
    );
    expect(grids.length, 'the demo city has 大行宫 grids').toBeGreaterThan(0);
    const a = await search('大行宫');
    expect(names(a, 'grid')).toEqual(grids.map((g) => g.name).sort());
    expect(names(a, 'community')).toEqual(communities.map((c) => c.name).sort());
    // The community itself (the shortest name starting with the text) comes before its grids.
    expect(a.hits[0]?.kind).toBe('community');
    expect(a.hits[0]?.match).toBe('name_prefix');
  });

  it('when pinyin initials are typed, then the same places are found as by their characters', async () => {
    const byChars = await search('大行宫');
    const byInitials = await search('dxg');
    for (const kind of ['grid', 'community'])
      expect(names(byInitials, kind), kind).toEqual(expect.arrayContaining(names(byChars, kind)));
    expect(byInitials.hits.some((h) => h.match === 'pinyin')).toBe(true);
    const full = await search('daxinggong');
    expect(names(full, 'community')).toEqual(names(byChars, 'community'));
  });

  it('when a grid code prefix is typed, then the grids of that code come first with their box', async () => {
    const [g] = await app.db.query<{ code: string; b: number[] }>(
      `SELECT code, ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)] AS b FROM grid ORDER BY code LIMIT 1 OFFSET 20`,
    );
    const exact = await search(g!.code, 5);
    expect(exact.hits[0]).toMatchObject({ kind: 'grid', code: g!.code, match: 'code' });
    exact.hits[0]!.bbox.forEach((v, i) => {
      expect(v).toBeCloseTo(g!.b[i]!, 9);
    });
    const prefix = g!.code.slice(0, 12);
    const [{ n }] = (await app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM grid WHERE code LIKE $1 || '%'`,
      [prefix],
    )) as [{ n: number }];
    const a = await search(prefix);
    expect(a.hits.filter((h) => h.kind === 'grid' && h.match === 'code_prefix').length).toBe(Math.min(n, 50));
  });

  it('when a road name is typed, then the road is one hit boxed around all its segments', async () => {
    const [road] = await app.db.query<{ name: string; b: number[] }>(
      `SELECT name, ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] AS b
       FROM (SELECT name, ST_Extent(geom)::geometry AS e FROM road WHERE name IS NOT NULL GROUP BY name) r
       ORDER BY name LIMIT 1`,
    );
    if (!road) return;
    const hit = (await search(road.name)).hits.find((h) => h.kind === 'road' && h.name === road.name);
    expect(hit).toBeDefined();
    hit!.bbox.forEach((v, i) => {
      expect(v).toBeCloseTo(road.b[i]!, 9);
    });
  });

  it('when the text has LIKE wildcards or is empty, then they match themselves or the request is refused with a code', async () => {
    expect((await search('%')).hits).toEqual([]);
    expect((await search('_')).hits).toEqual([]);
    const empty = await app.call('GET', '/api/v1/search?q=');
    expect(empty.status).toBe(400);
    expect((empty.json as { code: string }).code).toBe('request.invalid');
  });
});
