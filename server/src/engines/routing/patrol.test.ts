import { describe, expect, it } from 'vitest';
import { planPatrol, travelMatrix, type PatrolProblem, type PatrolStopInput } from './patrol.js';
import { buildRoadGraph, type RoadInput } from './road-graph.js';
import { FOOT } from './travel-profile.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** 8 × 8 junctions, ~100 m blocks, walked at 5 km/h (72 s a block). */
function grid(): RoadInput[] {
  const at = (i: number, j: number) => [118.78 + i * 0.00106, 32.04 + j * 0.0009] as [number, number];
  const roads: RoadInput[] = [];
  for (let i = 0; i < 8; i++)
    for (let j = 0; j < 8; j++) {
      if (i < 7)
        roads.push({
          id: roads.length + 1,
          coordinates: [at(i, j), at(i + 1, j)],
          roadClass: 'residential',
          oneway: 0,
          speedKmh: 5,
        });
      if (j < 7)
        roads.push({
          id: roads.length + 1,
          coordinates: [at(i, j), at(i, j + 1)],
          roadClass: 'residential',
          oneway: 0,
          speedKmh: 5,
        });
    }
  return roads;
}

function problem(seed: number): PatrolProblem {
  const rnd = rng(seed);
  const graph = buildRoadGraph(grid(), FOOT);
  const node = () => Math.floor(rnd() * graph.nodeCount);
  const stops: PatrolStopInput[] = [
    { id: 'cp1', node: node(), dwellSeconds: 300, kind: 'checkpoint' },
    { id: 'cp2', node: node(), dwellSeconds: 300, kind: 'checkpoint' },
    ...Array.from({ length: 7 }, (_, k): PatrolStopInput => {
      // Hot in the first or the second hour of the shift only: the order matters, not just the set.
      const base = 1 + Math.floor(rnd() * 9);
      const hot = rnd() < 0.5 ? 20 : 21;
      return {
        id: `hot${k}`,
        node: node(),
        dwellSeconds: 120,
        kind: 'prize',
        prizeByHour: Array.from({ length: 24 }, (_, h) => (h === hot ? base * 2 : base)),
      };
    }),
  ];
  return { graph, depotNode: node(), shiftSeconds: 2 * 3600, startHour: 20, stops };
}

const EARTH_RADIUS_M = 6_371_008.8; // mean radius (IUGG), the one the road graph measures with
const WALK_MPS = 5 / 3.6;

/** Great-circle distance, the haversine formula written out (not the engine's). */
function greatCircleMeters(a: readonly [number, number], b: readonly [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLon = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
}

/**
 * Walking seconds between every pair of places (depot first, then the stops), by Floyd–Warshall over the road list
 * itself: the engine's travel matrix, Dijkstra and route scoring take no part.
 */
function referenceSeconds(p: PatrolProblem, roads: readonly RoadInput[]): number[][] {
  const key = (c: readonly number[]) => `${c[0]},${c[1]}`;
  const nodeOf = new Map<string, number>();
  for (let v = 0; v < p.graph.nodeCount; v++) nodeOf.set(key([p.graph.nodeLon[v]!, p.graph.nodeLat[v]!]), v);
  const n = p.graph.nodeCount;
  const d = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : Infinity)));
  for (const r of roads) {
    const a = r.coordinates[0]!;
    const b = r.coordinates[r.coordinates.length - 1]!;
    const u = nodeOf.get(key(a))!;
    const v = nodeOf.get(key(b))!;
    const s = greatCircleMeters(a as [number, number], b as [number, number]) / WALK_MPS;
    d[u]![v] = Math.min(d[u]![v]!, s);
    d[v]![u] = Math.min(d[v]![u]!, s);
  }
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) if (d[i]![k]! + d[k]![j]! < d[i]![j]!) d[i]![j] = d[i]![k]! + d[k]![j]!;
  const places = [p.depotNode, ...p.stops.map((s) => s.node)];
  return places.map((a) => places.map((b) => d[a]![b]!));
}

