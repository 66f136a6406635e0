import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultReachTier, haversineMeters } from '../../src/engines/routing/index.js';
import { reachMap } from '../../src/services/routing.service.js';
import { openTestDb, testDbKind, type TestDb } from '../helpers/test-db.js';
import { lattice } from './lattice.js';

/**
 * 1-3-5 tiers (快反圈) in the reach report. Both databases: one straight 36 km/h street north from a post, key places
 * on it at known distances, so each place's minutes are its distance ÷ 10 m/s (haversine along the meridian) and which
 * tier it misses is known in advance. The server also checks a lattice city against pgr_withPointsCost from every post
 * (the least over posts), with the posts and places put on their edges by PostGIS.
 */
const onServer = testDbKind() === 'server';
const LON = 118.8,
  LAT0 = 32.0;
const R = 6_371_008.8;
const latAt = (m: number) => LAT0 + (m / R) * (180 / Math.PI);

async function insertRoads(
  t: TestDb,
  rs: { coordinates: readonly (readonly [number, number])[]; roadClass: string; oneway: number; speedKmh: number }[],
) {
  await t.db.query(
    `INSERT INTO road (road_class, oneway, speed_kmh, geom)
     SELECT c, o, s, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326) FROM unnest($1::text[], $2::int[], $3::float8[], $4::text[]) AS r(c, o, s, g)`,
    [
      rs.map((r) => r.roadClass),
      rs.map((r) => r.oneway),
      rs.map((r) => r.speedKmh),
      rs.map((r) => JSON.stringify({ type: 'LineString', coordinates: r.coordinates })),
    ],
  );
}

async function insertPlaces(
  t: TestDb,
  ps: { kind: string; name: string; tier: number | null; lon: number; lat: number }[],
) {
  await t.db.query(
    `INSERT INTO key_place (kind, name, reach_tier_minutes, geom)
     SELECT k, n, tr, ST_SetSRID(ST_MakePoint(x, y), 4326)
     FROM unnest($1::text[], $2::text[], $3::smallint[], $4::float8[], $5::float8[]) AS p(k, n, tr, x, y)`,
    [ps.map((p) => p.kind), ps.map((p) => p.name), ps.map((p) => p.tier), ps.map((p) => p.lon), ps.map((p) => p.lat)],
  );
}

