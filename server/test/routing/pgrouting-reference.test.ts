import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRoadGraph, CAR, FOOT, isochrones, travelTimes } from '../../src/engines/routing/index.js';
import { openTestDb, testDbKind, type TestDb } from '../helpers/test-db.js';
import { lattice } from './lattice.js';
import { storeEdgesForPgRouting } from './road-graph-store.js';

const onServer = testDbKind() === 'server';

let t: TestDb;
beforeAll(async () => {
  if (onServer) t = await openTestDb({ migrate: false });
});
afterAll(async () => t?.dispose());

describe('routing engine vs pgRouting', () => {
  it.skipIf(!onServer)(
    'when 1,024 origin–destination pairs are routed by car, then costs equal pgr_dijkstraCost within 1e-6 s',
    async () => {
      const g = buildRoadGraph(lattice(11), CAR);
      await storeEdgesForPgRouting(t.db, g, 'ref_edges');
      const starts = Array.from({ length: 32 }, (_, k) => (k * 97) % g.nodeCount);
      const ends = Array.from({ length: 32 }, (_, k) => (k * 61 + 13) % g.nodeCount);
      const ref = await t.db.query<{ s: number; e: number; c: number }>(
        `SELECT start_vid - 1 AS s, end_vid - 1 AS e, agg_cost AS c FROM pgr_dijkstraCost(
         'SELECT id, source, target, cost, reverse_cost FROM ref_edges', $1::bigint[], $2::bigint[], directed => true)`,
        [starts.map((v) => v + 1), ends.map((v) => v + 1)],
      );
      const refCost = new Map(ref.map((r) => [`${r.s}-${r.e}`, r.c]));
      let compared = 0;
      let maxDiff = 0;
      for (const s of starts) {
        const ours = travelTimes(g, [{ node: s }]).seconds;
        for (const e of ends) {
          if (s === e) continue;
          const theirs = refCost.get(`${s}-${e}`);
          const mine = ours[e] ?? Infinity;
          expect(Number.isFinite(mine), `pair ${s}→${e}: reachable for pgRouting ${theirs !== undefined}`).toBe(
            theirs !== undefined,
          );
          if (theirs !== undefined) {
            maxDiff = Math.max(maxDiff, Math.abs(mine - theirs));
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(900);
      expect(maxDiff, 'largest |ours − pgr_dijkstraCost| in seconds').toBeLessThan(1e-6);
    },
  );

  it.skipIf(!onServer)(
    'when isochrones of 1, 3 and 5 minutes are drawn, then their node sets equal pgr_drivingDistance',
    async () => {
      for (const profile of [CAR, FOOT]) {
        const g = buildRoadGraph(lattice(5), profile);
        await storeEdgesForPgRouting(t.db, g, 'iso_edges');
        for (const start of [0, Math.floor(g.nodeCount / 2), g.nodeCount - 1]) {
          const bands = isochrones(g, [{ node: start }], [60, 180, 300]);
          for (const band of bands) {
            const ref = await t.db.query<{ node: number }>(
              `SELECT node - 1 AS node FROM pgr_drivingDistance(
               'SELECT id, source, target, cost, reverse_cost FROM iso_edges', $1::bigint, $2::float8, directed => true)
             ORDER BY node`,
              [start + 1, band.limitSeconds],
            );
            expect(band.nodes, `${profile.name} from ${start}, ${band.limitSeconds} s`).toEqual(ref.map((r) => r.node));
          }
          expect(bands[0]!.nodes.length).toBeLessThan(bands[2]!.nodes.length);
        }
      }
    },
  );

  it.skipIf(onServer)(
    'when on the embedded database, then this reference check is skipped: PGlite has no pgRouting',
    () => {
      expect(testDbKind()).toBe('embedded');
    },
  );
});
