import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bandedAreaCoverage, bandedPlaceStatus } from '../../src/services/banded-coverage.service.js';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { storeBandAreas, storeWorkingViews } from '../helpers/reference-tables.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

/**
 * Banded coverage on the demo city against PostGIS building the bands itself: the DORI edges and the blind zone from
 * the columns by the formula written in SQL, each band the occluded view ∩ (ST_Buffer(pt, outer) − ST_Buffer(pt, blind))
 * on geography, unions per grid ∩ roads. The occluded views are the common input (the coverage service's builder).
 */
let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
  await loadDemoCity(t.db, { seed: 20261125, incidents: 0 });
  // Vary the optics: three frames, five lenses, four tilts.
  await t.db.exec(`UPDATE camera SET
    resolution = (ARRAY['1920×1080', '2560×1440', '1280×720'])[1 + id % 3],
    lens_fov_deg = 30 + (id % 5) * 15,
    tilt_deg = 10 + (id % 4) * 10`);
  await storeWorkingViews(t.db, 'ref_view');
  await storeBandAreas(t.db, 'ref_band', 'ref_view', ['identify', 'observe']);
});
afterAll(async () => t?.dispose());

describe('banded coverage vs PostGIS on the demo city', () => {
  it('when 16 grids are checked at identify and observe, then road seen at that band is within 0.5 % of the road of the PostGIS rings', async () => {
    const ref = await t.db.query<{ code: string; band: string; road_m: number; seen_m: number }>(`
      WITH g AS (SELECT code, geom FROM grid ORDER BY code LIMIT 16 OFFSET 100),
           s AS (SELECT g.code, b.band, (SELECT ST_Union(r.geom) FROM ref_band r WHERE r.band = b.band AND r.geom && g.geom) AS seen
                 FROM g CROSS JOIN (VALUES ('identify'), ('observe')) AS b(band))
      SELECT g.code, s.band,
        coalesce((SELECT sum(ST_Length(ST_Intersection(r.geom, g.geom)::geography)) FROM road r WHERE r.geom && g.geom), 0) AS road_m,
        coalesce((SELECT sum(ST_Length(ST_Intersection(ST_Intersection(r.geom, g.geom), s.seen)::geography))
                  FROM road r WHERE r.geom && g.geom AND s.seen IS NOT NULL), 0) AS seen_m
      FROM g JOIN s USING (code) ORDER BY g.code, s.band`);
    expect(ref).toHaveLength(32);
    const ours = {
      identify: new Map((await bandedAreaCoverage(t.db, 'grid', 'identify')).map((r) => [r.areaId, r])),
      observe: new Map((await bandedAreaCoverage(t.db, 'grid', 'observe')).map((r) => [r.areaId, r])),
    };
    let worst = 0,
      seenSomewhere = { identify: 0, observe: 0 };
    for (const r of ref) {
      const band = r.band as 'identify' | 'observe';
      const m = ours[band].get(r.code);
      expect(m, `grid ${r.code}`).toBeDefined();
      const err = Math.abs((m?.seenMeters ?? 0) - r.seen_m) / Math.max(r.road_m, 1);
      worst = Math.max(worst, err);
      expect(err, `grid ${r.code} at ${band}: ours ${m?.seenMeters} m, PostGIS ${r.seen_m} m`).toBeLessThan(0.005);
      if (r.seen_m > 0) seenSomewhere = { ...seenSomewhere, [band]: seenSomewhere[band] + 1 };
    }
    // The check has teeth: identify sees far less than observe, and both see something.
    expect(seenSomewhere.observe).toBeGreaterThan(8);
    const sum = (band: 'identify' | 'observe') => ref.filter((r) => r.band === band).reduce((s, r) => s + r.seen_m, 0);
    expect(sum('identify')).toBeGreaterThan(0);
    expect(sum('identify')).toBeLessThan(0.5 * sum('observe'));
  });

  it('when key places need their band (schools, banks, transit hubs identify), then "seen at it" equals PostGIS within 15 m of the rings', async () => {
    const ref = await t.db.query<{ id: number; ok: boolean; need: string }>(`
      SELECT k.id, need, EXISTS (SELECT 1 FROM ref_band r WHERE r.band = CASE WHEN need = 'identify' THEN 'identify' ELSE 'observe' END
          AND CASE WHEN GeometryType(k.geom) = 'POINT' THEN ST_DWithin(r.geom::geography, k.geom::geography, 15)
                   ELSE r.geom && k.geom AND ST_Intersects(r.geom, k.geom) END) AS ok
      FROM key_place k CROSS JOIN LATERAL (SELECT CASE WHEN k.kind IN ('school', 'kindergarten', 'bank', 'transit_hub')
                                                      THEN 'identify' ELSE 'observe' END AS need) n
      WHERE k.kind NOT IN ('government', 'hospital') ORDER BY k.id`);
    const ours = new Map((await bandedPlaceStatus(t.db)).map((p) => [p.id, p]));
    expect(ref.length).toBeGreaterThan(10);
    const differ = ref.filter((r) => ours.get(Number(r.id))?.ok !== r.ok).map((r) => `${r.id} (${r.need}): ${r.ok}`);
    expect(differ).toEqual([]);
    expect(ref.some((r) => r.ok)).toBe(true);
    expect(ref.some((r) => !r.ok)).toBe(true);
  });
});
