import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  arrivalAt,
  arrivalSeconds,
  originsFor,
  routeBetween,
  travelTimes,
  type EdgePoint,
  type RoadGraph,
  type RoadInput,
} from '../../src/engines/routing/index.js';
import { network, type ProfileName } from '../../src/services/routing.service.js';
import { openTestDb, testDbKind, type TestDb } from '../helpers/test-db.js';
import { lattice } from './lattice.js';

/**
 * Points on edges against pgRouting's own points-on-edges functions on the same road_edge table the service writes:
 * pgr_withPointsCost for point-to-point costs and pgr_withPointsDD for what a point reaches, with starts in the middle of
 * edges, at both ends' sides, on one-way streets and on a dead end (server only: PGlite has no pgRouting).
 */
const onServer = testDbKind() === 'server';
let t: TestDb;

/** The lattice with one dead-end spur off its south-west corner, so a start can sit on a street that leads nowhere. */
function roads(): RoadInput[] {
  const rs = lattice(7).slice(0, 420);
  rs.push({
    id: rs.length + 1,
    coordinates: [
      [118.7, 32.0],
      [118.6995, 31.9995],
      [118.699, 31.999],
    ],
    roadClass: 'residential',
    oneway: 0,
    speedKmh: 30,
  });
  return rs;
}

beforeAll(async () => {
  if (!onServer) return;
  t = await openTestDb();
  const rs = roads();
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
});
afterAll(async () => t?.dispose());

/** Points spread over the graph: every kind of edge (one-way either way, two-way, the spur), fractions inside (0, 1). */
function points(g: RoadGraph): EdgePoint[] {
  const out: EdgePoint[] = [];
  const fractions = [0.5, 0.13, 0.87, 0.31, 0.66];
  const want = { fwdOnly: 4, revOnly: 4, both: 8 };
  for (let e = 0; e < g.edgeCount && want.fwdOnly + want.revOnly + want.both > 0; e += 7) {
    const f = (g.edgeCost[e] ?? -1) >= 0,
      r = (g.edgeReverseCost[e] ?? -1) >= 0;
    const kind = f && r ? 'both' : f ? 'fwdOnly' : 'revOnly';
    if (want[kind] <= 0) continue;
    want[kind]--;
    out.push({ edge: e, fraction: fractions[out.length % fractions.length] ?? 0.5 });
  }
  // The spur is the last road, so its edge is the last edge; its far end is a dead end.
  out.push({ edge: g.edgeCount - 1, fraction: 0.4 });
  // Two points on one edge, so a route between them stays on that street (either way it allows).
  const shared = out[0]!;
  out.push({ edge: shared.edge, fraction: 0.2 }, { edge: shared.edge, fraction: 0.9 });
  return out;
}

const edgesSql = (profile: ProfileName) =>
  `SELECT id, source, target, cost, reverse_cost FROM road_edge WHERE profile = ''${profile}''`;

async function storePoints(pts: readonly EdgePoint[]): Promise<void> {
  await t.db.exec(
    'DROP TABLE IF EXISTS ref_points; CREATE TABLE ref_points (pid bigint, edge_id bigint, fraction float8, side char)',
  );
  await t.db.query(
    `INSERT INTO ref_points SELECT i, e, f, 'b' FROM unnest($1::bigint[], $2::bigint[], $3::float8[]) AS p(i, e, f)`,
    [pts.map((_, i) => i + 1), pts.map((p) => p.edge + 1), pts.map((p) => p.fraction)],
  );
}

