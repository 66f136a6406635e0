import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAYERS } from '../../src/contract/layers.js';
import { insertFeatures } from '../../src/db/bulk-insert.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** The planner fence on beat imports (issue 16): a planner's file may only hold their own station's beats. */
type Json = Record<string, any>; // test-only escape: bodies are checked field by field below

let app: TestApp;
let own: number;
let other: number;
let planner: string;

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
const beat = (code: string, stationId: number, geometry: ReturnType<typeof box>) => ({
  type: 'Feature',
  geometry,
  properties: { code, name: code, station_id: stationId, district_code: '320102000000' },
});

const snapshot = () =>
  app.db.query<{ code: string; station_id: number; wkt: string }>(
    'SELECT code, station_id::int AS station_id, ST_AsText(geom) AS wkt FROM beat ORDER BY code',
  );

async function upload(cookie: string, path: string, features: unknown[]) {
  const res = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/octet-stream' },
    body: JSON.stringify({ type: 'FeatureCollection', features }),
  });
  return { status: res.status, json: (await res.json()) as Json, type: res.headers.get('content-type') ?? '' };
}

beforeAll(async () => {
  app = await startTestApp();
  await app.db.transaction(async (tx) => {
    await insertFeatures(tx, LAYERS.stations, [
      {
        geometry: { type: 'Point', coordinates: [118.775, 32.035] },
        properties: { code: 'S1', name: '一所', district_code: '320102000000' },
      },
      {
        geometry: { type: 'Point', coordinates: [118.795, 32.035] },
        properties: { code: 'S2', name: '二所', district_code: '320102000000' },
      },
    ]);
  });
  const ids = await app.db.query<{ id: number }>('SELECT id::int AS id FROM station ORDER BY code');
  own = ids[0]?.id ?? 0;
  other = ids[1]?.id ?? 0;
  await app.db.transaction(async (tx) => {
    await insertFeatures(tx, LAYERS.beats, [
      { geometry: box(118.77, 32.03, 118.78, 32.04), properties: beat('B1', own, box(0, 0, 0, 0)).properties },
      { geometry: box(118.79, 32.03, 118.8, 32.04), properties: beat('B2', other, box(0, 0, 0, 0)).properties },
    ]);
  });
  planner = await app.as('fence-planner', 'planner', own);
});
afterAll(async () => app?.dispose());

describe('beat imports are fenced for planners', () => {
  it('when a planner imports beats of their own station on free ground, then they are imported', async () => {
    const r = await upload(planner, '/api/v1/import/beats?format=geojson', [
      beat('B3', own, box(118.77, 32.04, 118.78, 32.05)),
    ]);
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json.imported).toEqual({ beats: 1 });
    expect((await snapshot()).map((b) => b.code)).toEqual(['B1', 'B2', 'B3']);
  });

  it("when a planner's file holds another station's beat, a shape reaching into one, or its code, then 403 names those rows and nothing changes", async () => {
    const before = await snapshot();
    const r = await upload(planner, '/api/v1/import/beats?format=geojson', [
      beat('B4', own, box(118.78, 32.04, 118.79, 32.05)), // feature 0: fine on its own
      beat('B5', other, box(118.78, 32.05, 118.79, 32.06)), // another station's beat
      beat('B6', own, box(118.785, 32.03, 118.795, 32.04)), // reaches into B2 (station 2)
      beat('B2', own, box(118.8, 32.05, 118.81, 32.06)), // takes station 2's beat code
    ]);
    expect(r.status, JSON.stringify(r.json)).toBe(403);
    expect(r.type).toMatch(/application\/problem\+json/);
    expect(r.json.code).toBe('scope.other_station');
    const named = (r.json.errors as { path: string; message: string }[]).map((e) => e.path);
    expect(new Set(named)).toEqual(new Set(['feature 1', 'feature 2', 'feature 3']));
    expect((r.json.errors as { message: string }[]).some((e) => /B2 \(station/.test(e.message))).toBe(true);
    expect(await snapshot()).toEqual(before);
  });

  it('when a planner uses the general import, then beats are fenced the same way and layers not theirs are refused', async () => {
    const before = await snapshot();
    const foreign = await upload(planner, '/api/v1/import?format=geojson&layer=beats', [
      beat('B7', other, box(118.8, 32.06, 118.81, 32.07)),
    ]);
    expect([foreign.status, foreign.json.code]).toEqual([403, 'scope.other_station']);
    const stations = await upload(planner, '/api/v1/import?format=geojson&layer=stations', [
      {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [118.8, 32.06] },
        properties: { code: 'S9', name: '九所', district_code: '320102000000' },
      },
    ]);
    expect([stations.status, stations.json.code]).toEqual([403, 'import.layer_not_allowed']);
    expect(await snapshot()).toEqual(before);
    const ownBeat = await upload(planner, '/api/v1/import?format=geojson&layer=beats', [
      beat('B7', own, box(118.8, 32.06, 118.81, 32.07)),
    ]);
    expect(ownBeat.status, JSON.stringify(ownBeat.json)).toBe(201);
    expect(ownBeat.json.imported).toEqual({ beats: 1 });
  });

  it('when an admin imports beats of any station, then the fence does not apply', async () => {
    const r = await upload(app.cookie, '/api/v1/import/beats?format=geojson', [
      beat('B8', other, box(118.79, 32.04, 118.8, 32.05)),
    ]);
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json.imported).toEqual({ beats: 1 });
  });

  it('when a planner tied to no station imports beats, then it is refused and nothing changes', async () => {
    const loose = await app.as('fence-loose', 'planner', null);
    const before = await snapshot();
    const r = await upload(loose, '/api/v1/import/beats?format=geojson', [
      beat('B9', own, box(118.81, 32.06, 118.82, 32.07)),
    ]);
    expect(r.status).toBe(403);
    expect(r.json.code).toBe('scope.no_station');
    expect(await snapshot()).toEqual(before);
  });
});
