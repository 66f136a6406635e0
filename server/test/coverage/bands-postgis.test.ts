import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewBands } from '../../src/engines/coverage/bands.js';
import { doriDistances } from '../../src/engines/coverage/dori.js';
import { indexBuildings, viewPolygon, type BuildingInput, type CameraInput } from '../../src/engines/coverage/index.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb({ migrate: false });
});
afterAll(async () => t?.dispose());

describe('DORI band polygons vs PostGIS', () => {
  it('when 12 cameras of each type look past buildings, then each band is ST_Intersection(view, ring of ST_Buffers) in metres within 0.3 %', async () => {
    let s = 2026;
    const rnd = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    const lon0 = 118.78,
      lat0 = 32.04,
      mLon = 94_500,
      mLat = 110_900;
    const buildings: BuildingInput[] = [];
    for (let i = 0; i < 40; i++) {
      const x = (rnd() - 0.5) * 200,
        y = (rnd() - 0.5) * 200,
        w = 4 + rnd() * 12,
        h = 4 + rnd() * 12;
      const ring = [
        [x, y],
        [x + w, y],
        [x + w, y + h],
        [x, y + h],
        [x, y],
      ].map(([a, b]) => [lon0 + (a ?? 0) / mLon, lat0 + (b ?? 0) / mLat] as [number, number]);
      buildings.push({ id: i + 1, polygons: [[ring]], heightM: 10 });
    }
    const index = indexBuildings(buildings);
    const types = ['bullet', 'dome', 'ptz'] as const;
    const cameras: (CameraInput & { tiltDeg: number; resolution: string; lensFovDeg: number })[] = [];
    for (let i = 0; i < 36; i++) {
      const lon = lon0 + ((rnd() - 0.5) * 160) / mLon,
        lat = lat0 + ((rnd() - 0.5) * 160) / mLat;
      // Skip sites inside a building (no camera stands there).
      const inside = buildings.some((b) => {
        const r = b.polygons[0]?.[0] ?? [];
        const [a, , c] = [r[0], r[1], r[2]];
        return a && c && lon >= a[0] && lon <= c[0] && lat >= a[1] && lat <= c[1];
      });
      if (inside) continue;
      cameras.push({
        id: i + 1,
        lon,
        lat,
        headingDeg: rnd() * 359,
        fovDeg: 40 + rnd() * 80,
        rangeM: 40 + rnd() * 80,
        heightM: 3 + rnd() * 6,
        cameraType: types[i % 3] ?? 'bullet',
        status: 'working',
        networked: true,
        tiltDeg: 10 + rnd() * 30,
        resolution: ['1920×1080', '400万', '1280x720'][i % 3] ?? '1920×1080',
        // A PTZ at its tele end would make all bands reach past the range; a wide lens keeps them inside.
        lensFovDeg: 30 + rnd() * 60,
      });
    }
    expect(cameras.length).toBeGreaterThan(25);
    let compared = 0,
      nonEmpty = 0;
    for (const c of cameras) {
      const view = viewPolygon(c, index);
      const d = doriDistances(c);
      const bands = viewBands(c, view, d, { arcStepDeg: 1 });
      const proj = `+proj=aeqd +lat_0=${c.lat} +lon_0=${c.lon} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs`;
      const rows = await t.db.query<{ band: string; area: number }>(
        `WITH v AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326), $2::text) AS g,
                           ST_Transform(ST_SetSRID(ST_MakePoint($3, $4), 4326), $2::text) AS pt),
              b AS (SELECT * FROM unnest($5::text[], $6::float8[], $7::float8[]) AS u(band, r0, r1))
         SELECT b.band, ST_Area(ST_Intersection(v.g,
                  CASE WHEN b.r0 > 0 THEN ST_Difference(ST_Buffer(v.pt, b.r1, 'quad_segs=90'), ST_Buffer(v.pt, b.r0, 'quad_segs=90'))
                       ELSE ST_Buffer(v.pt, b.r1, 'quad_segs=90') END))::float8 AS area
         FROM v CROSS JOIN b WHERE b.r1 > b.r0`,
        [
          JSON.stringify({ type: 'MultiPolygon', coordinates: view.coordinates }),
          proj,
          c.lon,
          c.lat,
          bands.map((b) => b.band),
          bands.map((b) => b.innerM),
          bands.map((b) => b.outerM),
        ],
      );
      const ref = new Map(rows.map((r) => [r.band, r.area]));
      for (const b of bands) {
        const area = ref.get(b.band) ?? 0;
        if (area > 0) nonEmpty++;
        // 0.3 % of the band, or 0.05 m² for slivers: both circles are polygons (1° steps) with slightly different vertices.
        expect(Math.abs(b.areaM2 - area), `camera ${c.id} (${c.cameraType}) ${b.band}`).toBeLessThan(
          Math.max(0.003 * area, 0.05),
        );
        compared++;
      }
    }
    expect(compared).toBe(cameras.length * 4);
    expect(nonEmpty).toBeGreaterThan(cameras.length * 2);
  });
});
