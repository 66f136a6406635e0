import gcoord from 'gcoord';
import { describe, expect, it } from 'vitest';
import { haversineMeters } from '../engines/routing/index.js';
import { gcj02ToWgs84 } from './gcj02.js';

/**
 * WGS84 → GCJ-02 from the published formulas (the widely reproduced reference code, e.g. `eviltransform`):
 * Krasovsky 1940 ellipsoid (a = 6378245 m, e² = 0.00669342162296594323) and the transformLat / transformLon series
 * about (105° E, 35° N). Written out here so the library is compared with the formula, not with itself.
 */
const KRASOVSKY_A = 6378245.0;
const KRASOVSKY_EE = 0.006693421622965943; // 0.00669342162296594323 as published; the same double

function transformLat(x: number, y: number): number {
  let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320.0 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return ret;
}

function transformLon(x: number, y: number): number {
  let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return ret;
}

function referenceWgs84ToGcj02(lon: number, lat: number): [number, number] {
  const dLat0 = transformLat(lon - 105.0, lat - 35.0);
  const dLon0 = transformLon(lon - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  const magic = 1 - KRASOVSKY_EE * Math.sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (dLat0 * 180.0) / (((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLon = (dLon0 * 180.0) / ((KRASOVSKY_A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}

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
