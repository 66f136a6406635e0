import { at } from '../shared/checked.js';
import { travelTimes, type Origin } from './dijkstra.js';
import { reachedIntervals, startsByEdge, type EdgePoint } from './edge-point.js';
import type { RoadGraph } from './road-graph.js';

/** The 1-3-5-minute response standard (最小应急处置单元 1-3-5 分钟), in seconds. */
export const RESPONSE_LIMITS_SECONDS = [60, 180, 300] as const;

/**
 * Share of an edge within `limit` when its ends are first reached at `ts` (source) and `tt` (target): reached from
 * the source forwards and from the target backwards, capped at the whole edge.
 */
export function edgeReachFraction(g: RoadGraph, e: number, ts: number, tt: number, limit: number): number {
  const [a, b] = edgeReachEnds(g, e, ts, tt, limit);
  return Math.min(1, a + b);
}

/**
 * The fractions of edge e reached from its source end (forwards) and from its target end (backwards), each in [0, 1];
 * an end counts only where the edge may be travelled away from it.
 */
export function edgeReachEnds(g: RoadGraph, e: number, ts: number, tt: number, limit: number): [number, number] {
  // Unchecked (per edge in the reach loops, where at() cost +89 % instructions): callers pass an edge of g.
  const fwd = g.edgeCost[e] ?? -1,
    rev = g.edgeReverseCost[e] ?? -1;
  const a = fwd >= 0 && ts <= limit ? (fwd > 0 ? Math.min(1, (limit - ts) / fwd) : 1) : 0;
  const b = rev >= 0 && tt <= limit ? (rev > 0 ? Math.min(1, (limit - tt) / rev) : 1) : 0;
  return [a, b];
}

export interface ReachSummary {
  limitSeconds: number;
  reachedMeters: number;
  roadMeters: number;
  share: number;
}

/**
 * Road length reached within each limit from node times (e.g. one multi-source search from every post), with the
 * parts of the posts' own edges reached straight from them (`starts`: the points the search began from).
 */
export function summariseReach(
  g: RoadGraph,
  seconds: Float64Array,
  limits: readonly number[],
  starts: readonly EdgePoint[] = [],
): ReachSummary[] {
  let roadMeters = 0;
  for (let e = 0; e < g.edgeCount; e++) roadMeters += at(g.edgeLengthMeters, e, 'edge');
  // Every node must have a time (Infinity if unreached): a shorter array is another graph's. Checked once here, so
  // the per-edge loop below reads `seconds` unchecked.
  if (g.nodeCount > 0) at(seconds, g.nodeCount - 1, 'node time');
  const onEdge = startsByEdge(starts);
  return limits.map((limit) => {
    let reached = 0;
    for (let e = 0; e < g.edgeCount; e++) {
      const ts = seconds[g.edgeSource[e] ?? 0] ?? Infinity,
        tt = seconds[g.edgeTarget[e] ?? 0] ?? Infinity;
      const here = onEdge.get(e);
      if (ts > limit && tt > limit && !here) continue;
      let share = 0;
      for (const [a, b] of reachedIntervals(g, e, ts, tt, limit, here)) share += b - a;
      reached += share * (g.edgeLengthMeters[e] ?? 0);
    }
    return {
      limitSeconds: limit,
      reachedMeters: reached,
      roadMeters,
      share: roadMeters > 0 ? reached / roadMeters : 0,
    };
  });
}

export interface PostSuggestion {
  node: number;
  /** Metres of road newly reached within the limit by adding a post here (after the earlier suggestions). */
  gainMeters: number;
}

/** Nodes a bounded search reached, with their times: what a candidate post brings, kept sparse. */
interface Reached {
  nodes: Int32Array;
  seconds: Float64Array;
}

/**
 * "Where would one more post cover the most": greedy over candidate nodes, each round adding the candidate that brings
 * the most road within `limitSeconds`, scored with a search from the candidate bounded by that limit (only edges it
 * reaches can change). Lazy evaluation: a candidate's last gain bounds its gain now, since more posts only lower
 * the times it could improve. Then swaps (Teitz & Bart 1968's vertex substitution): a chosen site is replaced by one
 * of the best `swapPool` candidates (by gain alone) while that reaches more road, so the answer is not held by an
 * early greedy pick; checked against the exact optimum (a MIP, HiGHS) in the tests. The sites come out in greedy
 * order over the final set, each with its gain after the ones before it.
 * @param current node times from the existing posts and stations (Infinity where unreached); not mutated
 */
