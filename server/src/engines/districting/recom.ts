import { at } from '../shared/checked.js';
import type { GridGraph } from './grid-graph.js';
import { mulberry32 } from '../demo/prng.js';

/** A seeded generator, so drafts and chains repeat for a seed: the demo city's mulberry32. */
export const seededRandom = (seed: number): (() => number) => mulberry32(seed);

export interface RecomOptions {
  /** Load each side should have (usually the mean beat load); a side within ±tolerance of it is balanced. */
  idealLoad: number;
  tolerance: number;
  /**
   * Region-aware (GerryChain's region surcharge): tree edges between grids of different communities cost more, so
   * the spanning tree keeps each community together and a cut falls on a community boundary where one is balanced.
   */
  regionAware?: boolean;
  /** Weight added to an edge between communities in the random spanning tree. Default 1 (weights are uniform in [0, 1)). */
  surcharge?: number;
  /** Spanning trees drawn before giving up on a pair. Default 8. */
  attempts?: number;
}

export interface RecomProposal {
  /** The grids of the two beats together, and the ones that go to the first beat. */
  merged: number[];
  sideA: Set<number>;
  /** Whether the cut edge ran between two communities. */
  alongCommunityBoundary: boolean;
}

/**
 * ReCom (DeFord, Duchin & Solomon 2021, as GerryChain's `recom`): merge two neighbouring beats, draw a random spanning
 * tree of their grids (random edge weights, Kruskal), and cut one tree edge whose two sides both have a balanced load.
 * Both sides are connected by construction, so a step never breaks contiguity. When no edge balances against the ideal
 * load, the pair is split in halves of its own total (a draft may start far from balance). Null when no tree of
 * `attempts` has a balanced edge.
 */
