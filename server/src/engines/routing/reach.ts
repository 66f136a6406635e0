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
  for (let e = 0; e < g.edgeCount; e++) roadMeters += g.edgeLengthMeters[e] ?? 0;
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

/**
 * "Where would one more post cover the most": greedy over candidate nodes, each round adding the candidate that brings
 * the most road within `limitSeconds`, scored with a search from the candidate bounded by that limit (only edges it
 * reaches can change). Lazy evaluation: a candidate's last gain bounds its gain now, since more posts only lower
 * the times it could improve.
 * @param current node times from the existing posts and stations (Infinity where unreached); not mutated
 */
export function suggestPosts(
  g: RoadGraph,
  current: Float64Array,
  candidates: readonly number[],
  count: number,
  limitSeconds = 180,
  signal?: AbortSignal,
): PostSuggestion[] {
  const best = Float64Array.from(current);
  const gainOf = (node: number): { gain: number; times: Float64Array } => {
    const t = travelTimes(g, [{ node }], { limitSeconds }).seconds;
    let gain = 0;
    const seen = new Set<number>();
    for (let v = 0; v < g.nodeCount; v++) {
      if (!((t[v] ?? Infinity) < (best[v] ?? Infinity))) continue;
      for (let a = g.arcStart[v] ?? 0; a < (g.arcStart[v + 1] ?? 0); a++) seen.add(g.arcEdge[a] ?? 0);
    }
    // An end's time matters to an edge only where the edge can be travelled away from that end, which is exactly
    // when the edge is among that node's outgoing arcs: the edges above are all that can change.
    for (const e of seen) {
      const s = g.edgeSource[e] ?? 0,
        tt = g.edgeTarget[e] ?? 0;
      const before = edgeReachFraction(g, e, best[s] ?? Infinity, best[tt] ?? Infinity, limitSeconds);
      const after = edgeReachFraction(
        g,
        e,
        Math.min(best[s] ?? Infinity, t[s] ?? Infinity),
        Math.min(best[tt] ?? Infinity, t[tt] ?? Infinity),
        limitSeconds,
      );
      gain += (after - before) * (g.edgeLengthMeters[e] ?? 0);
    }
    return { gain, times: t };
  };
  const bound = new Map(candidates.map((c) => [c, Infinity]));
  const out: PostSuggestion[] = [];
  while (out.length < count && bound.size > 0) {
    signal?.throwIfAborted();
    // Re-score candidates in order of their bounds until one beats every other bound.
    const order = [...bound].sort((x, y) => y[1] - x[1]);
    let pick: { node: number; gain: number; times: Float64Array } | undefined;
    for (const [node, b] of order) {
      if (pick && pick.gain >= b) break;
      const r = gainOf(node);
      bound.set(node, r.gain);
      if (!pick || r.gain > pick.gain) pick = { node, ...r };
    }
    if (!pick || pick.gain <= 0) break;
    out.push({ node: pick.node, gainMeters: pick.gain });
    bound.delete(pick.node);
    for (let v = 0; v < g.nodeCount; v++) best[v] = Math.min(best[v] ?? Infinity, pick.times[v] ?? Infinity);
  }
  return out;
}

/** Node times from all posts and stations at once (one multi-source search). */
export function responseTimes(g: RoadGraph, origins: readonly Origin[], limitSeconds = 300): Float64Array {
  return travelTimes(g, origins, { limitSeconds }).seconds;
}
