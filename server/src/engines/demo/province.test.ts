import { describe, expect, it } from 'vitest';
import { generateDemoCity } from './city.js';
import { PROVINCE_DEFAULTS, province } from './province.js';
import type { DemoFeature } from './types.js';

/** [minLon, minLat, maxLon, maxLat] of features, from every coordinate. */
function bboxOf(fs: readonly DemoFeature[]): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
      b[0] = Math.min(b[0], c[0]);
      b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]);
      b[3] = Math.max(b[3], c[1]);
    } else if (Array.isArray(c)) for (const x of c) visit(x);
  };
  for (const f of fs) if ('coordinates' in f.geometry) visit(f.geometry.coordinates);
  return b;
}

describe('province generator', () => {
  const p = province(7, { cities: 2, districtsPerCity: 11, incidentsPerDistrict: 500, baseLayouts: 3 });
  const districts = Array.from({ length: p.districtCount }, (_, k) => p.district(k));

  it('when 2 cities of 11 districts are made, then every district has the demo district’s grids and beats and its own codes', () => {
    expect(districts).toHaveLength(22);
    const codes = districts.map((d) => d.districtCode);
    expect(codes.slice(0, 3)).toEqual(['320101000000', '320102000000', '320103000000']);
    expect(codes[11]).toBe('320201000000');
    expect(new Set(codes).size).toBe(22);
    for (const d of districts) {
      expect(d.city.grids).toHaveLength(384);
      expect(d.city.beats).toHaveLength(48);
      expect(d.city.incidents).toHaveLength(500);
      for (const layer of ['grids', 'beats', 'stations', 'incidents', 'cameras', 'roads'] as const) {
        for (const f of d.city[layer]) expect(f.properties.district_code).toBe(d.districtCode);
      }
      for (const g of d.city.grids) expect(String(g.properties.code).slice(0, 6)).toBe(d.districtCode.slice(0, 6));
    }
    // Codes stay unique across the province in every layer that declares them unique.
    for (const layer of ['grids', 'beats', 'stations', 'cameras', 'checkpoints', 'posts', 'keyPlaces'] as const) {
      const all = districts.flatMap((d) => d.city[layer].map((f) => f.properties.code)).filter((c) => c != null);
      expect(new Set(all).size, layer).toBe(all.length);
    }
    const adminCodes = districts.flatMap((d) => d.city.adminAreas.map((a) => a.properties.code));
    expect(new Set(adminCodes).size).toBe(adminCodes.length);
    const regions = districts.flatMap((d) => d.city.adminAreas.filter((a) => a.properties.level === 'region'));
    expect(regions.map((r) => [r.properties.code, r.properties.name])).toEqual([
      ['320100000000', '南京市'],
      ['320200000000', '无锡市'],
    ]);
    // Each district's parent is its city's region.
    for (const d of districts) {
      const dist = d.city.adminAreas.find((a) => a.properties.level === 'district');
      expect(dist?.properties.parent_code).toBe(d.regionCode);
    }
  });

  it('when districts are placed, then no two overlap and each city’s region box holds all its districts', () => {
    const boxes = districts.map((d) =>
      bboxOf([...d.city.grids, ...d.city.roads, ...d.city.incidents, ...d.city.buildings]),
    );
    for (let a = 0; a < boxes.length; a++) {
      for (let b = a + 1; b < boxes.length; b++) {
        const [x, y] = [boxes[a], boxes[b]];
        if (!x || !y) throw new Error('missing box');
        const overlap = x[0] < y[2] && y[0] < x[2] && x[1] < y[3] && y[1] < x[3];
        expect(overlap, `districts ${a} and ${b}`).toBe(false);
      }
    }
    districts.forEach((d, k) => {
      const region = districts
        .flatMap((e) => e.city.adminAreas)
        .find((a) => a.properties.level === 'region' && a.properties.code === d.regionCode);
      if (!region) throw new Error('no region');
      const [r, x] = [bboxOf([region]), boxes[k]];
      if (!x) throw new Error('missing box');
      expect(x[0]).toBeGreaterThan(r[0]);
      expect(x[1]).toBeGreaterThan(r[1]);
      expect(x[2]).toBeLessThan(r[2]);
      expect(x[3]).toBeLessThan(r[3]);
    });
  });

  it('when a district reuses a base layout, then it is that layout moved by whole degrees of pitch, and the seed repeats it exactly', () => {
    const base = generateDemoCity(7 + 1, { incidents: 500 });
    const d = districts[4]; // 4 % 3 = base 1
    if (!d) throw new Error('no district 4');
    const [b0, d0] = [bboxOf(base.grids), bboxOf(d.city.grids)];
    expect(d0[2] - d0[0]).toBeCloseTo(b0[2] - b0[0], 9);
    expect(d0[1] - b0[1]).toBeCloseTo(0, 9); // first row of the city block
    expect(d0[0] - b0[0]).toBeCloseTo(4 * 0.07, 9);
    expect(JSON.stringify(province(7, p.options).district(4))).toBe(JSON.stringify(d));
  });

  it('when the default province is sized, then it reaches the issue’s floor in every layer', () => {
    const o = PROVINCE_DEFAULTS;
    const n = o.cities * o.districtsPerCity;
    const one = generateDemoCity(20261125, { incidents: 10 });
    expect(n * 384).toBeGreaterThanOrEqual(400_000);
    expect(n * 48).toBeGreaterThanOrEqual(50_000);
    expect(n * o.incidentsPerDistrict).toBeGreaterThanOrEqual(20_000_000);
    expect(n * one.buildings.length).toBeGreaterThanOrEqual(2_000_000);
    expect(n * Math.ceil(one.cameras.length / o.cameraEvery)).toBeGreaterThanOrEqual(100_000);
  });
});
