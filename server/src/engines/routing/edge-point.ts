import { at } from '../shared/checked.js';
import type { Exit, Origin } from './dijkstra.js';
import { checkEdge, type RoadGraph } from './road-graph.js';

/**
 * A place on the network that need not be a junction: edge e at `fraction` of its length from its source (0) to its
 * target (1). Routing treats the edge as split there, as pgRouting's `pgr_withPoints*` do, so the two partial edges
 * count at both ends, a route may leave the point either way the street allows, and an isochrone holds its start.
 */
export interface EdgePoint {
  edge: number;
  fraction: number;
}

/** Fractions this close to an end count as the junction there. */
export const AT_JUNCTION = 1e-9;

/**
 * The graph origins for a point on an edge: its edge's source, reached backwards over the fraction already covered,
 * and its target, reached forwards over the rest — each only where the edge may be travelled that way.
 */
export function originsFor(g: RoadGraph, p: EdgePoint): Origin[] {
  const origins: Origin[] = [];
  checkEdge(g, p.edge); // then unchecked: the edge arrays all have edgeCount entries
  const fwd = g.edgeCost[p.edge] ?? -1;
  const rev = g.edgeReverseCost[p.edge] ?? -1;
  const source = g.edgeSource[p.edge] ?? 0,
    target = g.edgeTarget[p.edge] ?? 0;
  // A point on a junction starts from the junction itself, whatever the one-way rule of the edge it snapped to.
  if (p.fraction <= AT_JUNCTION) origins.push({ node: source, offsetSeconds: 0 });
  else if (rev >= 0) origins.push({ node: source, offsetSeconds: p.fraction * rev });
  if (p.fraction >= 1 - AT_JUNCTION) origins.push({ node: target, offsetSeconds: 0 });
  else if (fwd >= 0) origins.push({ node: target, offsetSeconds: (1 - p.fraction) * fwd });
  return origins;
}

/**
 * The mirror of {@link originsFor}: the junctions a point on an edge is reached from, each with the seconds left along
 * the edge — the source forwards over the fraction, the target backwards over the rest, each where one-way allows.
 * A point-to-point search stops once none of them can be bettered (two exits: O(1) extra work per query).
 */
export function exitsFor(g: RoadGraph, p: EdgePoint): Exit[] {
  const exits: Exit[] = [];
  checkEdge(g, p.edge); // then unchecked: the edge arrays all have edgeCount entries
  const fwd = g.edgeCost[p.edge] ?? -1;
  const rev = g.edgeReverseCost[p.edge] ?? -1;
  const source = g.edgeSource[p.edge] ?? 0,
    target = g.edgeTarget[p.edge] ?? 0;
  if (p.fraction <= AT_JUNCTION) exits.push({ node: source, extraSeconds: 0 });
  else if (fwd >= 0) exits.push({ node: source, extraSeconds: p.fraction * fwd });
  if (p.fraction >= 1 - AT_JUNCTION) exits.push({ node: target, extraSeconds: 0 });
  else if (rev >= 0) exits.push({ node: target, extraSeconds: (1 - p.fraction) * rev });
  return exits;
}

/** Origins of several points at once (one multi-source search from every post and station). */
export function originsForAll(g: RoadGraph, points: readonly EdgePoint[]): Origin[] {
  return points.flatMap((p) => originsFor(g, p));
}

/** Seconds along edge e from fraction `a` to fraction `b` (either direction), or Infinity where one-way forbids it. */
export function alongEdgeSeconds(g: RoadGraph, e: number, a: number, b: number): number {
  if (b >= a) {
    const fwd = at(g.edgeCost, e, 'edge');
    return fwd >= 0 ? (b - a) * fwd : b === a ? 0 : Infinity;
  }
  const rev = at(g.edgeReverseCost, e, 'edge');
  return rev >= 0 ? (a - b) * rev : Infinity;
}

export type Arrival =
  | { via: 'source' | 'target'; seconds: number }
  /** Straight along the shared edge from start `from` (index into the starts), no junction in between. */
  | { via: 'direct'; seconds: number; from: number }
  | { via: null; seconds: number };

/**
 * Seconds until point `to` is reached, given node times of a search from `from` (its origins): the time of
 * {@link arrivalAt} without its path bookkeeping or allocations, for the many targets of one search (travel matrices,
 * reach targets). Infinity where unreachable.
 */
