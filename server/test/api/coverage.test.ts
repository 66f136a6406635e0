import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertFeatures } from '../../src/db/bulk-insert.js';
import { LAYERS } from '../../src/contract/layers.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
// biome-ignore lint/suspicious/noExplicitAny: test-only escape, bodies are checked field by field below
type Json = Record<string, any>;

const box = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});

beforeAll(async () => {
  app = await startTestApp();
  // Two grids side by side along an east–west street at 32.04 N; a camera in grid A looks east along it,
  // a second (faulty) camera in grid B; a building south of the street that hides nothing of it.
  await app.db.transaction(async (tx) => {
    await insertFeatures(tx, LAYERS['admin-areas'], [
      {
        geometry: box(118.77, 32.03, 118.79, 32.05),
        properties: { code: '320100000000', level: 'region', name: '南京市' },
      },
      {
        geometry: box(118.77, 32.03, 118.79, 32.05),
        properties: { code: '320102000000', level: 'district', name: '玄武区', parent_code: '320100000000' },
      },
      {
        geometry: box(118.77, 32.03, 118.79, 32.05),
        properties: { code: '320102001000', level: 'township', name: '街道', parent_code: '320102000000' },
      },
      {
        geometry: box(118.77, 32.03, 118.79, 32.05),
        properties: { code: '320102001001', level: 'community', name: '社区', parent_code: '320102001000' },
      },
    ]);
    await insertFeatures(tx, LAYERS.grids, [
      {
        geometry: box(118.77, 32.03, 118.78, 32.05),
        properties: {
          code: '320102001001001',
          name: 'A',
          community_code: '320102001001',
          district_code: '320102000000',
        },
      },
      {
        geometry: box(118.78, 32.03, 118.79, 32.05),
        properties: {
          code: '320102001001002',
          name: 'B',
          community_code: '320102001001',
          district_code: '320102000000',
        },
      },
    ]);
    await insertFeatures(tx, LAYERS.roads, [
      {
        geometry: {
          type: 'LineString',
          coordinates: [
            [118.77, 32.04],
            [118.79, 32.04],
          ],
        },
        properties: { road_class: 'primary', speed_kmh: 50 },
      },
    ]);
    await insertFeatures(tx, LAYERS.buildings, [
      { geometry: box(118.7752, 32.039, 118.776, 32.0396), properties: { height_m: 12 } },
    ]);
    // A school gate 10 m north of the street inside camera A's view, a market in grid B nobody sees.
    await insertFeatures(tx, LAYERS['key-places'], [
      { geometry: { type: 'Point', coordinates: [118.7755, 32.04009] }, properties: { kind: 'school', name: '小学' } },
      { geometry: box(118.7855, 32.041, 118.786, 32.0415), properties: { kind: 'market', name: '菜场' } },
    ]);
    await insertFeatures(tx, LAYERS.cameras, [
      {
        geometry: { type: 'Point', coordinates: [118.775, 32.04] },
        properties: { heading_deg: 90, fov_deg: 60, range_m: 80, status: 'working', networked: false },
      },
      {
        geometry: { type: 'Point', coordinates: [118.785, 32.04] },
        properties: { heading_deg: 90, fov_deg: 60, range_m: 80, status: 'faulty' },
      },
    ]);
  });
});
afterAll(async () => app?.dispose());

