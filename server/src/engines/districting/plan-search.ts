import { grow, spreadSeeds } from './auto-district.js';
import { bestBoundaryMove } from './boundary-move.js';
import type { GridGraph } from './grid-graph.js';
import { DEFAULT_OBJECTIVE_WEIGHTS, PlanState, type ObjectiveWeights, type PlanInputs } from './plan-state.js';
import { cutEdgePairs, recomProposal, seededRandom } from './recom.js';
import { balanceOf, weightedLoad, type Balance } from './scores.js';

export interface DraftOptions {
  beats: number;
  /** Workload weights per measure of the grids' `load`, e.g. { incidents: 1, population: 0.01 }. */
  weights: Readonly<Record<string, number>>;
  /** Accepted deviation of each beat's load from the mean. Default 0.10. */
  tolerance?: number;
  objective?: Partial<ObjectiveWeights>;
  inputs?: PlanInputs;
  /** The plan in force (beat index per grid, 0…beats−1, contiguous beats): a start of the search, and what locks refer to. */
  current?: readonly number[];
  /** Beats of `current` that stay exactly as they are (no grid leaves or joins them). */
  lockedBeats?: readonly number[];
  /** ReCom perturbation between tabu runs; false for tabu search alone. */
  recom?: false | { cycles?: number; proposals?: number; regionAware?: boolean; seed?: number };
  tabuTenure?: number;
  maxIterations?: number;
  signal?: AbortSignal;
  onProgress?: (p: DraftProgress) => void;
}

export interface DraftProgress {
  phase: 'tabu' | 'recom';
  /** Share of the planned work done, 0…1. */
  done: number;
  bestObjective: number;
}

export interface DraftResult {
  assignment: number[];
  objective: number;
  /** Objective of the plan in force (when given) and of the region-growing start (when grown). */
  currentObjective: number | null;
  grownObjective: number | null;
  loads: number[];
  polsbyPopper: number[];
  balance: Balance;
  communitySplits: number;
  withinTolerance: boolean;
  recom: { proposed: number; balancedCuts: number; alongCommunityBoundary: number; improvedBest: number };
  weights: ObjectiveWeights;
}

/**
 * A draft beat plan on the whole scorecard (see `ObjectiveWeights`): started from the plan in force and from region
 * growing, improved by tabu search over single-grid boundary moves, kicked by ReCom recombinations of neighbouring beats
 * (the best of a few proposals, taken even when worse, then tabu again), keeping the best plan seen. Every beat stays
 * one piece: tabu moves are checked, ReCom sides are connected by construction. Pure: plain data in and out.
 */
