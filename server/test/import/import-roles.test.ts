import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Who imports what (issue #15's wizard users, fenced as issue #16 asks): the grid office its grids and administrative
 * areas, a planner cameras, posts, checkpoints, incidents and their station's beats, the admin everything. A refused
 * file writes nothing; a batch is undone only by its own user or an admin.
 */
// biome-ignore lint/suspicious/noExplicitAny: test-only escape, bodies are checked field by field below
type Json = Record<string, any>;

let app: TestApp;
const cookies: Record<string, string> = {};

/** Two incidents of day `d` of March (each file its own rows: a re-import of the same rows would change nothing). */
const csv = (d: number) =>
  `lon,lat,occurred_at,category\n118.78,32.04,2026-03-${d} 21:15:00,盗窃\n118.79,32.05,2026-03-${d} 08:00:00,纠纷\n`;
const CSV = csv(10);
const REGION = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { 编码: '320102000000', 名称: '测试区', 级别: '区' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [118.7, 32.0],
            [118.9, 32.0],
            [118.9, 32.1],
            [118.7, 32.1],
            [118.7, 32.0],
          ],
        ],
      },
    },
  ],
});
const ROAD = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { name: '测试路', class: 'residential' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [118.78, 32.04],
          [118.79, 32.04],
        ],
      },
    },
  ],
});

async function call(who: string, method: string, path: string, body?: string) {
  const res = await fetch(`${app.url}/api/v1${path}`, {
    method,
    headers: {
      cookie: cookies[who] ?? '',
      ...(body === undefined ? {} : { 'content-type': 'application/octet-stream' }),
    },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : null) as Json };
}
const count = async (table: string) =>
  ((await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0] as { n: number }).n;

beforeAll(async () => {
  app = await startTestApp();
  for (const [name, role] of [
    ['admin', 'admin'],
    ['planner', 'planner'],
    ['office', 'grid_office'],
    ['leader', 'leader'],
  ] as const)
    cookies[name] = await app.as(`roles-${name}`, role);
});
afterAll(async () => app?.dispose());

describe('import by role and layer', () => {
  it('when a planner imports incidents and the grid office an administrative area, then both go in', async () => {
    const [incidents, areas] = [await count('incident'), await count('admin_area')];
    const a = await call('planner', 'POST', '/import?format=csv&layer=incidents&name=calls.csv', CSV);
    expect(a.status, JSON.stringify(a.json)).toBe(201);
    expect(a.json.imported).toEqual({ incidents: 2 });
    const b = await call('office', 'POST', '/import?format=geojson&layer=admin-areas&name=region.geojson', REGION);
    expect(b.status, JSON.stringify(b.json)).toBe(201);
    expect([await count('incident'), await count('admin_area')]).toEqual([incidents + 2, areas + 1]);
  });

  it('when a role imports into a layer it does not keep, then 403 names the layer, and nothing is written', async () => {
    const before = [await count('road'), await count('incident'), await count('import_batch')];
    for (const [who, query, body, layer] of [
      ['planner', 'format=geojson&layer=roads', ROAD, 'roads'],
      ['office', 'format=csv&layer=incidents', CSV, 'incidents'],
      ['office', 'format=csv&layer=incidents&dry_run=true', CSV, 'incidents'],
    ] as const) {
      const r = await call(who, 'POST', `/import?${query}`, body);
      expect(r.status, `${who} ${layer}: ${JSON.stringify(r.json)}`).toBe(403);
      expect(r.json.code).toBe('import.layer_not_allowed');
      expect(r.json.errors[0].message).toContain(layer);
    }
    // A leader has no door at all: the route's own permission.
    const leader = await call('leader', 'POST', '/import?format=csv&layer=incidents', CSV);
    expect([leader.status, leader.json.code]).toEqual([403, 'auth.forbidden']);
    expect([await count('road'), await count('incident'), await count('import_batch')]).toEqual(before);
  });

  it("when a planner lists and undoes batches, then they see and undo only their own; the admin's stay", async () => {
    const mine = await call('planner', 'POST', '/import?format=csv&layer=incidents&name=mine.csv', csv(11));
    const admins = await call('admin', 'POST', '/import?format=csv&layer=incidents&name=admins.csv', csv(12));
    expect([mine.json.imported, admins.json.imported]).toEqual([{ incidents: 2 }, { incidents: 2 }]);
    expect([mine.status, admins.status]).toEqual([201, 201]);
    const listed = await call('planner', 'GET', '/import/batches?limit=200');
    expect(listed.status).toBe(200);
    const actors = new Set((listed.json.batches as Json[]).map((b) => b.actor));
    expect([...actors]).toEqual(['roles-planner']);
    const all = await call('admin', 'GET', '/import/batches?limit=200');
    expect(new Set((all.json.batches as Json[]).map((b) => b.actor))).toEqual(
      new Set(['roles-planner', 'roles-office', 'roles-admin']),
    );
    const n = await count('incident');
    const refused = await call('planner', 'DELETE', `/import/batches/${admins.json.batchId}`);
    expect([refused.status, refused.json.code]).toEqual([403, 'import.not_own_batch']);
    expect(await count('incident')).toBe(n);
    const undone = await call('planner', 'DELETE', `/import/batches/${mine.json.batchId}`);
    expect(undone.status, JSON.stringify(undone.json)).toBe(200);
    expect(await count('incident')).toBe(n - 2);
  });
});
