import { describe, expect, it } from 'vitest';
import { metersPerDegree } from '../shared/geo.js';
import { bufferRoads } from './road-buffer.js';

/** Lines given in metres east/north of (118.78, 32.04), turned into degrees with the same local scale. */
const m = metersPerDegree(32.04);
const deg = (l: [number, number][]) => l.map(([x, y]) => [118.78 + x / m.lon, 32.04 + y / m.lat] as [number, number]);

describe('road buffer (isochrone area on a raster)', () => {
  it('when one 500 m street is buffered by 40 m, then the area is the capsule 2·40·500 + π·40² (formula)', () => {
    const b = bufferRoads(
      [
        deg([
          [0, 0],
          [500, 0],
        ]),
      ],
      40,
    );
    const capsule = 2 * 40 * 500 + Math.PI * 40 ** 2;
    expect(Math.abs(b.areaSquareMeters - capsule) / capsule).toBeLessThan(0.005);
    expect(b.area?.coordinates.length).toBe(1);
    expect(b.area?.coordinates[0]?.length).toBe(1); // no hole
  });

  it('when four streets make a 400 m square block, then the area is the outer rounded square less the inner hole', () => {
    const b = bufferRoads(
      [
        deg([
          [0, 0],
          [400, 0],
          [400, 400],
          [0, 400],
          [0, 0],
        ]),
      ],
      40,
    );
    // Outer: 480 × 480 with corners rounded (r = 40): 480² − (4 − π)·40²; hole: 320 × 320 (sharp corners).
    const expected = 480 ** 2 - (4 - Math.PI) * 40 ** 2 - 320 ** 2;
    expect(Math.abs(b.areaSquareMeters - expected) / expected).toBeLessThan(0.005);
    expect(b.area?.coordinates[0]?.length).toBe(2); // the block is a hole
  });

  it('when two streets lie 200 m apart, then there are two polygons; nothing reached, no area', () => {
    const b = bufferRoads(
      [
        deg([
          [0, 0],
          [100, 0],
        ]),
        deg([
          [0, 200],
          [100, 200],
        ]),
        deg([[50, 500]]),
      ],
      40,
    );
    expect(b.area?.coordinates.length).toBe(3);
    const one = 2 * 40 * 100 + Math.PI * 40 ** 2;
    expect(Math.abs(b.areaSquareMeters - (2 * one + Math.PI * 40 ** 2)) / (3 * one)).toBeLessThan(0.005);
    expect(bufferRoads([], 40)).toEqual({ area: null, areaSquareMeters: 0, cellMeters: 0 });
  });
});
