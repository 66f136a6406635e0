import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import { LAYER_NAMES } from '../../src/contract/layers.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.dispose());

// biome-ignore lint/suspicious/noExplicitAny: test-only escape, response bodies are read field by field and checked by the assertions themselves
type Json = Record<string, any>;

const square = (x: number, y: number, d = 0.001) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ],
  ],
});

async function counts(table: string): Promise<{ rows: number; audit: number }> {
  const [r] = await app.db.query<{ rows: number; audit: number }>(
    `SELECT (SELECT count(*) FROM ${table}) AS rows, (SELECT count(*) FROM audit_log) AS audit`,
  );
  return r!;
}

async function seedAdmin(): Promise<void> {
  for (const [code, level, name, parent] of [
    ['320100000000', 'region', '南京市', null],
    ['320102000000', 'district', '玄武区', '320100000000'],
    ['320102001000', 'township', '梅园新村街道', '320102000000'],
    ['320102001001', 'community', '长江新村社区', '320102001000'],
  ] as const) {
    const r = await app.call('POST', '/api/v1/admin-areas', {
      type: 'Feature',
      geometry: square(118.78, 32.04, 0.01),
      properties: { code, level, name, parent_code: parent },
    });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
  }
}

describe('feature API', () => {
  it('when a grid is created, read, edited and deleted, then each step answers as GeoJSON and leaves an audit row', async () => {
    await seedAdmin();
    const created = await app.call(
      'POST',
      '/api/v1/grids',
      {
        type: 'Feature',
        geometry: square(118.781, 32.041),
        properties: {
          code: '320102001001001',
          name: '长江新村第一网格',
          community_code: '320102001001',
          district_code: '320102000000',
          households: 420,
          population: 1090,
          worker_name: '王芳',
          worker_phone: '13800000000',
        },
      },
      { cookie: await app.as('clerk-li', 'grid_office') },
    );
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const grid = created.json as Json;
    expect(created.headers.get('location')).toBe(`/api/v1/grids/${grid.id}`);
    expect(grid.properties).toMatchObject({ code: '320102001001001', kind: 'basic', version: 1, households: 420 });
    // Geometry as PostGIS stores it (a Polygon arrives as a MultiPolygon).
    const [stored] = await app.db.query<{ g: unknown }>(
      'SELECT ST_AsGeoJSON(geom)::json AS g FROM grid WHERE id = $1',
      [grid.id],
    );
    expect(grid.geometry).toEqual(stored?.g);
    expect((grid.geometry as Json).type).toBe('MultiPolygon');

    const edited = await app.call(
      'PATCH',
      `/api/v1/grids/${grid.id}`,
      { version: 1, properties: { households: 450 } },
      { cookie: await app.as('clerk-li', 'grid_office') },
    );
    expect(edited.status, JSON.stringify(edited.json)).toBe(200);
    expect((edited.json as Json).properties).toMatchObject({ households: 450, version: 2 });

    const audit = await app.db.query<{ actor: string; action: string; before: Json | null; after: Json | null }>(
      `SELECT actor, action, before, after FROM audit_log WHERE entity = 'grid' ORDER BY id`,
    );
    expect(audit.map((a) => [a.actor, a.action])).toEqual([
      ['clerk-li', 'create'],
      ['clerk-li', 'update'],
    ]);
    expect(audit[1]?.before?.properties.households).toBe(420);
    expect(audit[1]?.after?.properties.households).toBe(450);

    const gone = await app.call('DELETE', `/api/v1/grids/${grid.id}`, undefined, { 'if-match': '"2"' });
    expect(gone.status).toBe(204);
    expect((await app.call('GET', `/api/v1/grids/${grid.id}`)).status).toBe(404);
    expect((await counts('grid')).rows).toBe(0);
  });

  it('when two clients edit the same grid from version 1, then one wins, the other gets 409 with the current version, nothing is lost', async () => {
    const g = (
      await app.call('POST', '/api/v1/grids', {
        type: 'Feature',
        geometry: square(118.782, 32.042),
        properties: {
          code: '320102001001002',
          name: '第二网格',
          community_code: '320102001001',
          district_code: '320102000000',
        },
      })
    ).json as Json;
    const [a, b] = await Promise.all([
      app.call('PATCH', `/api/v1/grids/${g.id}`, { version: 1, properties: { worker_name: '甲' } }),
      app.call('PATCH', `/api/v1/grids/${g.id}`, { version: 1, properties: { households: 99 } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = (a.status === 409 ? a : b).json as Json;
    expect(loser.currentVersion).toBe(2);
    expect(loser.errors[0].path).toBe('version');
    const now = (await app.call('GET', `/api/v1/grids/${g.id}`)).json as Json;
    expect(now.properties.version).toBe(2);
    // The winner's change is there; the loser's is not half-applied.
    const winnerSetName = a.status === 200;
    expect(now.properties.worker_name).toBe(winnerSetName ? '甲' : null);
    expect(now.properties.households).toBe(winnerSetName ? 0 : 99);
  });

  it('when listing with bbox, a filter and paging, then only matching features come back with counts and a next link', async () => {
    const body = (lon: number, lat: number, status: string) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [lon, lat] },
      properties: { status, heading_deg: 90 },
    });
    for (let i = 0; i < 5; i++)
      expect(
        (await app.call('POST', '/api/v1/cameras', body(118.79 + i * 0.001, 32.05, i % 2 ? 'faulty' : 'working')))
          .status,
      ).toBe(201);
    expect((await app.call('POST', '/api/v1/cameras', body(100, 30, 'working'))).status).toBe(201);
    const all = (await app.call('GET', '/api/v1/cameras?bbox=118.7,32.0,118.9,32.1')).json as Json;
    expect(all.numberMatched).toBe(5);
    const working = (await app.call('GET', '/api/v1/cameras?bbox=118.7,32.0,118.9,32.1&status=working&limit=2'))
      .json as Json;
    expect(working.numberMatched).toBe(3);
    expect(working.numberReturned).toBe(2);
    expect(working.links[0].href).toContain('offset=2');
    const cam = working.features[0] as Json;
    const [lon, lat] = cam.geometry.coordinates as [number, number];
    expect(cam.properties.h3_r9).toBe(latLngToCell(lat, lon, 9));
    const page2 = (await app.call('GET', `/api/v1/cameras?bbox=118.7,32.0,118.9,32.1&status=working&limit=2&offset=2`))
      .json as Json;
    expect(page2.numberReturned).toBe(1);
    expect(page2.links).toEqual([]);
  });

  it('when a camera moves, then its h3 cells move with it', async () => {
    const c = (
      await app.call('POST', '/api/v1/cameras', {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [118.8, 32.06] },
        properties: {},
      })
    ).json as Json;
    const moved = (
      await app.call('PATCH', `/api/v1/cameras/${c.id}`, {
        version: 1,
        geometry: { type: 'Point', coordinates: [118.81, 32.07] },
      })
    ).json as Json;
    expect(moved.properties.h3_r10).toBe(latLngToCell(32.07, 118.81, 10));
  });

  const bad: [string, string, unknown, number, string][] = [
    [
      'a self-intersecting polygon',
      '/api/v1/buildings',
      {
        type: 'Feature',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 1],
              [1, 0],
              [0, 1],
              [0, 0],
            ],
          ],
        },
        properties: {},
      },
      422,
      'geometry',
    ],
    [
      'an unclosed ring',
      '/api/v1/buildings',
      {
        type: 'Feature',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 1],
            ],
          ],
        },
        properties: {},
      },
      400,
      'geometry.coordinates[0]',
    ],
    [
      'NaN in a coordinate',
      '/api/v1/cameras',
      '{"type":"Feature","geometry":{"type":"Point","coordinates":[NaN,32]},"properties":{}}',
      400,
      'body',
    ],
    [
      'a coordinate as a string',
      '/api/v1/cameras',
      { type: 'Feature', geometry: { type: 'Point', coordinates: ['118.8', 32] }, properties: {} },
      400,
      'geometry.coordinates[0]',
    ],
    [
      'longitude out of range',
      '/api/v1/cameras',
      { type: 'Feature', geometry: { type: 'Point', coordinates: [218.8, 32] }, properties: {} },
      400,
      'geometry.coordinates[0]',
    ],
    [
      'a 3D position',
      '/api/v1/cameras',
      { type: 'Feature', geometry: { type: 'Point', coordinates: [118.8, 32, 10] }, properties: {} },
      400,
      'geometry.coordinates',
    ],
    [
      'the wrong geometry type',
      '/api/v1/roads',
      {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [118.8, 32] },
        properties: { road_class: 'primary', speed_kmh: 50 },
      },
      400,
      'geometry.type',
    ],
    [
      'an empty polygon',
      '/api/v1/grids',
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: [] }, properties: {} },
      400,
      'geometry.coordinates',
    ],
    [
      'a field of view over 360°',
      '/api/v1/cameras',
      { type: 'Feature', geometry: { type: 'Point', coordinates: [118.8, 32] }, properties: { fov_deg: 400 } },
      400,
      'properties.fov_deg',
    ],
    [
      'an unknown property',
      '/api/v1/posts',
      {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [118.8, 32] },
        properties: { name: '岗亭', colour: 'red' },
      },
      400,
      'properties',
    ],
    [
      'a beat for a station that does not exist',
      '/api/v1/beats',
      {
        type: 'Feature',
        geometry: square(118.78, 32.04),
        properties: { code: 'B01', name: '一号警格', station_id: 999999, district_code: '320102000000' },
      },
      422,
      'properties.station_id',
    ],
  ];
  it.each(bad)(
    'when the body has %s, then it is refused as problem+json naming the field and nothing is written',
    async (_what, path, body, status, field) => {
      const table = (
        {
          '/api/v1/buildings': 'building',
          '/api/v1/cameras': 'camera',
          '/api/v1/roads': 'road',
          '/api/v1/grids': 'grid',
          '/api/v1/posts': 'post',
          '/api/v1/beats': 'beat',
        } as Record<string, string>
      )[path]!;
      const before = await counts(table);
      const r = await app.call('POST', path, body);
      expect(r.status, JSON.stringify(r.json)).toBe(status);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      const problem = r.json as Json;
      expect(problem.status).toBe(status);
      expect(
        (problem.errors as Json[]).map((e) => e.path),
        JSON.stringify(problem.errors),
      ).toContain(field);
      expect(await counts(table)).toEqual(before);
    },
  );

  it('when a grid code is taken, then the second create gets 409 naming the code', async () => {
    const body = {
      type: 'Feature',
      geometry: square(118.783, 32.043),
      properties: {
        code: '320102001001009',
        name: '九',
        community_code: '320102001001',
        district_code: '320102000000',
      },
    };
    expect((await app.call('POST', '/api/v1/grids', body)).status).toBe(201);
    const again = await app.call('POST', '/api/v1/grids', body);
    expect(again.status).toBe(409);
    expect((again.json as Json).errors[0].path).toBe('properties.code');
  });

  it('when an edit carries no version, then it is refused with 400', async () => {
    const c = (
      await app.call('POST', '/api/v1/cameras', {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [118.8, 32.06] },
        properties: {},
      })
    ).json as Json;
    const r = await app.call('PATCH', `/api/v1/cameras/${c.id}`, { properties: { status: 'faulty' } });
    expect(r.status).toBe(400);
    expect((r.json as Json).errors[0].path).toBe('version');
  });
});

