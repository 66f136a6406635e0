import { at } from '../shared/checked.js';
import type { GridGraph } from './grid-graph.js';
import { beatShape } from './scores.js';

/**
 * Weights of the terms of the whole-scorecard objective (all ≥ 0). Each term is summed over beats (or communities):
 * - balance: Σ (load/mean − 1)² plus `overTolerance` × Σ (excess over the tolerance)², so beats out of tolerance
 *   dominate and a community is split only when balance needs it;
 * - compactness: Σ (1 − Polsby–Popper);
 * - reach: Σ over beats of the mean over tiers of (1 − share of the beat's road reached within the tier from its own
 *   posts and station);
 * - coverage: Σ (share of the beat's road seen − the plan's share)². Camera coverage does not change with who patrols
 *   a grid, so the term evens it out: no beat should hold all the blind spots;
 * - communitySplits: Σ over communities of (pieces − 1), a piece being a connected run of its grids in one beat.
 */
export interface ObjectiveWeights {
  balance: number;
  compactness: number;
  reach: number;
  coverage: number;
  communitySplits: number;
  overTolerance: number;
}

/** Defaults: communities kept whole unless a beat would be out of the balance tolerance. */
export const DEFAULT_OBJECTIVE_WEIGHTS: ObjectiveWeights = {
  balance: 1,
  compactness: 0.2,
  reach: 0.3,
  coverage: 0.5,
  communitySplits: 0.05,
  overTolerance: 10,
};

/**
 * Per-grid inputs beyond the graph, plain data (arrays in the graph's unit order) so a draft can run as a job.
 * Reach: `origins` are the posts (the grid holding each) and the station (`unit: null`, an origin of every beat);
 * `reachedM[u][o * tiers + t]` = road metres of grid u reached within tier t from origin o alone; a beat's reach in a
 * grid is the best of its origins there (a lower bound of the union, which the scorecard computes exactly).
 */
export interface PlanInputs {
  /** Community code per grid (null: none). */
  community?: readonly (string | null)[];
  coverage?: { roadM: readonly number[]; seenM: readonly number[] };
  reach?: {
    tiersSeconds: readonly number[];
    origins: readonly { unit: number | null }[];
    roadM: readonly number[];
    reachedM: readonly (readonly number[])[];
  };
}

/** A plan under search: assignment with the per-beat terms of the objective kept current. */
export class PlanState {
  readonly n: number;
  readonly assignment: Int32Array;
  readonly members: Set<number>[];
  readonly loads: number[];
  readonly pp: number[];
  private readonly commOf: Int32Array;
  private readonly commUnits: number[][];
  private readonly commPieces: number[];
  private readonly covRoad: number[];
  private readonly covSeen: number[];
  private readonly covShare: number;
  private readonly reachSum: number[][];
  private readonly reachRoad: number[];
  private readonly originUnit: Int32Array;
  private readonly tiers: number;

  constructor(
    readonly g: GridGraph,
    readonly k: number,
    start: readonly number[],
    readonly unitLoad: readonly number[],
    readonly mean: number,
    readonly tolerance: number,
    readonly w: ObjectiveWeights,
    readonly inputs: PlanInputs,
  ) {
    this.n = g.units.length;
    this.assignment = Int32Array.from(start);
    this.members = Array.from({ length: k }, () => new Set<number>());
    start.forEach((b, i) => {
      this.members[b]?.add(i);
    });
    this.loads = this.members.map((m) => sum(m, unitLoad));
    this.pp = this.members.map((m) => beatShape(g, m).polsbyPopper);
    const codes = new Map<string, number>();
    this.commOf = Int32Array.from(
      (inputs.community ?? []).length ? (inputs.community ?? []) : new Array<null>(this.n).fill(null),
      (c) => (c === null ? -1 : (codes.get(c) ?? (codes.set(c, codes.size), codes.size - 1))),
    );
    this.commUnits = Array.from({ length: codes.size }, () => []);
    this.commOf.forEach((c, i) => {
      if (c >= 0) this.commUnits[c]?.push(i);
    });
    this.commPieces = this.commUnits.map((_, c) => this.piecesOf(c));
    const road = inputs.coverage?.roadM ?? [],
      seen = inputs.coverage?.seenM ?? [];
    this.covRoad = this.members.map((m) => sum(m, road));
    this.covSeen = this.members.map((m) => sum(m, seen));
    const totalRoad = road.reduce((s, v) => s + v, 0);
    this.covShare = totalRoad > 0 ? seen.reduce((s, v) => s + v, 0) / totalRoad : 0;
    this.tiers = inputs.reach?.tiersSeconds.length ?? 0;
    this.originUnit = Int32Array.from(inputs.reach?.origins ?? [], (o) => o.unit ?? -1);
    this.reachRoad = this.members.map((m) => sum(m, inputs.reach?.roadM ?? []));
    this.reachSum = this.members.map((m, b) => this.beatReach(m, b, -1, -1));
  }

  /** The objective of the plan as it is now. */
  objective(): number {
    let total = 0;
    for (let b = 0; b < this.k; b++) total += this.termNow(b);
    return total + this.w.communitySplits * this.commPieces.reduce((s, p) => s + (p - 1), 0);
  }

