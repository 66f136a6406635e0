import { travelTimes, type Origin } from './dijkstra.js';
import { edgeReachEnds } from './reach.js';
import type { RoadGraph } from './road-graph.js';

/** The part of one edge reached within a time limit: from `fromFraction` to `toFraction` of its length. */
export interface ReachedPiece {
  edge: number;
  fromFraction: number;
  toFraction: number;
}

export interface IsochroneBand {
  limitSeconds: number;
  /** Nodes reached within the limit (the set pgr_drivingDistance returns). */
  nodes: number[];
  /** Road reached, whole edges and the reached ends of partly reached ones. */
  pieces: ReachedPiece[];
  reachedMeters: number;
}

/**
 * Isochrones on the road network for several limits at once (e.g. 60, 180, 300 s for 1-3-5 minutes) from one search
 * bounded by the largest limit. An edge is reached from its source up to (limit − t_source)/cost of its length, and
 * from its target backwards likewise; where the two meet or overlap the edge is whole. The polygon around the pieces
 * is drawn by PostGIS (buffer of the reached lines), not here.
 */
export function isochrones(g: RoadGraph, origins: readonly Origin[], limitsSeconds: readonly number[]): IsochroneBand[] {
  const max = Math.max(...limitsSeconds);
  const { seconds } = travelTimes(g, origins, { limitSeconds: max });
  return limitsSeconds.map((limit) => {
    const nodes: number[] = [];
    for (let v = 0; v < g.nodeCount; v++) if ((seconds[v] ?? Infinity) <= limit) nodes.push(v);
    const pieces: ReachedPiece[] = [];
    let reachedMeters = 0;
    for (let e = 0; e < g.edgeCount; e++) {
      const ts = seconds[g.edgeSource[e] ?? 0] ?? Infinity;
      const tt = seconds[g.edgeTarget[e] ?? 0] ?? Infinity;
      const [a, b] = edgeReachEnds(g, e, ts, tt, limit);
      const len = g.edgeLengthMeters[e] ?? 0;
      if (a + b >= 1) {
        pieces.push({ edge: e, fromFraction: 0, toFraction: 1 });
        reachedMeters += len;
        continue;
      }
      if (a > 0) pieces.push({ edge: e, fromFraction: 0, toFraction: a });
      if (b > 0) pieces.push({ edge: e, fromFraction: 1 - b, toFraction: 1 });
      reachedMeters += (a + b) * len;
    }
    return { limitSeconds: limit, nodes, pieces, reachedMeters };
  });
}