export function draftPlan(g: GridGraph, opts: DraftOptions): DraftResult {
  const n = g.units.length,
    k = opts.beats;
  if (k < 1 || k > n) throw new RangeError(`cannot make ${k} beats from ${n} grids`);
  const w: ObjectiveWeights = { ...DEFAULT_OBJECTIVE_WEIGHTS, ...opts.objective };
  const tolerance = opts.tolerance ?? 0.1;
  const unitLoad = g.units.map((_, i) => weightedLoad(g, [i], opts.weights));
  const mean = unitLoad.reduce((s, v) => s + v, 0) / k;
  const locked = new Set(opts.lockedBeats ?? []);
  if (locked.size && !opts.current) throw new RangeError('locked beats need the plan in force');
  const make = (start: readonly number[]) =>
    new PlanState(g, k, start, unitLoad, mean, tolerance, w, opts.inputs ?? {});
  const starts: { kind: 'current' | 'grown'; a: number[] }[] = [];
  if (opts.current) starts.push({ kind: 'current', a: [...opts.current] });
  if (locked.size === 0) starts.push({ kind: 'grown', a: grow(g, spreadSeeds(g, k), unitLoad) });
  const cfg = opts.recom === false ? null : { cycles: 6, proposals: 16, regionAware: true, seed: 1, ...opts.recom };
  const rng = seededRandom(cfg?.seed ?? 1);
  const stats = { proposed: 0, balancedCuts: 0, alongCommunityBoundary: 0, improvedBest: 0 };
  let best: { a: number[]; objective: number } | null = null;
  let currentObjective: number | null = null,
    grownObjective: number | null = null;
  const totalCycles = starts.length * ((cfg?.cycles ?? 0) + 1);
  let cyclesDone = 0;
  const report = (phase: DraftProgress['phase']) =>
    opts.onProgress?.({ phase, done: cyclesDone / totalCycles, bestObjective: best?.objective ?? NaN });
  for (const start of starts) {
    const s = make(start.a);
    if (start.kind === 'current') currentObjective = s.objective();
    else grownObjective = s.objective();
    let local = tabu(s, locked, opts);
    if (!best || local.objective < best.objective - 1e-12) best = local;
    cyclesDone++;
    report('tabu');
    for (let c = 0; c < (cfg?.cycles ?? 0) && cfg; c++) {
      opts.signal?.throwIfAborted();
      // Kick: the best of a few ReCom proposals from the local optimum (worse or not), then tabu again.
      const kicked = make(local.a);
      let pick: { a: number; b: number; sideA: Set<number>; merged: number[]; objective: number } | null = null;
      for (let p = 0; p < cfg.proposals; p++) {
        const pairs = cutEdgePairs(g, kicked.assignment, locked);
        if (pairs.length === 0) break;
        const [a, b] = pairs[Math.floor(rng() * pairs.length)] as [number, number];
        stats.proposed++;
        const prop = recomProposal(
          g,
          kicked.assignment,
          unitLoad,
          a,
          b,
          rng,
          { idealLoad: mean, tolerance, regionAware: cfg.regionAware },
          (i) => kicked.community(i),
        );
        if (!prop) continue;
        stats.balancedCuts++;
        if (prop.alongCommunityBoundary) stats.alongCommunityBoundary++;
        const oldA = new Set(kicked.members[a]);
        kicked.recombine(a, b, prop.sideA, prop.merged);
        const objective = kicked.objective();
        kicked.recombine(a, b, oldA, prop.merged);
        if (!pick || objective < pick.objective) pick = { a, b, sideA: prop.sideA, merged: prop.merged, objective };
      }
      if (pick) kicked.recombine(pick.a, pick.b, pick.sideA, pick.merged);
      local = tabu(kicked, locked, opts);
      if (local.objective < best.objective - 1e-12) {
        best = local;
        stats.improvedBest++;
      }
      cyclesDone++;
      report('recom');
    }
  }
  if (!best) throw new RangeError('no start for the search');
  const final = make(best.a);
  const polsbyPopper = final.pp.slice();
  return {
    assignment: best.a,
    objective: final.objective(),
    currentObjective,
    grownObjective,
    loads: final.loads.slice(),
    polsbyPopper,
    balance: balanceOf('weighted', final.loads),
    communitySplits: final.splits(),
    withinTolerance: final.loads.every((l) => mean === 0 || Math.abs(l / mean - 1) <= tolerance),
    recom: stats,
    weights: w,
  };
}

/** Tabu search over single-grid boundary moves on the state (mutated); answers the best plan seen. */
function tabu(s: PlanState, locked: ReadonlySet<number>, opts: DraftOptions): { a: number[]; objective: number } {
  const g = s.g,
    n = s.n;
  const tabuUntil = new Int32Array(n);
  const tenure = opts.tabuTenure ?? 7;
  let current = s.objective();
  let best = { a: Array.from(s.assignment), objective: current, iteration: 0 };
  const maxIt = opts.maxIterations ?? 20 * n;
  for (let it = 1; it <= maxIt; it++) {
    if ((it & 15) === 0) opts.signal?.throwIfAborted();
    const move = bestBoundaryMove(g, s.assignment, s.members, {
      movable: (_i, from) => !locked.has(from),
      joinable: (b) => !locked.has(b),
      delta: (i, _from, to, ppFrom, ppTo) => s.moveDelta(i, to, ppFrom, ppTo),
      // A tabu move that beats the best is allowed. hot loop: i is a unit of g, and tabuUntil has one entry per unit.
      allowed: (i, delta) => !((tabuUntil[i] ?? 0) > it && !(current + delta < best.objective - 1e-12)),
    });
    if (!move) break;
    s.move(move.i, move.to, move.ppFrom, move.ppTo);
    current += move.delta;
    tabuUntil[move.i] = it + tenure;
    if (current < best.objective - 1e-12) best = { a: Array.from(s.assignment), objective: current, iteration: it };
    else if (it - best.iteration > 4 * tenure + Math.min(n, 200)) break; // long without a new best: stop
  }
  return { a: best.a, objective: best.objective };
}
