import { readFileSync } from 'node:fs';
import path from 'node:path';
import { booleanPointInPolygon } from '@turf/turf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuildings } from '../../src/db/repos/coverage.repo.js';
import { indexBuildings, localProjection, viewPolygon, type CameraInput } from '../../src/engines/coverage/index.js';
import { mulberry32 } from '../../src/engines/demo/prng.js';
import { referenceView, symmetricDifferenceM2 } from '../helpers/reference-view.js';
import { importFile } from '../../src/import/import.service.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

/**
 * Occlusion on the real Monaco buildings (OpenStreetMap, ../shared/data): a sample point is "seen" by our view polygon
 * exactly when PostGIS finds no building crossing the straight line from the camera to it (buildings the camera is
 * mounted on, within 1 m, excepted as in the engine).
 */
const MONACO = path.resolve(import.meta.dirname, '../../../../shared/data/monaco/monaco.osm.pbf');
let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
  await importFile(t.db, new Uint8Array(readFileSync(MONACO)), {
    fileName: 'monaco.osm.pbf',
    format: 'osm-pbf',
    actor: 'test',
  });
});
afterAll(async () => t?.dispose());

describe('occlusion by real buildings (Monaco)', () => {
  it('when 4,000 points in 40 camera sectors are tested, then ≥ 99.5 % agree with PostGIS line-of-sight and the rest lie within 0.5 m of the view edge', async () => {
    const rng = mulberry32(2026);
    // Cameras on road vertices among the buildings of Monte-Carlo and La Condamine.
    const sites = await t.db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_StartPoint(geom) AS p FROM road
        WHERE road_class IN ('residential', 'tertiary', 'secondary', 'primary', 'service') ORDER BY id) r
       WHERE EXISTS (SELECT 1 FROM building b WHERE ST_DWithin(b.geom, r.p, 0.0006)
         AND ST_DWithin(b.geom::geography, r.p::geography, 40))
       LIMIT 400`,
    );
    expect(sites.length).toBeGreaterThanOrEqual(40);
    let agree = 0,
      total = 0;
    const disagreements: { cam: number; gapM: number }[] = [];
    for (let c = 0; c < 40; c++) {
      const site = sites[c * Math.floor(sites.length / 40)]!;
      const cam: CameraInput = {
        id: c + 1,
        lon: site.lon,
        lat: site.lat,
        headingDeg: Math.floor(rng() * 360),
        fovDeg: 90,
        rangeM: 60,
        heightM: 6,
        cameraType: 'bullet',
        status: 'working',
        networked: true,
      };
      const view = viewPolygon(
        cam,
        indexBuildings(await loadBuildings(t.db, [cam.lon - 0.002, cam.lat - 0.002, cam.lon + 0.002, cam.lat + 0.002])),
      );
      const proj = localProjection(cam.lon, cam.lat);
      const samples = Array.from({ length: 100 }, () => {
        const r = 60 * Math.sqrt(rng()) * 0.999;
        const bearing = ((cam.headingDeg - 45 + 90 * rng()) * Math.PI) / 180;
        return proj.toLonLat([r * Math.sin(bearing), r * Math.cos(bearing)]);
      });
      const ref = await t.db.query<{ i: number; seen: boolean; gap: number }>(
        `WITH cam AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS p),
              s AS (SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326) AS p FROM unnest($3::float8[], $4::float8[]) WITH ORDINALITY AS u(x, y, i)),
              v AS (SELECT ST_GeomFromGeoJSON($5) AS g)
         SELECT s.i::int AS i,
           NOT EXISTS (SELECT 1 FROM building b, cam WHERE ST_Intersects(b.geom, ST_MakeLine(cam.p, s.p))
             AND NOT ST_DWithin(b.geom::geography, cam.p::geography, 1)) AS seen,
           ST_Distance(s.p::geography, ST_Boundary(v.g)::geography) AS gap
         FROM s, v ORDER BY s.i`,
        [
          cam.lon,
          cam.lat,
          samples.map((p) => p[0]),
          samples.map((p) => p[1]),
          JSON.stringify({ type: 'MultiPolygon', coordinates: view.coordinates }),
        ],
      );
      for (const row of ref) {
        const p = samples[row.i - 1]!;
        const ours = booleanPointInPolygon(p, { type: 'MultiPolygon', coordinates: view.coordinates });
        total++;
        if (ours === row.seen) agree++;
        else disagreements.push({ cam: c + 1, gapM: row.gap });
      }
    }
    expect(total).toBe(4000);
    expect(agree / total, `${agree} of ${total} agree`).toBeGreaterThanOrEqual(0.995);
    for (const d of disagreements)
      expect(d.gapM, `camera ${d.cam}: a disagreement ${d.gapM.toFixed(2)} m from the view edge`).toBeLessThanOrEqual(
        0.5,
      );
  });

  it('when 180 cameras of every kind are computed the fast way and the old way (every edge in range, general overlay), then their views agree: symmetric difference ≤ 1e-6 of the area', async () => {
    const rng = mulberry32(17);
    const sites = await t.db.query<{ lon: number; lat: number }>(
      // The degree test first (0.0005° ≥ 40 m in longitude and 55 m in latitude here, so no site is lost) lets the
      // building index answer; the geography cast alone compared every road with every building (8 min on PGlite).
      `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointN(geom, 1) AS p FROM road ORDER BY id) r
       WHERE EXISTS (SELECT 1 FROM building b WHERE ST_DWithin(b.geom, r.p, 0.0005)
         AND ST_DWithin(b.geom::geography, r.p::geography, 30))`,
    );
    expect(sites.length).toBeGreaterThanOrEqual(180);
    console.log(`Monaco road starts within 30 m of a building: ${sites.length}`);
    const index = indexBuildings(await loadBuildings(t.db));
    const kinds: Pick<CameraInput, 'cameraType' | 'fovDeg' | 'rangeM'>[] = [
      { cameraType: 'bullet', fovDeg: 60, rangeM: 60 },
      { cameraType: 'bullet', fovDeg: 90, rangeM: 80 },
      { cameraType: 'bullet', fovDeg: 180, rangeM: 80 },
      { cameraType: 'bullet', fovDeg: 240, rangeM: 50 },
      { cameraType: 'dome', fovDeg: 360, rangeM: 40 },
      { cameraType: 'ptz', fovDeg: 60, rangeM: 70 },
    ];
    let occluded = 0,
      worst = 0;
    for (let c = 0; c < 180; c++) {
      const site = sites[Math.floor((c * sites.length) / 180)]!;
      const cam: CameraInput = {
        id: c + 1,
        lon: site.lon,
        lat: site.lat,
        headingDeg: rng() * 360,
        heightM: 6,
        status: 'working',
        networked: true,
        ...kinds[c % kinds.length]!,
      };
      const fast = viewPolygon(cam, index),
        old = referenceView(cam, index);
      if (old.areaM2 < 0.99 * old.sectorAreaM2) occluded++;
      const rel = symmetricDifferenceM2(cam, fast, old) / Math.max(1, old.areaM2);
      worst = Math.max(worst, rel);
      expect(rel, `camera ${c + 1} (${cam.cameraType} ${cam.fovDeg}°)`).toBeLessThanOrEqual(1e-6);
      expect(fast.occluders).toBe(old.occluders);
    }
    console.log(
      `fast vs old views on Monaco: ${occluded} of 180 occluded, worst symmetric difference ${worst.toExponential(2)} of the area`,
    );
    expect(occluded).toBeGreaterThan(90);
    // The old computation takes ~0.1–1 s a camera among Monaco's dense blocks.
  }, 900_000);
});
