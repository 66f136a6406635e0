import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** The header's area name, demo flag and credited sources (GET /region), and GeoJSON posted as application/geo+json. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.dispose());

// biome-ignore lint/suspicious/noExplicitAny: test-only escape, response bodies are read field by field and checked by the assertions themselves
type Json = Record<string, any>;

const square = (x: number, y: number, d: number) => ({
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

describe('region and GeoJSON content type', () => {
  it('when the database is empty, then no area is named and nothing is credited', async () => {
    const r = await app.call('GET', '/api/v1/region');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ area: null, demo: false, sources: [] });
  });

  it('when a Feature is posted as application/geo+json, then it is created like application/json', async () => {
    for (const [code, level, name, parent, type] of [
      ['170000000000', 'region', 'Illinois', null, 'application/geo+json'],
      ['170310000000', 'district', 'Cook County', '170000000000', 'application/geo+json; charset=utf-8'],
      ['170310001000', 'township', 'Chicago', '170310000000', 'application/json'],
    ] as const) {
      const r = await app.call(
        'POST',
        '/api/v1/admin-areas',
        {
          type: 'Feature',
          geometry: square(-87.7, 41.8, 0.05),
          properties: { code, level, name, parent_code: parent },
        },
        { 'content-type': type },
      );
      expect(r.status, `${type}: ${JSON.stringify(r.json)}`).toBe(201);
      expect((r.json as Json).properties.name).toBe(name);
    }
    const [row] = await app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM admin_area WHERE code IN ('170000000000', '170310000000', '170310001000')`,
    );
    expect(row?.n).toBe(3);
  });

  it('when the data is an imported district, then its name is the area, it is not the demo city, and OSM is credited only with OSM rows', async () => {
    const [district] = await app.db.query<{ code: string; name: string }>(
      `SELECT code, name FROM admin_area WHERE level = 'district'`,
    );
    let r = await app.call('GET', '/api/v1/region');
    expect(r.json).toEqual({ area: { ...district, level: 'district' }, demo: false, sources: [] });
    const road = await app.call(
      'POST',
      '/api/v1/roads',
      {
        type: 'Feature',
        geometry: {
          type: 'LineString',
          coordinates: [
            [-87.69, 41.81],
            [-87.68, 41.81],
          ],
        },
        properties: { road_class: 'residential', speed_kmh: 30, osm_id: 123456 },
      },
      { 'content-type': 'application/geo+json' },
    );
    expect(road.status, JSON.stringify(road.json)).toBe(201);
    r = await app.call('GET', '/api/v1/region');
    expect((r.json as Json).sources).toEqual(['openstreetmap']);
  });

  it('when the demo loader wrote the demo district, then the area is marked as the demo city', async () => {
    await app.db.query(
      `INSERT INTO admin_area (code, level, name, parent_code, district_code, geom)
       VALUES ('320100000000', 'region', '南京市', NULL, NULL, ST_Multi(ST_MakeEnvelope(118.7, 32.0, 118.9, 32.1, 4326))),
              ('320102000000', 'district', '玄武区', '320100000000', '320102000000',
               ST_Multi(ST_MakeEnvelope(118.75, 32.02, 118.82, 32.06, 4326)))`,
    );
    // Two districts: the region holding them is named, and it is not the demo's district.
    let r = await app.call('GET', '/api/v1/region');
    expect((r.json as Json).area).toEqual({ code: '170000000000', name: 'Illinois', level: 'region' });
    await app.db.query(`DELETE FROM road`);
    await app.db.query(`DELETE FROM admin_area WHERE code LIKE '17%'`);
    r = await app.call('GET', '/api/v1/region');
    expect(r.json).toEqual({
      area: { code: '320102000000', name: '玄武区', level: 'district' },
      demo: false,
      sources: [],
    });
    await app.db.query(
      `INSERT INTO audit_log (actor, entity, action, after) VALUES ('demo-city', 'demo_city', 'import', '{}'::jsonb)`,
    );
    r = await app.call('GET', '/api/v1/region');
    expect((r.json as Json).demo).toBe(true);
  });
});