describe('OpenAPI document', () => {
  it('when fetched, then it is OpenAPI 3.1 and lists every layer path with its methods', async () => {
    const r = await app.call('GET', '/api/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.json as Json;
    expect(doc.openapi).toBe('3.1.0');
    for (const name of LAYER_NAMES) {
      expect(Object.keys(doc.paths[`/api/v1/${name}`] ?? {}).sort(), name).toEqual(['get', 'post']);
      expect(Object.keys(doc.paths[`/api/v1/${name}/{id}`] ?? {}).sort(), name).toEqual(['delete', 'get', 'patch']);
    }
    expect(doc.paths['/api/v1/health']).toBeDefined();
    expect(doc.components.schemas.Problem).toBeDefined();
  });

  it('when fetched, then every JSON answer has its schema (files, tiles and streams their media type; 204 nothing)', async () => {
    const doc = (await app.call('GET', '/api/openapi.json')).json as Json;
    const missing: string[] = [];
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      for (const [method, op] of Object.entries(item as Json)) {
        for (const [status, answer] of Object.entries((op as Json).responses as Json)) {
          if (!/^2\d\d$/.test(status) || status === '204') continue;
          checked++;
          const route = `${method} ${path}`;
          const content = Object.entries((answer as Json).content ?? {});
          if (content.length === 0) missing.push(`${route} ${status}: no content`);
          for (const [type, media] of content) {
            const schema = (media as Json).schema;
            if (!schema || Object.keys(schema).length === 0) missing.push(`${route} ${status} ${type}: no schema`);
            else if (/^application\/(.+\+)?json/.test(type) && schema.type === 'string')
              missing.push(`${route} ${status} ${type}: JSON answer documented as bytes`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(missing).toEqual([]);
    // The plan answers, which had none, are the contract's (server/src/contract/plan-answers.ts).
    expect(
      doc.paths['/api/v1/plans'].get.responses['200'].content['application/json'].schema.properties.plans,
    ).toBeDefined();
    expect(
      doc.paths['/api/v1/plans/{id}/apply'].post.responses['200'].content['application/json'].schema.required,
    ).toEqual(['beats', 'plan']);
  });

  it('when fetched, then the coverage and routing endpoints are listed with the bounds their validators enforce', async () => {
    const doc = (await app.call('GET', '/api/openapi.json')).json as Json;
    for (const p of [
      '/api/v1/analysis/coverage',
      '/api/v1/analysis/blind-spot-cells',
      '/api/v1/routing/isochrone',
      '/api/v1/routing/reach',
    ]) {
      expect(Object.keys(doc.paths[p] ?? {}), p).toEqual(['get']);
    }
    for (const p of ['/api/v1/analysis/placement', '/api/v1/analysis/placement/accept', '/api/v1/routing/patrol']) {
      expect(Object.keys(doc.paths[p] ?? {}), p).toEqual(['post']);
    }
    const k = doc.paths['/api/v1/analysis/placement'].post.requestBody.content['application/json'].schema.properties.k;
    expect([k.minimum, k.maximum]).toEqual([1, 200]);
    // And the server enforces the same bound.
    const r = await app.call('POST', '/api/v1/analysis/placement', { k: 201 });
    expect(r.status).toBe(400);
    expect((r.json as Json).errors[0].path).toBe('k');
  });
});
