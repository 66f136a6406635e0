import { at } from '../shared/checked.js';
import { bestBoundaryMove } from './boundary-move.js';
import type { GridGraph } from './grid-graph.js';
import { balanceOf, beatShape, weightedLoad, type Balance } from './scores.js';

export interface DistrictingOptions {
  beats: number;
  /** Workload weights per measure, e.g. { incidents: 1, population: 0.01 }. */
  weights: Readonly<Record<string, number>>;
  /** Accepted deviation of each beat's load from the mean. Default 0.10 (±10 %). */
  tolerance?: number;
  /** Weight of compactness (1 − Polsby–Popper) against balance in the objective. Default 0.2. */
  compactnessWeight?: number;
  /** Grid ids to grow beats from, one per beat; default: spread out over the grid graph. */
  seeds?: readonly string[];
  /** Grids that must stay in the beat of the given seed index (locked beats, a station's own grid). */
  locked?: ReadonlyMap<string, number>;
  /**
   * The plan in force (beat index per grid, all of 0…beats−1 used, each beat contiguous): the search also starts from
   * it and the better of the two drafts is returned. Its locked grids must already sit in their beats.
   */
  current?: readonly number[];
  /** Tabu tenure: moves of a grid are barred for this many iterations after it moved. Default 7. */
  tabuTenure?: number;
  maxIterations?: number;
  signal?: AbortSignal;
}

export interface DistrictPlan {
  /** Beat index per grid (same order as the graph's units). */
  assignment: number[];
  loads: number[];
  polsbyPopper: number[];
  balance: Balance;
  objective: number;
  /** Objective of the region-growing start, to show what the search gained. */
  initialObjective: number;
  withinTolerance: boolean;
}

/**
 * A draft beat plan: every beat a contiguous union of whole grids, loads balanced, shapes compact. Greedy region
 * growing from spread-out seeds (the lightest beat takes the neighbouring grid it shares most boundary with), then a
 * tabu search over single-grid boundary moves (the move family of police-districting work such as Bozkaya, Erkut &
 * Laporte 2003): take the best move that keeps the donor contiguous and is not tabu, even if it worsens the objective,
 * and keep the best plan seen. Objective: Σ (load/mean − 1)² + λ · Σ (1 − Polsby–Popper).
 */
export function autoDistrict(g: GridGraph, opts: DistrictingOptions): DistrictPlan {
  const grown = searchFrom(g, opts, null);
  if (!opts.current) return grown;
  // The same search started from the plan in force: a draft is then never worse than what the planner has now.
  const fromCurrent = searchFrom(g, opts, opts.current);
  return fromCurrent.objective < grown.objective - 1e-12
    ? { ...fromCurrent, initialObjective: grown.initialObjective }
    : grown;
}

function searchFrom(g: GridGraph, opts: DistrictingOptions, start: readonly number[] | null): DistrictPlan {
  const n = g.units.length;
  const k = opts.beats;
  if (k < 1 || k > n) throw new RangeError(`cannot make ${k} beats from ${n} grids`);
  const lambda = opts.compactnessWeight ?? 0.2;
  const unitLoad = g.units.map((_, i) => weightedLoad(g, [i], opts.weights));
  const mean = unitLoad.reduce((s, v) => s + v, 0) / k;
  const seeds = start ? [] : (opts.seeds?.map((id) => g.index.get(id) ?? -1) ?? spreadSeeds(g, k));
  if (!start && (seeds.length !== k || seeds.some((s) => s < 0)))
    throw new RangeError('seeds must name one existing grid per beat');

  const assignment = start ? [...start] : grow(g, seeds, unitLoad, opts.locked);
  const members = Array.from({ length: k }, (_, b) => new Set(assignment.flatMap((a, i) => (a === b ? [i] : []))));
  const loads = members.map((m) => [...m].reduce((s, i) => s + at(unitLoad, i), 0));
  const pp = members.map((m) => beatShape(g, m).polsbyPopper);
  const term = (load: number, p: number) => (mean > 0 ? (load / mean - 1) ** 2 : 0) + lambda * (1 - p);
  const objectiveOf = () => loads.reduce((s, l, b) => s + term(l, at(pp, b)), 0);
  const initialObjective = objectiveOf();

  // A locked grid outside this graph is no unit here (-1 matches none), as grow() skips it too.
  const lockedIdx = new Set([...(opts.locked?.keys() ?? [])].map((id) => g.index.get(id) ?? -1));
  const tabuUntil = new Int32Array(n);
  const tenure = opts.tabuTenure ?? 7;
  let best = { assignment: [...assignment], objective: initialObjective, iteration: 0 };
  let current = initialObjective;
  const maxIt = opts.maxIterations ?? 20 * n;
  for (let it = 1; it <= maxIt; it++) {
    opts.signal?.throwIfAborted();
    const move = bestBoundaryMove(g, assignment, members, {
      movable: (i) => !(lockedIdx.has(i) || seeds.includes(i)),
      joinable: () => true,
      // hot loop: i, from and to come from bestBoundaryMove over the arrays' own indexes (every boundary candidate).
      delta: (i, from, to, ppFrom, ppTo) => {
        const li = unitLoad[i] ?? 0;
        return (
          term((loads[from] ?? 0) - li, ppFrom) +
          term((loads[to] ?? 0) + li, ppTo) -
          term(loads[from] ?? 0, pp[from] ?? 0) -
          term(loads[to] ?? 0, pp[to] ?? 0)
        );
      },
      // A tabu move that beats the best is allowed. hot loop: i is a unit index of the same graph (tabuUntil has n).
      allowed: (i, delta) => !((tabuUntil[i] ?? 0) > it && !(current + delta < best.objective - 1e-12)),
    });
    if (!move) break;
    const { i, from, to } = move;
    assignment[i] = to;
    members[from]?.delete(i);
    members[to]?.add(i);
    loads[from] = at(loads, from) - at(unitLoad, i);
    loads[to] = at(loads, to) + at(unitLoad, i);
    pp[from] = move.ppFrom;
    pp[to] = move.ppTo;
    current += move.delta;
    tabuUntil[i] = it + tenure;
    if (current < best.objective - 1e-12) best = { assignment: [...assignment], objective: current, iteration: it };
    else if (it - best.iteration > 4 * tenure + n) break; // long without a new best: stop
  }
  return summarise(g, best.assignment, unitLoad, k, mean, lambda, initialObjective, opts.tolerance ?? 0.1);
}

