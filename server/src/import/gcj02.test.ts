import gcoord from 'gcoord';
import { describe, expect, it } from 'vitest';
import { haversineMeters } from '../engines/routing/index.js';
import { referenceWgs84ToGcj02 } from '../../test/helpers/china-offsets.js';
import { gcj02ToWgs84 } from './gcj02.js';

/** 21 × 21 points over Nanjing (118.6–119.0° E, 31.9–32.2° N) and 11 × 11 over the mainland (75–133° E, 20–50° N). */
const POINTS: [number, number][] = [
  ...Array.from({ length: 21 * 21 }, (_, k): [number, number] => [
    118.6 + Math.floor(k / 21) * 0.02,
    31.9 + (k % 21) * 0.015,
  ]),
  ...Array.from({ length: 11 * 11 }, (_, k): [number, number] => [75 + Math.floor(k / 11) * 5.8, 20 + (k % 11) * 3]),
];

const toWgs84 = (p: [number, number]): [number, number] => {
  const back = gcj02ToWgs84({ type: 'Point', coordinates: p });
  return back.type === 'Point' ? (back.coordinates as [number, number]) : [Number.NaN, Number.NaN];
};

describe('gcj02ToWgs84', () => {
  it('when gcoord maps WGS84 → GCJ-02, then it equals the published formulas within 1 mm', () => {
    let worst = 0;
    for (const [lon, lat] of POINTS) {
      const ref = referenceWgs84ToGcj02(lon, lat);
      const lib = gcoord.transform([lon, lat], gcoord.WGS84, gcoord.GCJ02) as [number, number];
      worst = Math.max(worst, haversineMeters(ref[0], ref[1], lib[0], lib[1]));
    }
    console.info(
      `GCJ-02 forward, gcoord vs the published formulas, ${POINTS.length} points: worst ${worst.toExponential(2)} m`,
    );
    expect(worst).toBeLessThan(0.001);
  });

  it('when points go WGS84 → GCJ-02 (published formulas) → WGS84 (ours), then they come back within 0.1 m in Nanjing, 0.15 m in all China', () => {
    const worst = { nanjing: 0, china: 0 };
    POINTS.forEach(([lon, lat], k) => {
      const gcj = referenceWgs84ToGcj02(lon, lat);
      // The forward offset itself is tens to hundreds of metres, so the round trip is not trivially the identity.
      expect(haversineMeters(lon, lat, gcj[0], gcj[1])).toBeGreaterThan(10);
      const [x, y] = toWgs84(gcj);
      const area = k < 21 * 21 ? 'nanjing' : 'china';
      worst[area] = Math.max(worst[area], haversineMeters(lon, lat, x, y));
    });
    console.info(
      `GCJ-02 round trip: worst error ${worst.nanjing.toFixed(3)} m over 441 Nanjing points, ${worst.china.toFixed(3)} m over 121 mainland points`,
    );
    expect(worst.nanjing).toBeLessThan(0.1);
    expect(worst.china).toBeLessThan(0.15);
  });
});
