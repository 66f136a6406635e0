import { describe, expect, it } from 'vitest';
import { evaluateRoute, planPatrol, travelMatrix, type PatrolProblem, type PatrolStopInput } from './patrol.js';
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

/** The exact optimum: every subset and order of prize stops with both checkpoints, pruned by the shift length. */
function bruteForce(p: PatrolProblem): number {
  const m = travelMatrix(p);
  const n = p.stops.length;
  let best = -Infinity;
  const used = new Array<boolean>(n).fill(false);
  const order: number[] = [];
  const dfs = () => {
    const r = evaluateRoute(p, m, order);
    if (r.seconds <= p.shiftSeconds && order.filter((i) => p.stops[i]?.kind === 'checkpoint').length === 2) {
      best = Math.max(best, r.prize);
    }
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      order.push(i);
      used[i] = true;
      // Prune: going out to i and straight back already overruns the shift.
      if (evaluateRoute(p, m, order).seconds <= p.shiftSeconds) dfs();
      order.pop();
      used[i] = false;
    }
  };
  dfs();
  return best;
}

describe('planPatrol', () => {
  it('when compared with the exact optimum on 5 small instances, then it collects ≥ 95 % of the best prize', () => {
    const ratios: number[] = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      const p = problem(seed);
      const plan = planPatrol(p);
      expect(plan.kind).toBe('ok');
      if (plan.kind !== 'ok') continue;
      expect(plan.totalSeconds).toBeLessThanOrEqual(p.shiftSeconds);
      expect(
        plan.stops
          .filter((s) => s.kind === 'checkpoint')
          .map((s) => s.id)
          .sort(),
      ).toEqual(['cp1', 'cp2']);
      ratios.push(plan.prize / bruteForce(p));
    }
    console.info(`patrol prize / optimum: ${ratios.map((r) => r.toFixed(4)).join(', ')}`);
    expect(Math.min(...ratios)).toBeGreaterThanOrEqual(0.95);
  }, 120_000); // brute force over 9 stops: seconds on a busy 2-core machine

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
