import { travelTimes, type Origin } from './dijkstra.js';
import { originsForAll, reachedIntervals, startsByEdge, type EdgePoint } from './edge-point.js';
import type { RoadGraph } from './road-graph.js';

/** The part of one edge reached within a time limit: from `fromFraction` to `toFraction` of its length. */
export interface ReachedPiece {
  edge: number;
  fromFraction: number;
  toFraction: number;
}

export interface IsochroneBand {
  limitSeconds: number;
  /** Nodes reached within the limit (the vertices pgr_drivingDistance / pgr_withPointsDD return). */
  nodes: number[];
  /** Road reached, whole edges and the reached parts of partly reached ones (always the start's own edge). */
  pieces: ReachedPiece[];
  reachedMeters: number;
}

/** Where an isochrone starts: points on edges (split there, as pgr_withPointsDD does) or bare graph origins. */
export type IsochroneStart =
  | { kind: 'points'; points: readonly EdgePoint[] }
  | { kind: 'origins'; origins: readonly Origin[] };

export interface RunOptions {
  signal?: AbortSignal;
  /** Called with 0…1 as the work goes on. */
  onProgress?: (fraction: number) => void;
}

/**
 * Isochrones on the road network for several limits at once (e.g. 60, 180, 300 s for 1-3-5 minutes) from one search
 * bounded by the largest limit. An edge is reached from its source up to (limit − t_source)/cost of its length, from
 * its target backwards likewise, and from a start on it both ways; overlapping parts are merged. The polygon around
 * the pieces is drawn elsewhere (a buffer of the reached lines).
 */
export function isochrones(
  g: RoadGraph,
  start: IsochroneStart | readonly Origin[],
  limitsSeconds: readonly number[],
  opts: RunOptions = {},
): IsochroneBand[] {
  const s: IsochroneStart = Array.isArray(start) ? { kind: 'origins', origins: start } : (start as IsochroneStart);
  const points = s.kind === 'points' ? s.points : [];
  const origins = s.kind === 'points' ? originsForAll(g, s.points) : s.origins;
  const max = Math.max(...limitsSeconds);
  const searchOpts = opts.signal ? { limitSeconds: max, signal: opts.signal } : { limitSeconds: max };
  const { seconds } = travelTimes(g, origins, searchOpts);
  opts.onProgress?.(0.5);
  const onEdge = startsByEdge(points);
  const bands = limitsSeconds.map((limit) => {
    opts.signal?.throwIfAborted();
    const nodes: number[] = [];
    // Whole-graph loops, unchecked like the search itself: `seconds` is travelTimes' own, one time per node of g.
    for (let v = 0; v < g.nodeCount; v++) if ((seconds[v] ?? Infinity) <= limit) nodes.push(v);
    const pieces: ReachedPiece[] = [];
    let reachedMeters = 0;
    for (let e = 0; e < g.edgeCount; e++) {
      const ts = seconds[g.edgeSource[e] ?? 0] ?? Infinity;
      const tt = seconds[g.edgeTarget[e] ?? 0] ?? Infinity;
      const here = onEdge.get(e);
      if (ts > limit && tt > limit && !here) continue;
      const len = g.edgeLengthMeters[e] ?? 0;
      for (const [a, b] of reachedIntervals(g, e, ts, tt, limit, here)) {
        pieces.push({ edge: e, fromFraction: a, toFraction: b });
        reachedMeters += (b - a) * len;
      }
    }
    return { limitSeconds: limit, nodes, pieces, reachedMeters };
  });
  opts.onProgress?.(1);
  return bands;
}
