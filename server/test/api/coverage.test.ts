import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertFeatures } from '../../src/db/bulk-insert.js';
import { LAYERS } from '../../src/db/layers.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
type Json = Record<string, any>; // test-only escape: bodies are checked field by field below

const box = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon' as const, coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
});

beforeAll(async () => {
  app = await startTestApp();
  // Two grids side by side along an east–west street at 32.04 N; a camera in grid A looks east along it,
  // a second (faulty) camera in grid B; a building south of the street that hides nothing of it.
  await app.db.transaction(async (tx) => {
    await insertFeatures(tx, LAYERS['admin-areas'], [
      { geometry: box(118.77, 32.03, 118.79, 32.05), properties: { code: '320100000000', level: 'region', name: '南京市' } },
      { geometry: box(118.77, 32.03, 118.79, 32.05), properties: { code: '320102000000', level: 'district', name: '玄武区', parent_code: '320100000000' } },
      { geometry: box(118.77, 32.03, 118.79, 32.05), properties: { code: '320102001000', level: 'township', name: '街道', parent_code: '320102000000' } },
      { geometry: box(118.77, 32.03, 118.79, 32.05), properties: { code: '320102001001', level: 'community', name: '社区', parent_code: '320102001000' } },
    ]);
    await insertFeatures(tx, LAYERS.grids, [
      { geometry: box(118.77, 32.03, 118.78, 32.05), properties: { code: '320102001001001', name: 'A', community_code: '320102001001', district_code: '320102000000' } },
      { geometry: box(118.78, 32.03, 118.79, 32.05), properties: { code: '320102001001002', name: 'B', community_code: '320102001001', district_code: '320102000000' } },
    ]);
    await insertFeatures(tx, LAYERS.roads, [
      { geometry: { type: 'LineString', coordinates: [[118.77, 32.04], [118.79, 32.04]] }, properties: { road_class: 'primary', speed_kmh: 50 } },
    ]);
    await insertFeatures(tx, LAYERS.buildings, [{ geometry: box(118.7752, 32.0390, 118.7760, 32.0396), properties: { height_m: 12 } }]);
    await insertFeatures(tx, LAYERS.cameras, [
      { geometry: { type: 'Point', coordinates: [118.775, 32.04] }, properties: { heading_deg: 90, fov_deg: 60, range_m: 80, status: 'working', networked: false } },
      { geometry: { type: 'Point', coordinates: [118.785, 32.04] }, properties: { heading_deg: 90, fov_deg: 60, range_m: 80, status: 'faulty' } },
    ]);
  });
});
afterAll(async () => app?.dispose());

describe('coverage analysis API', () => {
  it('when coverage per grid is asked, then grid A has the working camera\'s 80 m of street and B none; B\'s only camera is faulty', async () => {
    const r = await app.call('GET', '/api/v1/analysis/coverage?area=grid');
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const rows = new Map(((r.json as Json).rows as Json[]).map((row) => [row.areaId, row]));
    const a = rows.get('320102001001001')!, b = rows.get('320102001001002')!;
    // Reference: each grid holds half of the street (PostGIS geography length).
    const [ref] = await app.db.query<{ half: number }>(
      `SELECT ST_Length(ST_Intersection(r.geom, g.geom)::geography) AS half FROM road r, grid g WHERE g.code = '320102001001001'`);
    expect(a.roadMeters).toBeCloseTo(ref!.half, 0);
    expect(a.seenMeters).toBeCloseTo(80, 0);
    expect(a.networkedSeenMeters).toBe(0); // the working camera is not networked
    expect(b.seenMeters).toBe(0);
    expect([a.cameras, a.workingRate, a.networkedRate]).toEqual([1, 1, 0]);
    expect([b.cameras, b.workingRate, b.networkedRate]).toEqual([1, 0, 1]);
    expect((r.json as Json).targets.workingRate).toBe(0.98);
  });

  it('when camera views are asked for a box, then each camera has a view polygon with its area', async () => {
    const r = await app.call('GET', '/api/v1/analysis/camera-views?bbox=118.77,32.03,118.79,32.05');
    expect(r.status).toBe(200);
    const fc = r.json as Json;
    expect(fc.features).toHaveLength(2);
    const sector = Math.PI * 80 ** 2 * (60 / 360);
    for (const f of fc.features as Json[]) expect(f.properties.area_m2 / sector).toBeGreaterThan(0.99);
  });

  it('when blind spots are asked, then each grid\'s unseen road is its road minus what working cameras see, and cells add up', async () => {
    const cov = new Map((((await app.call('GET', '/api/v1/analysis/coverage?area=grid')).json as Json).rows as Json[]).map((r) => [r.areaId, r]));
    const r = await app.call('GET', '/api/v1/analysis/blind-spots');
    expect(r.status).toBe(200);
    const spans = (r.json as Json).features as Json[];
    for (const code of ['320102001001001', '320102001001002']) {
      const unseen = spans.filter((f) => f.properties.grid_code === code).reduce((a, f) => a + f.properties.meters, 0);
      expect(unseen, `grid ${code}`).toBeCloseTo(cov.get(code)!.roadMeters - cov.get(code)!.seenMeters, 6);
    }
    // Grid A: unseen west of the camera (118.770–118.775) and east of its 80 m of view.
    const a = spans.filter((f) => f.properties.grid_code === '320102001001001').map((f) => f.geometry.coordinates);
    expect(a[0][0][0]).toBeCloseTo(118.77, 9);
    expect(a[0][1][0]).toBeCloseTo(118.775, 9);
    expect(r.headers.get('content-type')).toMatch(/geo\+json/);
    const oneGrid = (await app.call('GET', '/api/v1/analysis/blind-spots?code=320102001001002')).json as Json;
    expect(oneGrid.features.every((f: Json) => f.properties.grid_code === '320102001001002')).toBe(true);
    const cells = (await app.call('GET', '/api/v1/analysis/blind-spot-cells?res=10')).json as Json[];
    expect(cells.reduce((t, c) => t + c.meters, 0)).toBeCloseTo(spans.reduce((t, f) => t + f.properties.meters, 0), 6);
    expect((await app.call('GET', '/api/v1/analysis/blind-spots?code=12')).status).toBe(400);
  });

  it('when the box is too large, then it is refused naming the bbox', async () => {
    const r = await app.call('GET', '/api/v1/analysis/camera-views?bbox=118,32,119,33');
    expect(r.status).toBe(400);
    expect((r.json as Json).errors[0].path).toBe('query.bbox');
  });
});