  /** Beat b's term of the objective as the plan is now. */
  private termNow(b: number): number {
    return this.beatTerm(
      b,
      at(this.loads, b, 'beat'),
      at(this.pp, b, 'beat'),
      at(this.covRoad, b, 'beat'),
      at(this.covSeen, b, 'beat'),
      at(this.reachSum, b, 'beat'),
      at(this.reachRoad, b, 'beat'),
    );
  }

  /** Grid i's own numbers: beat, load, road and road seen (coverage) and road for reach; 0 where an input is absent. */
  private gridValues(i: number): { from: number; li: number; road: number; seen: number; rr: number } {
    const cov = this.inputs.coverage,
      reach = this.inputs.reach;
    return {
      from: at(this.assignment, i, 'grid'),
      li: at(this.unitLoad, i, 'grid'),
      road: cov ? at(cov.roadM, i, 'grid') : 0,
      seen: cov ? at(cov.seenM, i, 'grid') : 0,
      rr: reach ? at(reach.roadM, i, 'grid') : 0,
    };
  }

  /** Σ over communities of (pieces − 1). */
  splits(): number {
    return this.commPieces.reduce((s, p) => s + (p - 1), 0);
  }

  beatTerm(
    _b: number,
    load: number,
    pp: number,
    road: number,
    seen: number,
    reach: readonly number[],
    reachRoad: number,
  ): number {
    const w = this.w;
    const dev = this.mean > 0 ? load / this.mean - 1 : 0;
    const over = Math.max(0, Math.abs(dev) - this.tolerance);
    let t = w.balance * (dev * dev + w.overTolerance * over * over) + w.compactness * (1 - pp);
    if (w.coverage > 0 && road > 0) t += w.coverage * (seen / road - this.covShare) ** 2;
    if (w.reach > 0 && this.tiers > 0 && reachRoad > 0) {
      let miss = 0;
      // Unchecked in this per-move term: `reach` is a beatReach/minus/plus result, `tiers` long by construction.
      for (let x = 0; x < this.tiers; x++) miss += 1 - (reach[x] ?? 0) / reachRoad;
      t += w.reach * (miss / this.tiers);
    }
    return t;
  }

  /** Road reached per tier in a beat from its origins (the station and the posts in its grids), one grid swapped in or out. */
  beatReach(members: ReadonlySet<number>, _b: number, add: number, drop: number): number[] {
    const r = this.inputs.reach;
    const out = new Array<number>(this.tiers).fill(0);
    if (!r || this.tiers === 0) return out;
    const origins: number[] = [];
    this.originUnit.forEach((u, o) => {
      if ((drop < 0 || u !== drop) && (u < 0 || u === add || members.has(u))) origins.push(o);
    });
    // hot loop (every candidate move): a grid's reach row may be absent or short (no origin reaches it) = 0 m.
    const visit = (u: number) => {
      const row = r.reachedM[u] ?? [];
      for (let t = 0; t < this.tiers; t++) {
        let best = 0;
        for (const o of origins) best = Math.max(best, row[o * this.tiers + t] ?? 0);
        out[t] = (out[t] ?? 0) + best;
      }
    };
    for (const u of members) if (u !== drop) visit(u);
    if (add >= 0 && !members.has(add)) visit(add);
    return out;
  }

  private holdsOrigin(i: number): boolean {
    return this.originUnit.includes(i);
  }

  /** Connected runs of community c's grids within their beats. */
  private piecesOf(c: number): number {
    const units = this.commUnits[c] ?? [];
    const inComm = new Set(units);
    const seen = new Set<number>();
    let pieces = 0;
    for (const s of units) {
      if (seen.has(s)) continue;
      pieces++;
      seen.add(s);
      const stack = [s];
      while (stack.length) {
        const v = stack.pop() as number;
        for (const [w] of this.g.neighbours[v] ?? []) {
          if (!seen.has(w) && inComm.has(w) && this.assignment[w] === this.assignment[v]) {
            seen.add(w);
            stack.push(w);
          }
        }
      }
    }
    return pieces;
  }

  /** Objective change if grid i moved to beat `to` (the donor's new Polsby–Popper given to save work). */
  moveDelta(i: number, to: number, ppFrom: number, ppTo: number): number {
    const { from, li, road, seen, rr } = this.gridValues(i);
    let reachFrom: number[], reachTo: number[];
    const fromM = at(this.members, from, 'beat'),
      toM = at(this.members, to, 'beat');
    if (this.tiers === 0 || this.w.reach === 0) {
      reachFrom = [];
      reachTo = [];
    } else if (this.holdsOrigin(i)) {
      reachFrom = this.beatReach(fromM, from, -1, i);
      reachTo = this.beatReach(toM, to, i, -1);
    } else {
      reachFrom = this.minus(from, i);
      reachTo = this.plus(to, i);
    }
    const before = this.termNow(from) + this.termNow(to);
    const after =
      this.beatTerm(
        from,
        at(this.loads, from) - li,
        ppFrom,
        at(this.covRoad, from) - road,
        at(this.covSeen, from) - seen,
        reachFrom,
        at(this.reachRoad, from) - rr,
      ) +
      this.beatTerm(
        to,
        at(this.loads, to) + li,
        ppTo,
        at(this.covRoad, to) + road,
        at(this.covSeen, to) + seen,
        reachTo,
        at(this.reachRoad, to) + rr,
      );
    let split = 0;
    const c = at(this.commOf, i, 'grid');
    if (c >= 0 && this.w.communitySplits > 0) {
      this.assignment[i] = to;
      split = this.piecesOf(c) - at(this.commPieces, c, 'community');
      this.assignment[i] = from;
    }
    return after - before + this.w.communitySplits * split;
  }

