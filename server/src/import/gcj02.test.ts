import { describe, expect, it } from 'vitest';
import gcoord from 'gcoord';
import { haversineMeters } from '../engines/routing/index.js';
import { gcj02ToWgs84 } from './gcj02.js';

describe('gcj02ToWgs84', () => {
  it('when Nanjing points go WGS84 → GCJ-02 → WGS84, then they come back within 2 m', () => {
    let worst = 0;
    for (let i = 0; i <= 20; i++)
      for (let j = 0; j <= 20; j++) {
        const lon = 118.6 + i * 0.02,
          lat = 31.9 + j * 0.015;
        const gcj = gcoord.transform([lon, lat], gcoord.WGS84, gcoord.GCJ02) as [number, number];
        const back = gcj02ToWgs84({ type: 'Point', coordinates: gcj });
        const [x, y] = back.type === 'Point' ? (back.coordinates as [number, number]) : [Number.NaN, Number.NaN];
        worst = Math.max(worst, haversineMeters(lon, lat, x, y));
        // The forward offset itself is hundreds of metres, so the round trip is not trivially the identity.
        expect(haversineMeters(lon, lat, gcj[0], gcj[1])).toBeGreaterThan(300);
      }
    console.info(`GCJ-02 round trip, 441 points in Nanjing: worst error ${worst.toFixed(3)} m`);
    expect(worst).toBeLessThan(2);
  });
});
