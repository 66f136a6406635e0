import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/import/import.service.js';
import { isochrones, travelTimes } from '../../src/engines/routing/index.js';
import { isochrone, network } from '../../src/services/routing.service.js';
import { openTestDb, testDbKind, type TestDb } from '../helpers/test-db.js';

/**
 * The routing service on the real Monaco network (../shared/data, OpenStreetMap): the edges it stores in road_edge are
 * the graph it searches, so pgRouting on that table gives the same costs and reachable sets (server only; PGlite has
 * no pgRouting).
 */
const MONACO = path.resolve(import.meta.dirname, '../../../../shared/data/monaco/monaco.osm.pbf');
const onServer = testDbKind() === 'server';
let t: TestDb;
let hasPgRouting = false;

beforeAll(async () => {
  t = await openTestDb();
  await importFile(t.db, new Uint8Array(readFileSync(MONACO)), {
    fileName: 'monaco.osm.pbf',
    format: 'osm-pbf',
    actor: 'test',
  });
  if (onServer) hasPgRouting = (await t.db.query(`SELECT 1 FROM pg_extension WHERE extname = 'pgrouting'`)).length > 0;
  if (!onServer)
    console.warn(
      '[gridpatrol] embedded database: pgRouting comparisons of road_edge are skipped (PGlite has no pgRouting)',
    );
});
afterAll(async () => t?.dispose());

/** Deterministic spread of node ids. */
const pick = (count: number, n: number, salt: number) =>
  Array.from({ length: count }, (_, i) => (i * 7919 + salt * 104_729) % n);

describe('road network on Monaco', () => {
  it('when the network is built, then road_edge holds one row per graph edge and a road edit rebuilds it', async () => {
    const net = await network(t.db, 'car');
    const [row] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM road_edge WHERE profile = 'car'`);
    expect(row!.n).toBe(net.graph.edgeCount);
    expect(net.graph.edgeCount).toBeGreaterThan(1000);
    expect(await network(t.db, 'car')).toBe(net);
    await t.db.exec(
      `UPDATE road SET speed_kmh = 20, updated_at = now() + interval '1 second' WHERE id = (SELECT min(id) FROM road WHERE road_class = 'primary')`,
    );
    expect(await network(t.db, 'car'), 'a changed road means a new graph').not.toBe(net);
  });

  it.skipIf(!onServer)(
    'when 1,024 node pairs are costed, then the engine equals pgr_dijkstraCost on road_edge within 1e-6',
    async () => {
      if (!hasPgRouting)
        throw new Error('pgrouting extension missing on the test server: CREATE EXTENSION pgrouting (see .ci/run)');
      const g = (await network(t.db, 'car')).graph;
      const sources = pick(32, g.nodeCount, 1),
        targets = pick(32, g.nodeCount, 2);
      const rows = await t.db.query<{ start_vid: number; end_vid: number; agg_cost: number }>(
        `SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost(
         'SELECT id, source, target, cost, reverse_cost FROM road_edge WHERE profile = ''car''', $1::bigint[], $2::bigint[], true)`,
        [sources.map((s) => s + 1), targets.map((s) => s + 1)],
      );
      const ref = new Map(rows.map((r) => [`${r.start_vid - 1}:${r.end_vid - 1}`, r.agg_cost]));
      let compared = 0,
        reachable = 0;
      for (const s of sources) {
        const times = travelTimes(g, [{ node: s }]).seconds;
        for (const d of targets) {
          const ours = times[d] ?? Infinity;
          const theirs = s === d ? 0 : ref.get(`${s}:${d}`);
          compared++;
          if (theirs === undefined) {
            expect(ours, `${s}→${d}: pgRouting finds no path`).toBe(Infinity);
            continue;
          }
          reachable++;
          expect(Math.abs(ours - theirs), `${s}→${d}: ours ${ours}, pgRouting ${theirs}`).toBeLessThan(1e-6);
        }
      }
      expect(compared).toBe(1024);
      expect(reachable, 'most pairs of a city network connect').toBeGreaterThan(700);
    },
  );

  it.skipIf(!onServer)(
    'when a 3-minute isochrone is drawn from a junction, then its node set equals pgr_drivingDistance on road_edge',
    async () => {
      const g = (await network(t.db, 'car')).graph;
      for (const start of pick(3, g.nodeCount, 5)) {
        const [band] = isochrones(g, [{ node: start }], [180]);
        const rows = await t.db.query<{ node: number }>(
          `SELECT node FROM pgr_drivingDistance('SELECT id, source, target, cost, reverse_cost FROM road_edge WHERE profile = ''car''', $1::bigint, 180, true)`,
          [start + 1],
        );
        expect(band!.nodes, `start ${start}`).toEqual(rows.map((r) => r.node - 1).sort((a, b) => a - b));
      }
    },
  );

  it('when a 5-minute isochrone area is drawn on the engine raster, then it matches PostGIS ST_Buffer(geography) of its roads to 1 %', async () => {
    // Casino square, Monte-Carlo: a mid-street start; foot is Monaco's 5,000+-edge network (steps, footways).
    for (const profile of ['car', 'foot'] as const) {
      const net = await network(t.db, profile);
      const a = await isochrone(t.db, profile, 7.4275, 43.7395, [5]);
      const band = a.bands[0]!;
      expect(band.roads.length).toBeGreaterThan(100);
      const [r] = await t.db.query<{ ours: number; ref: number; diff: number }>(
        `WITH x AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS ours,
                           ST_Buffer(ST_GeomFromGeoJSON($2)::geography, 40, 'quad_segs=8')::geometry AS ref)
         SELECT ST_Area(ours::geography) AS ours, ST_Area(ref::geography) AS ref,
                ST_Area(ST_SymDifference(ours, ref)::geography) AS diff FROM x`,
        [JSON.stringify(band.area), JSON.stringify({ type: 'MultiLineString', coordinates: band.roads })],
      );
      console.info(
        `5-min ${profile} area (${net.graph.edgeCount} edges, ${band.roads.length} pieces): ours ${(r!.ours / 1e6).toFixed(4)} km² (engine says ${(band.areaSquareMeters / 1e6).toFixed(4)}), PostGIS geography buffer ${(r!.ref / 1e6).toFixed(4)} km², symmetric difference ${((100 * r!.diff) / r!.ref).toFixed(2)} %`,
      );
      expect(Math.abs(r!.ours - r!.ref) / r!.ref, profile).toBeLessThan(0.01);
      expect(Math.abs(band.areaSquareMeters - r!.ref) / r!.ref, `${profile}: the area the engine reports`).toBeLessThan(
        0.01,
      );
      expect(r!.diff / r!.ref, `${profile}: the two outlines nearly coincide, not just their areas`).toBeLessThan(0.02);
    }
  }, 120_000);
});