  /** Reach sums of beat b without grid i (i holds no origin, so b's origins stay). */
  private minus(b: number, i: number): number[] {
    const row = this.bestRow(i, b);
    return at(this.reachSum, b, 'beat').map((v, t) => v - at(row, t, 'tier'));
  }

  private plus(b: number, i: number): number[] {
    const row = this.bestRow(i, b);
    return at(this.reachSum, b, 'beat').map((v, t) => v + at(row, t, 'tier'));
  }

  /** Grid i's reached road per tier from beat b's origins. */
  private bestRow(i: number, b: number): number[] {
    const r = this.inputs.reach;
    const out = new Array<number>(this.tiers).fill(0);
    if (!r) return out;
    const m = this.members[b] as Set<number>;
    const row = r.reachedM[i] ?? []; // absent or short: no origin reaches grid i, 0 m (as in beatReach)
    this.originUnit.forEach((u, o) => {
      if (u >= 0 && !m.has(u)) return;
      for (let t = 0; t < this.tiers; t++) out[t] = Math.max(out[t] ?? 0, row[o * this.tiers + t] ?? 0);
    });
    return out;
  }

  /** Moves grid i to beat `to`, keeping every term current. */
  move(i: number, to: number, ppFrom?: number, ppTo?: number): void {
    const { from, li, road, seen, rr } = this.gridValues(i);
    if (from === to) return;
    at(this.members, to, 'beat'); // a wrong beat fails here, before anything has changed
    const origin = this.holdsOrigin(i);
    if (!origin && this.tiers > 0) {
      this.reachSum[from] = this.minus(from, i);
      this.reachSum[to] = this.plus(to, i);
    }
    this.assignment[i] = to;
    this.members[from]?.delete(i);
    this.members[to]?.add(i);
    this.loads[from] = at(this.loads, from) - li;
    this.loads[to] = at(this.loads, to) + li;
    this.covRoad[from] = at(this.covRoad, from) - road;
    this.covRoad[to] = at(this.covRoad, to) + road;
    this.covSeen[from] = at(this.covSeen, from) - seen;
    this.covSeen[to] = at(this.covSeen, to) + seen;
    this.reachRoad[from] = at(this.reachRoad, from) - rr;
    this.reachRoad[to] = at(this.reachRoad, to) + rr;
    if (origin && this.tiers > 0) {
      this.reachSum[from] = this.beatReach(this.members[from] as Set<number>, from, -1, -1);
      this.reachSum[to] = this.beatReach(this.members[to] as Set<number>, to, -1, -1);
    }
    this.pp[from] = ppFrom ?? beatShape(this.g, this.members[from] as Set<number>).polsbyPopper;
    this.pp[to] = ppTo ?? beatShape(this.g, this.members[to] as Set<number>).polsbyPopper;
    const c = at(this.commOf, i, 'grid');
    if (c >= 0) this.commPieces[c] = this.piecesOf(c);
  }

  /** Replaces two beats' grids at once (a ReCom step), recomputing their terms and the communities they touch. */
  recombine(a: number, b: number, sideA: ReadonlySet<number>, merged: readonly number[]): void {
    const comms = new Set<number>();
    for (const u of merged) {
      const target = sideA.has(u) ? a : b;
      this.assignment[u] = target;
      const c = at(this.commOf, u, 'grid');
      if (c >= 0) comms.add(c);
    }
    for (const x of [a, b]) {
      const m = new Set(merged.filter((u) => this.assignment[u] === x));
      this.members[x] = m;
      this.loads[x] = sum(m, this.unitLoad);
      this.pp[x] = beatShape(this.g, m).polsbyPopper;
      this.covRoad[x] = sum(m, this.inputs.coverage?.roadM ?? []);
      this.covSeen[x] = sum(m, this.inputs.coverage?.seenM ?? []);
      this.reachRoad[x] = sum(m, this.inputs.reach?.roadM ?? []);
      this.reachSum[x] = this.beatReach(m, x, -1, -1);
    }
    for (const c of comms) this.commPieces[c] = this.piecesOf(c);
  }

  community(i: number): number {
    return at(this.commOf, i, 'grid');
  }
}

/** Sum of `values` over the members; a missing value is 0 (no coverage or reach input: `values` is empty). */
function sum(members: Iterable<number>, values: readonly number[]): number {
  let s = 0;
  for (const i of members) s += values[i] ?? 0;
  return s;
}
