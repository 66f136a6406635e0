import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  indexBuildings,
  RoadCoverage,
  viewPolygon,
  type BuildingInput,
  type CameraInput,
  type RoadPiece,
} from '../../src/engines/coverage/index.js';
import { lattice } from '../routing/lattice.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb({ migrate: false });
});
afterAll(async () => t?.dispose());

describe('road coverage vs PostGIS', () => {
  it('when 60 cameras look over a street lattice with buildings, then seen length per area agrees with ST_Intersection(road, ST_Union(views)) within 0.5 %', async () => {
    let s = 77;
    const rnd = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    // 12 × 12 corner of the lattice; areas are 4 × 4 blocks of the lattice.
    const roads: RoadPiece[] = lattice(3)
      .filter((r) =>
        r.coordinates.every(([lon, lat]) => lon <= 118.7 + 11 * 0.00085 + 1e-9 && lat <= 32.0 + 11 * 0.00072 + 1e-9),
      )
      .map((r) => {
        const [lon, lat] = r.coordinates[1] ?? [0, 0];
        const area = `${Math.floor((lon - 118.7) / (4 * 0.00085))}-${Math.floor((lat - 32.0) / (4 * 0.00072))}`;
        return { id: r.id, coordinates: r.coordinates, roadClass: r.roadClass, areaId: area };
      });
    // Buildings: small boxes inside some blocks (they occlude but never cover the streets).
    const buildings: BuildingInput[] = [];
    for (let i = 0; i < 11; i++)
      for (let j = 0; j < 11; j++) {
        if (rnd() < 0.5) continue;
        const x0 = 118.7 + (i + 0.2) * 0.00085,
          y0 = 32.0 + (j + 0.2) * 0.00072,
          x1 = x0 + 0.6 * 0.00085,
          y1 = y0 + 0.6 * 0.00072;
        buildings.push({
          id: buildings.length + 1,
          heightM: 12,
          polygons: [
            [
              [
                [x0, y0],
                [x1, y0],
                [x1, y1],
                [x0, y1],
                [x0, y0],
              ],
            ],
          ],
        });
      }
    const cameras: CameraInput[] = Array.from({ length: 60 }, (_, k) => ({
      id: k + 1,
      lon: 118.7 + Math.floor(rnd() * 12) * 0.00085,
      lat: 32.0 + Math.floor(rnd() * 12) * 0.00072,
      headingDeg: rnd() * 359,
      fovDeg: 40 + rnd() * 60,
      rangeM: 40 + rnd() * 80,
      heightM: 6,
      cameraType: k % 10 === 0 ? 'dome' : 'bullet',
      status: 'working',
      networked: true,
    }));
    const bIndex = indexBuildings(buildings);
    const views = cameras.map((c) => viewPolygon(c, bIndex));
    const cov = new RoadCoverage(roads);
    for (const v of views) cov.setCamera(v);
    const ours = new Map(cov.byArea().map((a) => [a.areaId, a]));

    await t.db.exec(`CREATE TABLE cov_road (id int, area text, geom geometry(LineString, 4326));
      CREATE TABLE cov_view (id int, geom geometry(MultiPolygon, 4326))`);
    await t.db.query(
      `INSERT INTO cov_road SELECT u.id, u.area, ST_SetSRID(ST_GeomFromGeoJSON(u.g), 4326)
      FROM unnest($1::int[], $2::text[], $3::text[]) AS u(id, area, g)`,
      [
        roads.map((r) => r.id),
        roads.map((r) => r.areaId),
        roads.map((r) => JSON.stringify({ type: 'LineString', coordinates: r.coordinates })),
      ],
    );
    await t.db.query(
      `INSERT INTO cov_view SELECT u.id, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(u.g), 4326))
      FROM unnest($1::int[], $2::text[]) AS u(id, g)`,
      [
        views.map((v) => v.cameraId),
        views.map((v) => JSON.stringify({ type: 'MultiPolygon', coordinates: v.coordinates })),
      ],
    );
    const ref = await t.db.query<{ area: string; road_m: number; seen_m: number }>(`
      WITH seen AS (SELECT ST_Union(geom) AS g FROM cov_view)
      SELECT r.area, sum(ST_Length(r.geom::geography)) AS road_m,
             sum(ST_Length(ST_Intersection(r.geom, seen.g)::geography)) AS seen_m
      FROM cov_road r CROSS JOIN seen GROUP BY r.area ORDER BY r.area`);
    expect(ref.length).toBe(ours.size);
    let totalSeenRef = 0;
    for (const row of ref) {
      const mine = ours.get(row.area);
      totalSeenRef += row.seen_m;
      expect(mine?.roadMeters ?? 0, `road length in ${row.area}`).toBeCloseTo(row.road_m, -1);
      const tolerance = 0.005 * row.road_m; // 0.5 % of the area's road length, as a rate difference
      expect(Math.abs((mine?.seenMeters ?? 0) - row.seen_m), `seen metres in area ${row.area}`).toBeLessThan(tolerance);
    }
    expect(totalSeenRef, 'the fixture must actually see some road').toBeGreaterThan(500);
  });
});
