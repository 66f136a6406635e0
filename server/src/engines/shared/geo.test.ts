import { describe, expect, it } from 'vitest';
import { at, checkIndexes } from './checked.js';
import { lonLatToTileFraction, metersPerDegree, nearestOnSegment, padBox, tileBounds } from './geo.js';

describe('metres per degree', () => {
  it('when measured on WGS84, then it equals the published lengths of a degree (equator, 45°, 60°)', () => {
    // Lengths of one degree on WGS84 as tabulated (e.g. the NGA/NIMA figures): latitude 110,574.3 / 111,132.0 /
    // 111,412.2 m and longitude 111,319.5 / 78,847.0 / 55,799.9 m at 0°, 45°, 60°.
    const table: [number, number, number][] = [
      [0, 110_574.3, 111_319.5],
      [45, 111_132.0, 78_847.0],
      [60, 111_412.2, 55_799.9],
    ];
    for (const [lat, mLat, mLon] of table) {
      const m = metersPerDegree(lat);
      expect(Math.abs(m.lat - mLat)).toBeLessThan(0.5);
      expect(Math.abs(m.lon - mLon)).toBeLessThan(0.5);
    }
  });

  it("when measured on turf's sphere, then a degree is R·π/180 and shrinks with cos(latitude)", () => {
    const r = 6_371_008.8;
    const m = metersPerDegree(32, 'sphere');
    expect(m.lat).toBeCloseTo((r * Math.PI) / 180, 6);
    expect(m.lon).toBeCloseTo(((r * Math.PI) / 180) * Math.cos((32 * Math.PI) / 180), 6);
  });

  it('when a box is padded by 100 m, then every side moves by at least 100 m', () => {
    const box: [number, number, number, number] = [118.7, 32.0, 118.8, 32.1];
    const p = padBox(box, 100);
    const south = metersPerDegree(32.0),
      north = metersPerDegree(32.1);
    expect((box[1] - p[1]) * south.lat).toBeGreaterThanOrEqual(100 - 1e-9);
    expect((p[3] - box[3]) * north.lat).toBeGreaterThanOrEqual(100 - 1e-9);
    expect((box[0] - p[0]) * north.lon).toBeGreaterThanOrEqual(100 - 1e-9);
  });
});

describe('tile maths', () => {
  it('when a point is placed in its tile, then the tile bounds hold it (slippy-map scheme, y down)', () => {
    const [x, y] = lonLatToTileFraction(118.78, 32.04, 14);
    const b = tileBounds(14, Math.floor(x), Math.floor(y));
    expect(118.78).toBeGreaterThanOrEqual(b[0]);
    expect(118.78).toBeLessThan(b[2]);
    expect(32.04).toBeGreaterThanOrEqual(b[1]);
    expect(32.04).toBeLessThan(b[3]);
    // Worked example: zoom 1, the north-west tile spans 180° W–0° and 0°–85.0511° N.
    const nw = tileBounds(1, 0, 0);
    expect(nw[0]).toBe(-180);
    expect(nw[2]).toBe(0);
    expect(nw[1]).toBeCloseTo(0, 12);
    expect(nw[3]).toBeCloseTo(85.0511287798, 9);
  });
});

describe('nearest point on a segment', () => {
  it('when the origin projects inside, at or past an end, then u, the point and the distance are those of the figure', () => {
    // Segment from (-3, 4) to (3, 4): the foot of the origin is (0, 4), u = 0.5, 4 m away.
    expect(nearestOnSegment(-3, 4, 3, 4)).toEqual({ u: 0.5, x: 0, y: 4, distance: 4 });
    // Segment (1, 1)–(2, 3): the foot falls before a, so a is nearest.
    expect(nearestOnSegment(1, 1, 2, 3)).toMatchObject({ u: 0, x: 1, y: 1, distance: Math.SQRT2 });
    // A segment of length 0 is its one point.
    expect(nearestOnSegment(3, 4, 3, 4)).toMatchObject({ u: 0, distance: 5 });
  });
});

describe('checked access', () => {
  it('when an index is outside the array, then it throws naming the index, not a default', () => {
    expect(at([10, 20], 1, 'stop')).toBe(20);
    expect(() => at([10, 20], 2, 'stop')).toThrow(RangeError);
    expect(() => at([10, 20], 2, 'stop')).toThrow(/2/);
  });
  it('when one of a set of indexes is outside the array, then checkIndexes throws naming it and its entry', () => {
    expect(() => checkIndexes(Int32Array.of(0, 2), 3, 'segment')).not.toThrow();
    expect(() => checkIndexes(Int32Array.of(0, 3), 3, 'segment')).toThrow(RangeError);
    expect(() => checkIndexes(Int32Array.of(0, 3), 3, 'segment')).toThrow('segment 3 (entry 1) is out of range [0, 3)');
    expect(() => checkIndexes([0.5], 3)).toThrow(RangeError);
  });
});
