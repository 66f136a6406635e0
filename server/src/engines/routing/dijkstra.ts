import FlatQueue from 'flatqueue';
import { at } from '../shared/checked.js';
import type { RoadGraph } from './road-graph.js';

/** A place to start from: a node and the seconds already spent reaching it (e.g. from a point snapped mid-edge). */
export interface Origin {
  node: number;
  offsetSeconds?: number;
}

export interface TravelTimes {
  /** Seconds to each node; Infinity where not reached within the limit. */
  seconds: Float64Array;
  /** The arc's edge used to reach each node (−1 for origins and unreached nodes): walk it back for the path. */
  viaEdge: Int32Array;
  /** The previous node on the best path (−1 for origins and unreached nodes). */
  previous: Int32Array;
}

/** A way to finish a search: reaching `node` finishes it after `extraSeconds` more (e.g. the rest of a target's edge). */
export interface Exit {
  node: number;
  extraSeconds: number;
}

/**
 * One-to-many (or many-to-many as one multi-source search) Dijkstra over the CSR graph with a binary heap.
 * Written here rather than through graphology's object graph because a reach map runs it for every post over the
 * whole city; `npm run bench` sets it against pgRouting's pgr_dijkstra / pgr_drivingDistance.
 * @param limitSeconds stop expanding past this travel time (isochrones); default: no limit
 * @param target stop as soon as this node is settled (point-to-point)
 * @param exits stop as soon as no exit can be bettered: the popped time is at least the best exit's time (node time
 *   plus its extra seconds) or `bound` (point-to-point between points on edges, where the target is not a node)
 */
export function travelTimes(
  g: RoadGraph,
  origins: readonly Origin[],
  opts: {
    limitSeconds?: number;
    target?: number;
    exits?: readonly Exit[];
    bound?: number;
    signal?: AbortSignal;
  } = {},
): TravelTimes {
  const seconds = new Float64Array(g.nodeCount).fill(Infinity);
  const viaEdge = new Int32Array(g.nodeCount).fill(-1);
  const previous = new Int32Array(g.nodeCount).fill(-1);
  const limit = opts.limitSeconds ?? Infinity;
  const queue = new FlatQueue<number>();
  for (const o of origins) {
    const c = o.offsetSeconds ?? 0;
    if (!(Number.isInteger(o.node) && o.node >= 0 && o.node < g.nodeCount))
      throw new RangeError(`origin node ${o.node} is not in the graph`);
    // Checked just above: o.node is a node of g, so a plain read.
    if (c < (seconds[o.node] ?? Infinity) && c <= limit) {
      seconds[o.node] = c;
      queue.push(o.node, c);
    }
  }
  // Read once into locals: the loop below runs once per settled node, and a property read or an iterator over the
  // exits there cost a points-on-edges route ~10 % over the junction search (issue 18's bench). A point's exits are
  // at most two (its edge's ends), so those two are compared as locals, as the junction search compares its target.
  const exits = opts.exits ?? [];
  const exitCount = exits.length;
  const exit0 = exits[0]?.node ?? -1,
    exit1 = exits[1]?.node ?? -1;
  const target = opts.target ?? -1;
  const signal = opts.signal;
  let best = opts.bound ?? Infinity;
  let settled = 0;
  while (queue.length > 0) {
    const cost = queue.peekValue() ?? Infinity; // the queue is not empty: never taken
    if (cost >= best) break; // nothing left in the queue reaches an exit sooner
    const v = queue.pop() ?? -1; // likewise never taken
    if (cost > (seconds[v] ?? Infinity)) continue; // a stale queue entry
    if (v === target) break;
    if (v === exit0 || v === exit1 || exitCount > 2)
      for (let i = 0; i < exitCount; i++) {
        const x = exits[i] as Exit; // i < exits.length
        if (x.node === v && cost + x.extraSeconds < best) best = cost + x.extraSeconds;
      }
    if ((++settled & 0xfff) === 0) signal?.throwIfAborted();
    // Relax loop, unchecked (at() here made a full search ~5× slower): v is a queued node (an origin, checked above,
    // or an arc target), and arcStart, arcTarget, arcCost and arcEdge are one CSR built by buildRoadGraph.
    const end = g.arcStart[v + 1] ?? 0;
    for (let a = g.arcStart[v] ?? 0; a < end; a++) {
      const w = g.arcTarget[a] ?? 0;
      const c = cost + (g.arcCost[a] ?? 0);
      if (c < (seconds[w] ?? Infinity) && c <= limit) {
        seconds[w] = c;
        viaEdge[w] = g.arcEdge[a] ?? -1;
        previous[w] = v;
        queue.push(w, c);
      }
    }
  }
  return { seconds, viaEdge, previous };
}

export type ShortestPath =
  | { kind: 'found'; seconds: number; nodes: number[]; edges: number[] }
  | { kind: 'unreachable' };

/** The fastest path between two nodes, or `unreachable` (one-way streets can make that so). */
export function shortestPath(g: RoadGraph, from: number, to: number): ShortestPath {
  const t = travelTimes(g, [{ node: from }], { target: to });
  const seconds = at(t.seconds, to, 'target node');
  if (!Number.isFinite(seconds)) return { kind: 'unreachable' };
  return { kind: 'found', seconds, ...walkBack(t, to) };
}

/**
 * The nodes and edges of the best path to node `v`, walked back through `previous` to the search's origin (the one
 * path rebuild of every search here).
 * @throws RangeError when `v` or a node on the way is not in the search's arrays
 */
export function walkBack(t: TravelTimes, v: number): { nodes: number[]; edges: number[] } {
  const nodes = [v];
  const edges: number[] = [];
  for (let p = at(t.previous, v, 'node'); p >= 0; p = at(t.previous, v, 'node')) {
    edges.push(at(t.viaEdge, v, 'node'));
    v = p;
    nodes.push(v);
  }
  return { nodes: nodes.reverse(), edges: edges.reverse() };
}