function summarise(
  g: GridGraph,
  assignment: number[],
  unitLoad: number[],
  k: number,
  mean: number,
  lambda: number,
  initialObjective: number,
  tolerance: number,
): DistrictPlan {
  const members = Array.from({ length: k }, (_, b) => new Set(assignment.flatMap((a, i) => (a === b ? [i] : []))));
  const loads = members.map((m) => [...m].reduce((s, i) => s + at(unitLoad, i), 0));
  const polsbyPopper = members.map((m) => beatShape(g, m).polsbyPopper);
  const objective = loads.reduce(
    (s, l, b) => s + (mean > 0 ? (l / mean - 1) ** 2 : 0) + lambda * (1 - at(polsbyPopper, b)),
    0,
  );
  return {
    assignment,
    loads,
    polsbyPopper,
    balance: balanceOf('weighted', loads),
    objective,
    initialObjective,
    withinTolerance: loads.every((l) => mean === 0 || Math.abs(l / mean - 1) <= tolerance),
  };
}

/** k seeds spread over the graph: each next seed is the grid farthest (in hops) from those chosen. */
export function spreadSeeds(g: GridGraph, k: number): number[] {
  const seeds = [0];
  const dist = hops(g, 0);
  while (seeds.length < k) {
    let far = -1;
    for (let i = 0; i < g.units.length; i++)
      if (!seeds.includes(i) && (far < 0 || at(dist, i) > at(dist, far))) far = i;
    seeds.push(far);
    const d = hops(g, far);
    for (let i = 0; i < dist.length; i++) dist[i] = Math.min(at(dist, i), at(d, i));
  }
  return seeds;
}

function hops(g: GridGraph, from: number): number[] {
  const d = new Array<number>(g.units.length).fill(Infinity);
  d[from] = 0;
  const queue = [from];
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q] as number;
    for (const [w] of g.neighbours[v] ?? [])
      if (d[w] === Infinity) {
        d[w] = at(d, v) + 1;
        queue.push(w);
      }
  }
  return d;
}

/** Region growing: the lightest beat with a free neighbour takes the one it shares most boundary with. */
export function grow(
  g: GridGraph,
  seeds: number[],
  unitLoad: number[],
  locked?: ReadonlyMap<string, number>,
): number[] {
  const assignment = new Array<number>(g.units.length).fill(-1);
  const loads = seeds.map((s) => at(unitLoad, s, 'seed'));
  seeds.forEach((s, b) => {
    assignment[s] = b;
  });
  for (const [id, b] of locked ?? []) {
    const i = g.index.get(id);
    if (i !== undefined && assignment[i] === -1) {
      assignment[i] = b;
      loads[b] = at(loads, b, 'locked beat') + at(unitLoad, i);
    }
  }
  for (;;) {
    const order = loads.map((l, b) => [l, b] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let grew = false;
    for (const [, b] of order) {
      const shared = new Map<number, number>();
      assignment.forEach((a, i) => {
        if (a !== b) return;
        for (const [j, len] of g.neighbours[i] ?? [])
          if (assignment[j] === -1) shared.set(j, (shared.get(j) ?? 0) + len);
      });
      if (shared.size === 0) continue;
      const [pick] = [...shared].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0] ?? [-1];
      assignment[pick] = b;
      loads[b] = at(loads, b) + at(unitLoad, pick);
      grew = true;
      break;
    }
    if (!grew) break;
  }
  // Grids no seed could reach (islands) go to beat 0 so the plan is complete; contiguity then flags them.
  return assignment.map((a) => (a < 0 ? 0 : a));
}

/**
 * Scores a given beat plan (e.g. the beats as they are) with the objective `autoDistrict` minimises, so a draft can
 * be compared with what it would replace. `assignment[i]` is the beat index of grid i.
 */
export function scoreAssignment(
  g: GridGraph,
  assignment: readonly number[],
  k: number,
  opts: Pick<DistrictingOptions, 'weights' | 'compactnessWeight' | 'tolerance'>,
): DistrictPlan {
  const unitLoad = g.units.map((_, i) => weightedLoad(g, [i], opts.weights));
  const mean = unitLoad.reduce((s, v) => s + v, 0) / k;
  const plan = summarise(
    g,
    [...assignment],
    unitLoad,
    k,
    mean,
    opts.compactnessWeight ?? 0.2,
    0,
    opts.tolerance ?? 0.1,
  );
  return { ...plan, initialObjective: plan.objective };
}