describe('points on edges vs pgRouting withPoints', () => {
  for (const profile of ['car', 'foot'] as const) {
    it.skipIf(!onServer)(
      `when routing ${profile} between mid-edge points, then costs equal pgr_withPointsCost within 1e-6 s`,
      async () => {
        const g = (await network(t.db, profile)).graph;
        const pts = points(g);
        await storePoints(pts);
        const ids = pts.map((_, i) => -(i + 1));
        const rows = await t.db.query<{ s: number; e: number; c: number }>(
          `SELECT -start_pid AS s, -end_pid AS e, agg_cost AS c FROM pgr_withPointsCost('${edgesSql(profile)}',
           'SELECT pid, edge_id, fraction, side FROM ref_points', $1::bigint[], $2::bigint[], directed => true, driving_side => 'b')`,
          [ids, ids],
        );
        const ref = new Map(rows.map((r) => [`${r.s - 1}:${r.e - 1}`, r.c]));
        let compared = 0,
          maxDiff = 0,
          sameEdge = 0;
        pts.forEach((from, i) => {
          const times = travelTimes(g, originsFor(g, from)).seconds;
          pts.forEach((to, j) => {
            if (i === j) return;
            const mine = arrivalAt(g, times, to, [from]).seconds;
            // The allocation-free cost and the route's search that stops at the target's edge give the same answer.
            expect(arrivalSeconds(g, times, to, from)).toBe(mine);
            expect(routeBetween(g, from, to)?.seconds ?? Infinity, `${profile} ${i}→${j} routed`).toBe(mine);
            const theirs = ref.get(`${i}:${j}`);
            expect(Number.isFinite(mine), `${profile} ${i}→${j} reachable as for pgRouting (${theirs})`).toBe(
              theirs !== undefined,
            );
            if (theirs === undefined) return;
            maxDiff = Math.max(maxDiff, Math.abs(mine - theirs));
            compared++;
            if (from.edge === to.edge) sameEdge++;
          });
        });
        console.info(
          `${profile}: ${compared} point pairs compared (${sameEdge} on a shared edge), max |Δ| ${maxDiff.toExponential(2)} s`,
        );
        // On foot every street is two-way, so only the two-way kind (and the spur) is there to pick: 11 points.
        expect(compared).toBeGreaterThanOrEqual(profile === 'car' ? 300 : 110);
        expect(sameEdge).toBeGreaterThanOrEqual(4);
        expect(maxDiff).toBeLessThan(1e-6);
      },
      120_000,
    );

    it.skipIf(!onServer)(
      `when a ${profile} isochrone starts mid-edge, then its nodes and times equal pgr_withPointsDD`,
      async () => {
        const g = (await network(t.db, profile)).graph;
        const pts = points(g);
        await storePoints(pts);
        let compared = 0,
          maxDiff = 0;
        for (const [i, start] of pts.entries()) {
          const limit = profile === 'car' ? 120 : 600; // 2 min by car, 10 min on foot: a few hundred metres either way
          const times = travelTimes(g, originsFor(g, start), { limitSeconds: limit }).seconds;
          const rows = await t.db.query<{ node: number; c: number }>(
            `SELECT node, agg_cost AS c FROM pgr_withPointsDD('${edgesSql(profile)}', 'SELECT pid, edge_id, fraction, side FROM ref_points',
             $1::bigint, $2::float8, directed => true, driving_side => 'b', details => false) WHERE node > 0 ORDER BY node`,
            [-(i + 1), limit],
          );
          const mine: number[] = [];
          for (let v = 0; v < g.nodeCount; v++) if ((times[v] ?? Infinity) <= limit) mine.push(v + 1);
          expect(mine, `${profile} from point ${i}`).toEqual(rows.map((r) => r.node));
          for (const r of rows) {
            maxDiff = Math.max(maxDiff, Math.abs((times[r.node - 1] ?? Infinity) - r.c));
            compared++;
          }
        }
        console.info(`${profile}: ${compared} reached nodes compared, max |Δ| ${maxDiff.toExponential(2)} s`);
        expect(compared).toBeGreaterThan(100);
        expect(maxDiff).toBeLessThan(1e-6);
      },
      120_000,
    );
  }

  it.skipIf(onServer)(
    'when on the embedded database, then this reference check is skipped: PGlite has no pgRouting',
    () => {
      expect(testDbKind()).toBe('embedded');
    },
  );
});