/** A route's walking time and prize, scored from scratch: prize by the Beijing hour of arrival, back to the post. */
function referenceScore(
  p: PatrolProblem,
  sec: number[][],
  order: readonly number[],
): { seconds: number; prize: number } {
  let t = 0,
    prize = 0,
    at = 0;
  for (const i of order) {
    t += sec[at]![i + 1]!;
    const stop = p.stops[i]!;
    prize += stop.prizeByHour?.[Math.floor(p.startHour + t / 3600) % 24] ?? 0;
    t += stop.dwellSeconds;
    at = i + 1;
  }
  return { seconds: t + sec[at]![0]!, prize };
}

/**
 * The exact optimum by enumeration: every subset and order of the prize stops together with both checkpoints, pruned
 * when the partial route plus the walk home already overruns the shift (walking times only grow as stops are added).
 */
function bruteForce(p: PatrolProblem, sec: number[][]): number {
  const n = p.stops.length;
  let best = -Infinity;
  const used = new Array<boolean>(n).fill(false);
  const order: number[] = [];
  const dfs = (checkpoints: number) => {
    const r = referenceScore(p, sec, order);
    if (r.seconds <= p.shiftSeconds && checkpoints === 2) best = Math.max(best, r.prize);
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      order.push(i);
      used[i] = true;
      if (referenceScore(p, sec, order).seconds <= p.shiftSeconds)
        dfs(checkpoints + (p.stops[i]!.kind === 'checkpoint' ? 1 : 0));
      order.pop();
      used[i] = false;
    }
  };
  dfs(0);
  return best;
}

describe('planPatrol', () => {
  it('when compared with an independent brute force on 8 small instances, then it finds the optimum on every one', () => {
    const found: string[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const p = problem(seed);
      const sec = referenceSeconds(p, grid());
      const plan = planPatrol(p);
      expect(plan.kind).toBe('ok');
      if (plan.kind !== 'ok') continue;
      // The plan as the reference scores it: inside the shift, both checkpoints, and the prize it claims.
      const order = plan.stops.map((s) => p.stops.findIndex((x) => x.id === s.id));
      const own = referenceScore(p, sec, order);
      expect(own.seconds).toBeLessThanOrEqual(p.shiftSeconds + 1e-6);
      expect(own.seconds).toBeCloseTo(plan.totalSeconds, 6);
      expect(own.prize).toBe(plan.prize);
      expect(
        plan.stops
          .filter((s) => s.kind === 'checkpoint')
          .map((s) => s.id)
          .sort(),
      ).toEqual(['cp1', 'cp2']);
      const optimum = bruteForce(p, sec);
      found.push(`${plan.prize}/${optimum}`);
      expect(plan.prize, `seed ${seed}`).toBe(optimum);
    }
    console.info(`patrol prize / brute-force optimum: ${found.join(', ')}`);
  }, 300_000); // enumeration of 9 stops per instance: tens of seconds on a busy 2-core machine

  it('when the checkpoints alone overrun the shift, then the plan says infeasible and why', () => {
    const p = { ...problem(1), shiftSeconds: 600 };
    const plan = planPatrol(p);
    expect(plan.kind).toBe('infeasible');
    expect(plan.kind === 'infeasible' && plan.reason).toMatch(/checkpoints alone take \d+ min/);
  });

  it('when stops are listed, then arrival times follow the travel matrix and dwell times', () => {
    const p = problem(3);
    const plan = planPatrol(p);
    if (plan.kind !== 'ok') throw new Error('expected a plan');
    const m = travelMatrix(p);
    let t = 0,
      at = 0;
    for (const s of plan.stops) {
      const i = p.stops.findIndex((x) => x.id === s.id);
      t += m.seconds[at]![i + 1]!;
      expect(s.arrivalSeconds).toBeCloseTo(t, 9);
      t += p.stops[i]!.dwellSeconds;
      at = i + 1;
    }
  });
});
