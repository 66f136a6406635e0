import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postsNearSchools } from '../../src/db/repos/gate-duty.repo.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

/**
 * Posts near schools uses a degree box before the geography test (so the post index answers it). The box must never
 * drop a post the geography test keeps: posts just inside and just outside 150 m east, north and north-east of
 * schools from Sanya (18° N) to Mohe (53° N), checked against the plain geography join written out here.
 */
const LATS_DEG = [18.25, 32.0, 45.75, 53.47];
const EARTH_M = 6_371_008.8;
let t: TestDb;

beforeAll(async () => {
  t = await openTestDb();
  for (const [i, lat] of LATS_DEG.entries()) {
    const lon = 110 + i;
    await t.db.query(
      `INSERT INTO key_place (kind, name, geom) VALUES ('school', $1, ST_SetSRID(ST_MakePoint($2, $3), 4326))`,
      [`学校${i}`, lon, lat],
    );
    // On the sphere, metres to degrees; the geography test is on the ellipsoid, so 148/152 m sit either side of 150.
    for (const m of [148, 152]) {
      const dLat = (m / EARTH_M) * (180 / Math.PI);
      const dLon = dLat / Math.cos((lat * Math.PI) / 180);
      for (const [name, x, y] of [
        [`东${m}`, lon + dLon, lat],
        [`北${m}`, lon, lat + dLat],
        [`东北${m}`, lon + dLon / Math.SQRT2, lat + dLat / Math.SQRT2],
      ] as const) {
        await t.db.query(`INSERT INTO post (name, geom) VALUES ($1, ST_SetSRID(ST_MakePoint($2, $3), 4326))`, [
          `${i}${name}`,
          x,
          y,
        ]);
      }
    }
  }
});
afterAll(async () => t?.dispose());

describe('posts near schools', () => {
  it('when posts sit just inside and outside 150 m at 18°–53° N, then the boxed query keeps exactly the geography join', async () => {
    const ours = await postsNearSchools(t.db, 150);
    const reference = await t.db.query<{ schoolId: number; postId: number }>(
      `SELECT k.id::int AS "schoolId", p.id::int AS "postId" FROM key_place k JOIN post p
         ON ST_DWithin(p.geom::geography, ST_PointOnSurface(k.geom)::geography, 150) ORDER BY 1, 2`,
    );
    expect(ours.map((r) => [r.schoolId, r.postId])).toEqual(reference.map((r) => [r.schoolId, r.postId]));
    // Every school keeps its three 148 m posts and none of its 152 m ones.
    expect(ours).toHaveLength(LATS_DEG.length * 3);
    expect(ours.every((r) => r.name.includes('148'))).toBe(true);
  });
});