export function recomProposal(
  g: GridGraph,
  assignment: ArrayLike<number>,
  unitLoad: readonly number[],
  a: number,
  b: number,
  rng: () => number,
  opts: RecomOptions,
  community?: (i: number) => number,
): RecomProposal | null {
  const merged: number[] = [];
  for (let i = 0; i < assignment.length; i++) if (assignment[i] === a || assignment[i] === b) merged.push(i);
  const m = merged.length;
  if (m < 2) return null;
  const local = new Map(merged.map((u, x) => [u, x]));
  const eu: number[] = [],
    ev: number[] = [];
  for (let x = 0; x < m; x++) {
    for (const [w] of g.neighbours[merged[x] as number] ?? []) {
      const y = local.get(w);
      if (y !== undefined && y > x) {
        eu.push(x);
        ev.push(y);
      }
    }
  }
  const comm = community ?? (() => -1);
  const surcharge = opts.surcharge ?? 1;
  const total = merged.reduce((s, u) => s + at(unitLoad, u), 0);
  const load = Float64Array.from(merged, (u) => at(unitLoad, u));
  const weight = new Float64Array(eu.length);
  const order = new Uint32Array(eu.length);
  const parent = new Int32Array(m),
    rank = new Uint8Array(m);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x] as number] as number;
      x = parent[x] as number;
    }
    return x;
  };
  for (let attempt = 0; attempt < (opts.attempts ?? 8); attempt++) {
    for (let e = 0; e < eu.length; e++) {
      weight[e] =
        rng() +
        (opts.regionAware && comm(merged[eu[e] as number] as number) !== comm(merged[ev[e] as number] as number)
          ? surcharge
          : 0);
      order[e] = e;
    }
    order.sort((p, q) => (weight[p] as number) - (weight[q] as number));
    for (let x = 0; x < m; x++) {
      parent[x] = x;
      rank[x] = 0;
    }
    const treeAdj: number[][] = Array.from({ length: m }, () => []);
    let joined = 0;
    for (const e of order) {
      const p = find(eu[e] as number),
        q = find(ev[e] as number);
      if (p === q) continue;
      if ((rank[p] as number) < (rank[q] as number)) parent[p] = q;
      else if ((rank[p] as number) > (rank[q] as number)) parent[q] = p;
      else {
        parent[q] = p;
        rank[p] = (rank[p] as number) + 1;
      }
      treeAdj[eu[e] as number]?.push(ev[e] as number);
      treeAdj[ev[e] as number]?.push(eu[e] as number);
      if (++joined === m - 1) break;
    }
    if (joined !== m - 1) return null; // the two beats together are not connected
    // Root the tree, then subtree loads bottom-up.
    const up = new Int32Array(m).fill(-1),
      bfs = [0];
    up[0] = 0;
    for (let q = 0; q < bfs.length; q++) {
      const v = bfs[q] as number;
      for (const w of treeAdj[v] ?? [])
        if (up[w] === -1) {
          up[w] = v;
          bfs.push(w);
        }
    }
    const sub = Float64Array.from(load);
    for (let q = m - 1; q > 0; q--) {
      const v = bfs[q] as number;
      sub[up[v] as number] = (sub[up[v] as number] as number) + (sub[v] as number);
    }
    const balancedAt = (ideal: number): number[] => {
      const out: number[] = [];
      for (let q = 1; q < m; q++) {
        const v = bfs[q] as number,
          s = sub[v] as number;
        if (
          ideal <= 0 ||
          (Math.abs(s / ideal - 1) <= opts.tolerance && Math.abs((total - s) / ideal - 1) <= opts.tolerance)
        )
          out.push(v);
      }
      return out;
    };
    let cuts = balancedAt(opts.idealLoad);
    if (cuts.length === 0) cuts = balancedAt(total / 2);
    if (cuts.length === 0) continue;
    if (opts.regionAware) {
      const along = cuts.filter((v) => comm(merged[v] as number) !== comm(merged[up[v] as number] as number));
      if (along.length) cuts = along;
    }
    const v = cuts[Math.floor(rng() * cuts.length)] as number;
    const sideA = new Set<number>();
    const stack = [v];
    while (stack.length) {
      const x = stack.pop() as number;
      sideA.add(merged[x] as number);
      for (const w of treeAdj[x] ?? []) if (w !== up[x]) stack.push(w);
    }
    return {
      merged,
      sideA,
      alongCommunityBoundary: comm(merged[v] as number) !== comm(merged[up[v] as number] as number),
    };
  }
  return null;
}

/** Pairs of neighbouring beats (a < b), one entry per grid edge between them, so a pick is by cut edge as in GerryChain. */
export function cutEdgePairs(
  g: GridGraph,
  assignment: ArrayLike<number>,
  frozen?: ReadonlySet<number>,
): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < g.units.length; i++) {
    const bi = assignment[i] as number;
    for (const [j] of g.neighbours[i] ?? []) {
      const bj = assignment[j] as number;
      if (j <= i || bi === bj || frozen?.has(bi) || frozen?.has(bj)) continue;
      out.push(bi < bj ? [bi, bj] : [bj, bi]);
    }
  }
  return out;
}

/**
 * One step of a ReCom Markov chain (every proposal accepted, as GerryChain's `always_accept`): a random cut edge picks
 * the pair, the pair is recombined. Answers false when the drawn pair had no balanced cut (the plan is unchanged).
 */
export function recomStep(
  g: GridGraph,
  assignment: Int32Array,
  unitLoad: readonly number[],
  rng: () => number,
  opts: RecomOptions,
  community?: (i: number) => number,
  frozen?: ReadonlySet<number>,
): boolean {
  const pairs = cutEdgePairs(g, assignment, frozen);
  if (pairs.length === 0) return false;
  const [a, b] = pairs[Math.floor(rng() * pairs.length)] as [number, number];
  const p = recomProposal(g, assignment, unitLoad, a, b, rng, opts, community);
  if (!p) return false;
  for (const u of p.merged) assignment[u] = p.sideA.has(u) ? a : b;
  return true;
}