export function arrivalSeconds(g: RoadGraph, seconds: Float64Array, to: EdgePoint, from?: EdgePoint): number {
  const e = to.edge;
  checkEdge(g, e);
  // `seconds` must time every node of g (Infinity if unreached): a shorter array is another graph's.
  if (seconds.length < g.nodeCount)
    throw new RangeError(`node times cover ${seconds.length} nodes, the graph has ${g.nodeCount}`);
  // Unchecked from here (six checked reads per target cost the 1,000 mid-edge costs of issue 18's bench ~1.3× the
  // junction ones): e is an edge of g, so its ends are nodes of g, and seconds covers them.
  const f = to.fraction;
  const fwd = g.edgeCost[e] ?? -1,
    rev = g.edgeReverseCost[e] ?? -1;
  const atSource = seconds[g.edgeSource[e] ?? 0] ?? Infinity,
    atTarget = seconds[g.edgeTarget[e] ?? 0] ?? Infinity;
  const viaSource = f <= AT_JUNCTION ? atSource : fwd >= 0 ? atSource + f * fwd : Infinity;
  const viaTarget = f >= 1 - AT_JUNCTION ? atTarget : rev >= 0 ? atTarget + (1 - f) * rev : Infinity;
  const best = viaSource <= viaTarget ? viaSource : viaTarget;
  if (from === undefined || from.edge !== e) return best;
  const d = alongEdgeSeconds(g, e, from.fraction, f);
  return d < best ? d : best;
}

/**
 * When a point is reached, given node times of a search from `starts`: over its edge's source or target, or directly
 * along the edge from a start on the same edge (the case a junction-only search gets wrong).
 * @param seconds node times of the search from `starts` (their origins)
 */
export function arrivalAt(
  g: RoadGraph,
  seconds: Float64Array,
  to: EdgePoint,
  starts: readonly EdgePoint[] = [],
): Arrival {
  const e = to.edge;
  checkEdge(g, e);
  if (seconds.length < g.nodeCount)
    throw new RangeError(`node times cover ${seconds.length} nodes, the graph has ${g.nodeCount}`);
  // Unchecked, as in arrivalSeconds: e is an edge of g, its ends are nodes of g, and seconds covers them.
  const fwd = g.edgeCost[e] ?? -1,
    rev = g.edgeReverseCost[e] ?? -1;
  const atSource = seconds[g.edgeSource[e] ?? 0] ?? Infinity,
    atTarget = seconds[g.edgeTarget[e] ?? 0] ?? Infinity;
  // A point on a junction is reached when the junction is, from whichever street.
  const viaSource = to.fraction <= AT_JUNCTION ? atSource : fwd >= 0 ? atSource + to.fraction * fwd : Infinity;
  const viaTarget =
    to.fraction >= 1 - AT_JUNCTION ? atTarget : rev >= 0 ? atTarget + (1 - to.fraction) * rev : Infinity;
  let best: Arrival =
    viaSource <= viaTarget ? { via: 'source', seconds: viaSource } : { via: 'target', seconds: viaTarget };
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i] as EdgePoint; // i < starts.length
    if (s.edge !== e) continue;
    const d = alongEdgeSeconds(g, e, s.fraction, to.fraction);
    if (d < best.seconds || (d === best.seconds && d < Infinity && best.via !== 'direct'))
      best = { via: 'direct', seconds: d, from: i };
  }
  return Number.isFinite(best.seconds) ? best : { via: null, seconds: Infinity };
}

/** Starts grouped by their edge, so per-edge work looks up only the few edges that carry one. */
export function startsByEdge(points: readonly EdgePoint[]): Map<number, EdgePoint[]> {
  const m = new Map<number, EdgePoint[]>();
  for (const p of points) {
    const list = m.get(p.edge);
    if (list) list.push(p);
    else m.set(p.edge, [p]);
  }
  return m;
}

/**
 * The parts of edge e reached within `limit`, as disjoint sorted [from, to] fractions: forwards from the source
 * (reached at `ts`), backwards from the target (at `tt`), and both ways from any start on the edge itself.
 */
export function reachedIntervals(
  g: RoadGraph,
  e: number,
  ts: number,
  tt: number,
  limit: number,
  starts: readonly EdgePoint[] | undefined,
): [number, number][] {
  // Unchecked (summariseReach calls this for every edge and limit): callers loop e over g's edges.
  const fwd = g.edgeCost[e] ?? -1,
    rev = g.edgeReverseCost[e] ?? -1;
  const reach = (budget: number, cost: number) => (budget < 0 ? -1 : cost > 0 ? budget / cost : Infinity);
  const out: [number, number][] = [];
  if (fwd >= 0 && ts <= limit) out.push([0, Math.min(1, reach(limit - ts, fwd))]);
  if (rev >= 0 && tt <= limit) out.push([Math.max(0, 1 - reach(limit - tt, rev)), 1]);
  for (const s of starts ?? []) {
    const f = s.fraction;
    out.push([rev >= 0 ? Math.max(0, f - reach(limit, rev)) : f, fwd >= 0 ? Math.min(1, f + reach(limit, fwd)) : f]);
  }
  if (out.length <= 1) return out;
  out.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [out[0] as [number, number]];
  for (let i = 1; i < out.length; i++) {
    const cur = out[i] as [number, number],
      last = merged[merged.length - 1] as [number, number];
    if (cur[0] <= last[1]) last[1] = Math.max(last[1], cur[1]);
    else merged.push([cur[0], cur[1]]);
  }
  return merged;
}