export function suggestPosts(
  g: RoadGraph,
  current: Float64Array,
  candidates: readonly number[],
  count: number,
  limitSeconds = 180,
  signal?: AbortSignal,
  swapPool = 60,
  restarts = 8,
): PostSuggestion[] {
  // The hot loops below (searchFrom, gainOf, lower: at() cost +89 % instructions) read unchecked: node indexes come
  // from g's own arrays or a search on g, and `current`, copied into `best`, is checked once here to time every node.
  if (g.nodeCount > 0) at(current, g.nodeCount - 1, 'node time');
  const reachedFrom = new Map<number, Reached>();
  const searchFrom = (node: number): Reached => {
    let r = reachedFrom.get(node);
    if (r) return r;
    const t = travelTimes(g, [{ node }], { limitSeconds }).seconds;
    const nodes: number[] = [];
    for (let v = 0; v < g.nodeCount; v++) if ((t[v] ?? Infinity) <= limitSeconds) nodes.push(v);
    r = { nodes: Int32Array.from(nodes), seconds: Float64Array.from(nodes, (v) => t[v] ?? Infinity) };
    // Kept only for the swap pool's members and the chosen sites (see below); others are searched once per round.
    return r;
  };
  /** Road newly reached when the sites in `add` join a network with node times `best` (not mutated). */
  const gainOf = (best: Float64Array, add: readonly Reached[]): number => {
    const better = new Map<number, number>();
    for (const r of add)
      for (let i = 0; i < r.nodes.length; i++) {
        const v = r.nodes[i] ?? 0,
          t = r.seconds[i] ?? Infinity;
        // Not in `better`: no site added so far improves v, so its time is the network's.
        if (t < (better.get(v) ?? best[v] ?? Infinity)) better.set(v, t);
      }
    // An end's time matters to an edge only where the edge can be travelled away from that end, which is exactly
    // when the edge is among that node's outgoing arcs: the edges of improved nodes are all that can change.
    const seen = new Set<number>();
    for (const v of better.keys())
      for (let a = g.arcStart[v] ?? 0; a < (g.arcStart[v + 1] ?? 0); a++) seen.add(g.arcEdge[a] ?? 0);
    let gain = 0;
    for (const e of seen) {
      const s = g.edgeSource[e] ?? 0,
        tt = g.edgeTarget[e] ?? 0;
      const sNow = best[s] ?? Infinity,
        tNow = best[tt] ?? Infinity;
      const before = edgeReachFraction(g, e, sNow, tNow, limitSeconds);
      const after = edgeReachFraction(g, e, better.get(s) ?? sNow, better.get(tt) ?? tNow, limitSeconds);
      gain += (after - before) * (g.edgeLengthMeters[e] ?? 0);
    }
    return gain;
  };
  const lower = (best: Float64Array, r: Reached) => {
    for (let i = 0; i < r.nodes.length; i++) {
      const v = r.nodes[i] ?? 0;
      best[v] = Math.min(best[v] ?? Infinity, r.seconds[i] ?? Infinity);
    }
  };
  /** Greedy order over `pool` (lazy), at most `k` sites with a positive gain. */
  const greedy = (pool: readonly number[], k: number, solo?: Map<number, number>, fixed: readonly number[] = []) => {
    const best = Float64Array.from(current);
    for (const f of fixed) lower(best, searchFrom(f));
    const bound = new Map(pool.map((c) => [c, Infinity]));
    const out: PostSuggestion[] = [];
    while (out.length < k && bound.size > 0) {
      signal?.throwIfAborted();
      // Re-score candidates in order of their bounds until one beats every other bound.
      const order = [...bound].sort((x, y) => y[1] - x[1]);
      let pick: { node: number; gain: number } | undefined;
      for (const [node, b] of order) {
        if (pick && pick.gain >= b) break;
        const gain = gainOf(best, [searchFrom(node)]);
        bound.set(node, gain);
        if (out.length === 0) solo?.set(node, gain);
        if (!pick || gain > pick.gain) pick = { node, gain };
      }
      if (!pick || pick.gain <= 0) break;
      out.push({ node: pick.node, gainMeters: pick.gain });
      bound.delete(pick.node);
      lower(best, searchFrom(pick.node));
    }
    return out;
  };
  const solo = new Map<number, number>();
  const first = greedy(candidates, count, solo);
  if (first.length < 2 || swapPool <= 0) return first;
  // Swap pool: the chosen sites and the best candidates alone, their searches kept.
  const pool = [...solo]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, swapPool)
    .map(([c]) => c);
  for (const c of [...pool, ...first.map((f) => f.node)]) reachedFrom.set(c, searchFrom(c));
  const value = (sites: readonly number[]) => gainOf(current, sites.map(searchFrom));
  const swapped = (start: readonly number[]) => {
    let chosen = [...start];
    let total = value(chosen);
    for (let improved = true; improved; ) {
      improved = false;
      for (let i = 0; i < chosen.length && !improved; i++) {
        for (const c of pool) {
          signal?.throwIfAborted();
          if (chosen.includes(c)) continue;
          const cand = chosen.map((x, j) => (j === i ? c : x));
          const v = value(cand);
          if (v > total * (1 + 1e-9) + 1e-9) {
            chosen = cand;
            total = v;
            improved = true;
            break;
          }
        }
      }
    }
    return { chosen, total };
  };
  // Several starts: the plain greedy, and greedy runs forced to begin at each of the best few sites alone (a swap
  // search from one start stops at the first set no single swap improves).
  let best = swapped(first.map((f) => f.node));
  for (const start of pool.slice(0, restarts)) {
    const rest = greedy(
      pool.filter((c) => c !== start),
      count - 1,
      undefined,
      [start],
    );
    const r = swapped([start, ...rest.map((x) => x.node)]);
    if (r.total > best.total * (1 + 1e-9) + 1e-9) best = r;
  }
  const chosen = best.chosen;
  return greedy(chosen, count);
}

/** Node times from all posts and stations at once (one multi-source search). */
export function responseTimes(g: RoadGraph, origins: readonly Origin[], limitSeconds = 300): Float64Array {
  return travelTimes(g, origins, { limitSeconds }).seconds;
}