describe('coverage analysis API', () => {
  it("when coverage per grid is asked, then grid A has the working camera's 80 m of street and B none; B's only camera is faulty", async () => {
    const r = await app.call('GET', '/api/v1/analysis/coverage?area=grid');
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const rows = new Map(((r.json as Json).rows as Json[]).map((row) => [row.areaId, row]));
    const a = rows.get('320102001001001')!,
      b = rows.get('320102001001002')!;
    // Reference: each grid holds half of the street (PostGIS geography length).
    const [ref] = await app.db.query<{ half: number }>(
      `SELECT ST_Length(ST_Intersection(r.geom, g.geom)::geography) AS half FROM road r, grid g WHERE g.code = '320102001001001'`,
    );
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

  it("when blind spots are asked, then each grid's unseen road is its road minus what working cameras see, and cells add up", async () => {
    const cov = new Map(
      (((await app.call('GET', '/api/v1/analysis/coverage?area=grid')).json as Json).rows as Json[]).map((r) => [
        r.areaId,
        r,
      ]),
    );
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
    expect(cells.reduce((t, c) => t + c.meters, 0)).toBeCloseTo(
      spans.reduce((t, f) => t + f.properties.meters, 0),
      6,
    );
    expect((await app.call('GET', '/api/v1/analysis/blind-spots?code=12')).status).toBe(400);
  });

  it('when the box is too large, then it is refused naming the bbox', async () => {
    const r = await app.call('GET', '/api/v1/analysis/camera-views?bbox=118,32,119,33');
    expect(r.status).toBe(400);
    expect((r.json as Json).errors[0].path).toBe('query.bbox');
  });

  it('when rates are asked, then the school in A is seen, the market in B is not, and open ground is the grids minus the building', async () => {
    const rows = new Map(
      (((await app.call('GET', '/api/v1/analysis/coverage?area=grid')).json as Json).rows as Json[]).map((r) => [
        r.areaId,
        r,
      ]),
    );
    const a = rows.get('320102001001001')!,
      b = rows.get('320102001001002')!;
    expect([a.keyPlaces, a.keyPlacesSeen, a.schools, a.schoolsSeen, a.schoolRate]).toEqual([1, 1, 1, 1, 1]);
    expect([b.keyPlaces, b.keyPlacesSeen, b.schools, b.schoolRate]).toEqual([1, 0, 0, null]);
    const [ref] = await app.db.query<{ open_a: number; sector: number }>(
      `SELECT ST_Area(ST_Difference(g.geom, b.geom)::geography) AS open_a, pi() * 80 ^ 2 / 6 AS sector
       FROM grid g, building b WHERE g.code = '320102001001001'`,
    );
    expect(Math.abs(a.groundM2 - ref!.open_a) / ref!.open_a, 'open ground of A vs PostGIS').toBeLessThan(0.01);
    // Camera A's 60° sector is all open ground (the building is south-west of it).
    expect(Math.abs(a.seenGroundM2 - ref!.sector) / ref!.sector, 'seen ground of A vs its sector').toBeLessThan(0.05);
    const places = (await app.call('GET', '/api/v1/analysis/key-places')).json as Json[];
    expect(places.map((p) => [p.kind, p.seen])).toEqual([
      ['school', true],
      ['market', false],
    ]);
  });

  it('when rates are asked as GeoJSON, then each grid is a feature with its rates as properties', async () => {
    const r = await app.call('GET', '/api/v1/analysis/coverage?area=grid&format=geojson');
    expect(r.headers.get('content-type')).toMatch(/geo\+json/);
    const fc = r.json as Json;
    expect(fc.features.map((f: Json) => f.properties.code).sort()).toEqual(['320102001001001', '320102001001002']);
    const a = fc.features.find((f: Json) => f.id === '320102001001001');
    expect(a.geometry.type).toBe('MultiPolygon');
    expect(a.properties.seenMeters).toBeCloseTo(80, 0);
  });

  it('when a camera is turned, moved and broken through the features API, then the next coverage answer follows each edit', async () => {
    const rates = async () =>
      new Map(
        (((await app.call('GET', '/api/v1/analysis/coverage?area=grid')).json as Json).rows as Json[]).map((r) => [
          r.areaId,
          r,
        ]),
      );
    const [cam] = await app.db.query<{ id: number; version: number }>(
      `SELECT id, version FROM camera WHERE status = 'working'`,
    );
    const patch = async (body: Json) => {
      const [cur] = await app.db.query<{ version: number }>('SELECT version FROM camera WHERE id = $1', [cam!.id]);
      const r = await app.call('PATCH', `/api/v1/cameras/${cam!.id}`, { ...body, version: cur!.version });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
    };
    await patch({ properties: { heading_deg: 270 } }); // looks west: still 80 m of the street in A
    expect((await rates()).get('320102001001001')!.seenMeters).toBeCloseTo(80, 0);
    await patch({ properties: { heading_deg: 0 } }); // looks north, away from the street
    const north = (await rates()).get('320102001001001')!;
    expect(north.seenMeters).toBeLessThan(1);
    expect(north.schoolsSeen).toBe(0); // the gate is 47 m east and 10 m north: outside a 60° view to the north
    await patch({ geometry: { type: 'Point', coordinates: [118.782, 32.04] }, properties: { heading_deg: 90 } }); // into B
    const moved = await rates();
    expect([moved.get('320102001001001')!.cameras, moved.get('320102001001002')!.cameras]).toEqual([0, 2]);
    expect(moved.get('320102001001002')!.seenMeters).toBeCloseTo(80, 0);
    await patch({ properties: { status: 'offline' } });
    expect((await rates()).get('320102001001002')!.seenMeters).toBe(0);
    // Back as it was, for the tests after this one.
    await patch({
      geometry: { type: 'Point', coordinates: [118.775, 32.04] },
      properties: { heading_deg: 90, status: 'working' },
    });
    expect((await rates()).get('320102001001001')!.seenMeters).toBeCloseTo(80, 0);
  });

  it('when 2 cameras are proposed for grid B and accepted, then each adds what it promised and the stored cameras give the "after" rates', async () => {
    const r = await app.call('POST', '/api/v1/analysis/placement', {
      k: 2,
      area: 'grid',
      codes: ['320102001001002'],
      camera: { cameraType: 'bullet', fovDeg: 60, rangeM: 80, spacingM: 50, headings: 4 },
    });
    // Past a few seconds (a loaded machine) the endpoint answers 202 with its job: read the result when it ends.
    if (r.status === 202) {
      const id = (r.json as Json).id as string;
      await (await fetch(`${app.url}/api/v1/jobs/${id}/events`, { headers: { cookie: app.cookie } })).text();
      Object.assign(r, await app.call('GET', `/api/v1/jobs/${id}/result`));
    }
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const p = r.json as Json;
    expect(p.proposals).toHaveLength(2);
    expect(p.candidates).toBeGreaterThan(10);
    const before = p.before[0],
      after = p.after[0];
    expect(before.areaId).toBe('320102001001002');
    expect(after.seenMeters - before.seenMeters).toBeCloseTo(
      p.proposals[0].addedRoadMeters + p.proposals[1].addedRoadMeters,
      6,
    );
    // Each sees 80 m of the unseen primary street (gain 3 × 80); a view that reaches over into A adds less to B itself.
    for (const c of p.proposals) expect(c.marginalGain).toBeCloseTo(240, 3);
    expect(p.proposals[0].addedRoadMeters + p.proposals[1].addedRoadMeters).toBeGreaterThan(100);
    expect(p.proposals[0].marginalGain).toBeGreaterThanOrEqual(p.proposals[1].marginalGain);
    // Nothing changed yet.
    const still = (((await app.call('GET', '/api/v1/analysis/coverage?area=grid')).json as Json).rows as Json[]).find(
      (x) => x.areaId === '320102001001002',
    )!;
    expect(still.seenMeters).toBe(before.seenMeters);
    const { n: auditBefore } = (
      await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'camera'`)
    )[0]!;
    const acc = await app.call(
      'POST',
      '/api/v1/analysis/placement/accept',
      {
        status: 'working',
        cameras: p.proposals.map((c: Json) => ({
          lon: c.lon,
          lat: c.lat,
          headingDeg: c.headingDeg,
          fovDeg: c.fovDeg,
          rangeM: c.rangeM,
          heightM: c.heightM,
          cameraType: c.cameraType,
          name: `补盲 ${c.rank}`,
        })),
      },
      { cookie: await app.as('planner-1', 'planner') },
    );
    expect(acc.status, JSON.stringify(acc.json)).toBe(201);
    expect((acc.json as Json).features).toHaveLength(2);
    const { n: auditAfter } = (
      await app.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'camera' AND actor = 'planner-1'`,
      )
    )[0]!;
    expect(auditAfter).toBe(2);
    const { n: auditTotal } = (
      await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'camera'`)
    )[0]!;
    expect(auditTotal, 'one audit row per accepted camera, no other').toBe(auditBefore + 2);
    const now = (((await app.call('GET', '/api/v1/analysis/coverage?area=grid')).json as Json).rows as Json[]).find(
      (x) => x.areaId === '320102001001002',
    )!;
    expect(now.seenMeters).toBeCloseTo(after.seenMeters, 6);
    // A bad proposal changes nothing.
    const bad = await app.call('POST', '/api/v1/analysis/placement/accept', {
      cameras: [{ lon: 500, lat: 32, headingDeg: 0, fovDeg: 60, rangeM: 80, heightM: 6, cameraType: 'bullet' }],
    });
    expect(bad.status).toBe(400);
    expect((bad.json as Json).errors[0].path).toBe('cameras[0].lon');
    expect((await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM camera'))[0]!.n).toBe(4);
  });

  it('when camera views are asked as a vector tile, then the tile holds one view per camera near it', async () => {
    const z = 16,
      n = 2 ** z,
      x = Math.floor(((118.775 + 180) / 360) * n);
    const lat = (32.04 * Math.PI) / 180,
      y = Math.floor(((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * n);
    const res = await fetch(`${app.url}/api/v1/analysis/camera-views/${z}/${x}/${y}.mvt`, {
      headers: { cookie: app.cookie },
    });
    expect(res.status).toBe(200);
    const { VectorTile } = await import('@mapbox/vector-tile');
    const { PbfReader } = await import('pbf');
    const tile = new VectorTile(new PbfReader(new Uint8Array(await res.arrayBuffer())));
    expect(tile.layers.camera_views!.length).toBeGreaterThanOrEqual(1);
    expect(tile.layers.camera_views!.feature(0).type).toBe(3);
    expect((await app.call('GET', '/api/v1/analysis/camera-views/10/1/1.mvt')).status).toBe(400);
  });
});
