import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import { insertFeatures } from '../../src/db/bulk-insert.js';
import { LAYERS } from '../../src/contract/layers.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  const at = (lon: number, lat: number, time: string, category: string) => ({
    geometry: { type: 'Point' as const, coordinates: [lon, lat] },
    properties: { occurred_at: time, category },
  });
  await app.db.transaction((tx) =>
    insertFeatures(tx, LAYERS.incidents, [
      at(118.78, 32.04, '2026-03-02T20:10:00+08:00', '盗窃'), // Monday 20 h Beijing
      at(118.78, 32.04, '2026-03-02T20:50:00+08:00', '纠纷'),
      at(118.78, 32.04, '2026-03-07T09:00:00+08:00', '盗窃'), // Saturday 9 h
      at(118.8, 32.06, '2026-03-02T04:30:00+08:00', '盗窃'), // Monday 4 h (20:30 UTC the day before)
    ]),
  );
});
afterAll(async () => app?.dispose());

describe('incident cells', () => {
  it('when no filter is set, then counts per res-9 cell match h3-js', async () => {
    const r = await app.call('GET', '/api/v1/incidents/cells?res=9');
    expect(r.status).toBe(200);
    expect(r.json).toEqual(
      [
        { h3: latLngToCell(32.04, 118.78, 9), n: 3 },
        { h3: latLngToCell(32.06, 118.8, 9), n: 1 },
      ].sort((a, b) => (BigInt(`0x${a.h3}`) < BigInt(`0x${b.h3}`) ? -1 : 1)),
    );
  });

  it('when filtered by Beijing hour, weekday and category, then only those incidents count', async () => {
    const evening = (await app.call('GET', '/api/v1/incidents/cells?res=8&hours=20')).json as { n: number }[];
    expect(evening.map((c) => c.n)).toEqual([2]);
    const early = (await app.call('GET', '/api/v1/incidents/cells?res=10&hours=4&weekdays=1')).json as {
      h3: string;
      n: number;
    }[];
    expect(early).toEqual([{ h3: latLngToCell(32.06, 118.8, 10), n: 1 }]);
    const theft = (await app.call('GET', '/api/v1/incidents/cells?res=7&category=盗窃&weekdays=1,2,3,4,5')).json as {
      n: number;
    }[];
    expect(theft.reduce((s, c) => s + c.n, 0)).toBe(2);
  });

  it('when the resolution is out of range, then 400 names it', async () => {
    const r = await app.call('GET', '/api/v1/incidents/cells?res=12');
    expect(r.status).toBe(400);
    expect((r.json as { errors: { path: string }[] }).errors[0]?.path).toBe('query.res');
  });
});

describe('incident cells as GeoJSON and the time range', () => {
  it('when GeoJSON is asked, then each cell is its closed H3 hexagon with its count', async () => {
    const r = await app.call('GET', '/api/v1/incidents/cells?res=9&format=geojson');
    expect(r.status).toBe(200);
    const fc = r.json as {
      features: { geometry: { coordinates: number[][][] }; properties: { h3: string; n: number } }[];
    };
    expect(fc.features.map((f) => f.properties.n).sort()).toEqual([1, 3]);
    const ring = fc.features[0]!.geometry.coordinates[0]!;
    expect(ring).toHaveLength(7);
    expect(ring[0]).toEqual(ring[6]);
  });

  it('when the range is asked, then it is the first and last incident in Beijing time', async () => {
    const r = await app.call('GET', '/api/v1/incidents/range');
    expect(r.json).toEqual({ from: '2026-03-02T04:30:00+08:00', to: '2026-03-07T09:00:00+08:00' });
  });
});