describe('reach tiers on a straight street (formula)', () => {
  let t: TestDb;
  // distance along the street (m), kind, tier set on the place (null: its kind's default)
  const places: [number, string, number | null][] = [
    [500, 'government', null], // 50 s: meets 1 min
    [700, 'hospital', null], // 70 s: misses 1 min by 10 s
    [1500, 'school', null], // 150 s: meets 3
    [2000, 'bank', null], // 200 s: misses 3 by 20 s
    [2500, 'market', 5], // 250 s: set to 5, meets it
    [2900, 'other', null], // 290 s: meets 5
    [3100, 'transit_hub', 5], // 310 s: set to 5, misses by 10 s
  ];
  beforeAll(async () => {
    t = await openTestDb();
    await insertRoads(t, [
      {
        coordinates: [
          [LON, LAT0],
          [LON, latAt(2000)],
          [LON, latAt(4000)],
        ],
        roadClass: 'residential',
        oneway: 0,
        speedKmh: 36,
      },
    ]);
    await t.db.query(`INSERT INTO post (name, geom) VALUES ('南门岗亭', ST_SetSRID(ST_MakePoint($1, $2), 4326))`, [
      LON,
      LAT0,
    ]);
    await insertPlaces(t, [
      ...places.map(([m, kind, tier]) => ({ kind, name: `${kind}@${m}`, tier, lon: LON, lat: latAt(m) })),
      // 2 km off the street: no road within 500 m, so no minutes at all, and a miss.
      { kind: 'other', name: 'far away', tier: null, lon: LON + 0.02, lat: latAt(1000) },
    ]);
  });
  afterAll(async () => t?.dispose());

  it('when the reach report is made, then minutes are distance ÷ speed and each tier lists exactly the places that miss', async () => {
    const r = await reachMap(t.db, 'car');
    for (const [m, kind] of places) {
      const p = r.keyPlaces.find((x) => x.name === `${kind}@${m}`);
      const expected = haversineMeters(LON, LAT0, LON, latAt(m)) / 10 / 60;
      expect(p?.minutes, `${kind}@${m}`).toBeCloseTo(expected, 6);
    }
    const byTier = Object.fromEntries(r.tiers.map((x) => [x.tierMinutes, x]));
    expect(r.tiers.map((x) => [x.tierMinutes, x.places, x.met])).toEqual([
      [1, 2, 1],
      [3, 2, 1],
      [5, 4, 2],
    ]);
    expect(byTier[1]?.misses.map((x) => x.name)).toEqual(['hospital@700']);
    expect(byTier[1]?.misses[0]?.lateMinutes).toBeCloseTo(10 / 60, 3);
    expect(byTier[3]?.misses.map((x) => x.name)).toEqual(['bank@2000']);
    // Worst first: unreached, then slowest.
    expect(byTier[5]?.misses.map((x) => [x.name, x.minutes === null])).toEqual([
      ['far away', true],
      ['transit_hub@3100', false],
    ]);
    expect(byTier[5]?.share).toBeCloseTo(0.5, 9);
    expect(r.keyPlaces.find((x) => x.name === 'market@2500')).toMatchObject({ tierMinutes: 5, meetsTier: true });
    expect(r.keyPlaces.find((x) => x.name === 'hospital@700')).toMatchObject({ tierMinutes: 1, meetsTier: false });
  });

  it('when a place has its tier set through an update, then the next report counts it in that tier', async () => {
    await t.db.query(`UPDATE key_place SET reach_tier_minutes = 3, updated_at = now() WHERE name = 'hospital@700'`);
    const r = await reachMap(t.db, 'car');
    const tier1 = r.tiers.find((x) => x.tierMinutes === 1);
    expect([tier1?.places, tier1?.met, tier1?.misses.length]).toEqual([1, 1, 0]);
    expect(r.tiers.find((x) => x.tierMinutes === 3)?.places).toBe(3);
    await t.db.query(`UPDATE key_place SET reach_tier_minutes = NULL WHERE name = 'hospital@700'`);
  });

  it('when a tier outside 1, 3, 5 is written, then the database refuses it', async () => {
    await expect(t.db.query(`UPDATE key_place SET reach_tier_minutes = 2 WHERE name = 'bank@2000'`)).rejects.toThrow();
  });
});

