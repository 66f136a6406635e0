import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRoadGraph, CAR, travelTimes, type RoadInput } from '../../src/engines/routing/index.js';
import { openTestDb, testDbKind, type TestDb } from '../helpers/test-db.js';
import { storeEdgesForPgRouting } from './road-graph-store.js';

const onServer = testDbKind() === 'server';

/** A 30 × 30 street lattice (~80 m blocks) with one-way streets, mixed speeds and a few footways, from a seed. */
function lattice(seed: number): RoadInput[] {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const roads: RoadInput[] = [];
  const at = (i: number, j: number) => [118.7 + i * 0.00085, 32.0 + j * 0.00072] as const;
  let id = 1;
  for (let i = 0; i < 30; i++) {
    for (let j = 0; j < 30; j++) {
      for (const [di, dj] of [[1, 0], [0, 1]] as const) {
        if (i + di >= 30 || j + dj >= 30) continue;
        const r = rnd();
        roads.push({
          id: id++, coordinates: [at(i, j), at(i + di / 2, j + dj / 2), at(i + di, j + dj)],
          roadClass: r < 0.05 ? 'footway' : r < 0.2 ? 'primary' : 'residential',
          oneway: r > 0.85 ? 1 : r > 0.75 ? -1 : 0, speedKmh: r < 0.2 ? 50 : 30,
        });
      }
    }
  }
  return roads;
}

let t: TestDb;
beforeAll(async () => {
  if (onServer) t = await openTestDb({ migrate: false });
});
afterAll(async () => t?.dispose());

describe('routing engine vs pgRouting', () => {
  it.skipIf(!onServer)('when 1,024 origin–destination pairs are routed by car, then costs equal pgr_dijkstraCost within 1e-6 s', async () => {
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
        expect(Number.isFinite(mine), `pair ${s}→${e}: reachable for pgRouting ${theirs !== undefined}`).toBe(theirs !== undefined);
        if (theirs !== undefined) {
          maxDiff = Math.max(maxDiff, Math.abs(mine - theirs));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(900);
    expect(maxDiff, 'largest |ours − pgr_dijkstraCost| in seconds').toBeLessThan(1e-6);
  });

  it.skipIf(onServer)('when on the embedded database, then this reference check is skipped: PGlite has no pgRouting', () => {
    expect(testDbKind()).toBe('embedded');
  });
});