describe('reach tiers on a lattice vs pgr_withPointsCost (server)', () => {
  let t: TestDb;
  const kinds = ['government', 'transit_hub', 'hospital', 'school', 'kindergarten', 'bank', 'market', 'other'];
  beforeAll(async () => {
    if (!onServer) return;
    t = await openTestDb();
    await insertRoads(t, lattice(11).slice(0, 600));
    let s = 7;
    const rnd = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    // Posts and places inside blocks of the lattice's western part (its first 600 streets span 10 columns), so each
    // is nearest to a street's inside, never to a junction.
    const spot = () => ({ lon: 118.7 + 0.00085 * (0.2 + rnd() * 8.6), lat: 32.0 + 0.00072 * (0.2 + rnd() * 20) });
    const posts = Array.from({ length: 3 }, spot);
    for (const [i, p] of posts.entries())
      await t.db.query(`INSERT INTO post (name, geom) VALUES ($1, ST_SetSRID(ST_MakePoint($2, $3), 4326))`, [
        `岗亭${i}`,
        p.lon,
        p.lat,
      ]);
    await insertPlaces(
      t,
      Array.from({ length: 60 }, (_, i) => ({
        kind: kinds[i % kinds.length] ?? 'other',
        name: `p${i}`,
        tier: i % 7 === 0 ? 5 : null,
        ...spot(),
      })),
    );
  });
  afterAll(async () => t?.dispose());

  it.skipIf(!onServer)(
    'when every post searches at once, then each place’s minutes and every tier’s misses equal pgRouting’s',
    async () => {
      const r = await reachMap(t.db, 'car');
      // The posts and places on their nearest car edge (geography distance), at the fraction along it PostGIS finds.
      await t.db.exec(`
      CREATE TABLE ref_pts AS
      SELECT row_number() OVER (ORDER BY p.kind, p.id) AS pid, p.kind, p.id, e.id AS edge_id,
             ST_LineLocatePoint(e.geom, p.geom) AS fraction, 'b'::char AS side
      FROM (SELECT 'post' AS kind, id, geom FROM post UNION ALL SELECT 'place', id, ST_PointOnSurface(geom) FROM key_place) p
      CROSS JOIN LATERAL (SELECT id, geom FROM road_edge WHERE profile = 'car'
                          ORDER BY ST_Distance(geom::geography, p.geom::geography) LIMIT 1) e`);
      // pgr_withPointsCost from every post to every place, the least over the posts: the nearest post's time. (pgRouting
      // 3.4.2's pgr_withPointsDD with details => true lists only some of the points it passes, 20 of 60 here.)
      const rows = await t.db.query<{ id: number; c: number }>(
        `SELECT x.id::int AS id, min(d.agg_cost) AS c
       FROM pgr_withPointsCost(
         'SELECT id, source, target, cost, reverse_cost FROM road_edge WHERE profile = ''car''',
         'SELECT pid, edge_id, fraction, side FROM ref_pts',
         (SELECT array_agg(-pid) FROM ref_pts WHERE kind = 'post'), (SELECT array_agg(-pid) FROM ref_pts WHERE kind = 'place'),
         directed => true, driving_side => 'b') d
       JOIN ref_pts x ON x.pid = -d.end_pid AND x.kind = 'place'
       GROUP BY x.id`,
      );
      const ref = new Map(rows.map((x) => [x.id, x.c / 60]));
      const places = await t.db.query<{ id: number; kind: string; tier: number | null }>(
        'SELECT id::int AS id, kind, reach_tier_minutes::int AS tier FROM key_place',
      );
      let maxDiff = 0;
      for (const p of r.keyPlaces) {
        const theirs = ref.get(p.id) ?? null;
        expect(p.minutes === null, `place ${p.id} reached as for pgRouting`).toBe(theirs === null);
        if (p.minutes !== null && theirs !== null) maxDiff = Math.max(maxDiff, Math.abs(p.minutes - theirs) * 60);
      }
      const refMisses = (tier: number) =>
        places
          .filter((p) => (p.tier ?? defaultReachTier(p.kind)) === tier)
          .filter((p) => !((ref.get(p.id) ?? Infinity) <= tier + 1e-9))
          .map((p) => p.id)
          .sort((a, b) => a - b);
      const counts = r.tiers.map((x) => `${x.tierMinutes} min: ${x.met}/${x.places}`);
      console.info(`tiers ${counts.join(', ')}; ${ref.size} places compared, max |Δ| ${maxDiff.toExponential(2)} s`);
      expect(ref.size).toBeGreaterThanOrEqual(50);
      expect(maxDiff).toBeLessThan(1e-6);
      for (const x of r.tiers) {
        expect(
          x.misses.map((m) => m.id).sort((a, b) => a - b),
          `${x.tierMinutes} min`,
        ).toEqual(refMisses(x.tierMinutes));
        expect(x.places).toBeGreaterThan(0);
      }
      // Something to compare: the tiers are neither all met nor all missed.
      expect(r.tiers.some((x) => x.misses.length > 0)).toBe(true);
      expect(r.tiers.some((x) => x.met > 0)).toBe(true);
    },
  );
});
