import { at } from '../shared/checked.js';
import { travelTimes, walkBack } from './dijkstra.js';
import { alongEdgeSeconds, arrivalAt, exitsFor, originsFor, type EdgePoint } from './edge-point.js';
import { appendEdgeSlice, appendPathLine } from './edge-geometry.js';
import type { RoadGraph } from './road-graph.js';

/**
 * The line of the fastest way from one point on the network to another, each edge split at its point (as
 * pgr_withPointsCost does): straight along a shared street either way it allows, or out over a junction and back.
 */
export function routeBetween(
  g: RoadGraph,
  from: EdgePoint,
  to: EdgePoint,
): { seconds: number; line: [number, number][] } | undefined {
  // The search ends as soon as neither end of the target's edge can be reached sooner (nor beat the straight way
  // along a shared edge): the work of a junction-to-junction search with an early exit, plus two edges.
  const direct = from.edge === to.edge ? alongEdgeSeconds(g, from.edge, from.fraction, to.fraction) : Infinity;
  const t = travelTimes(g, originsFor(g, from), { exits: exitsFor(g, to), bound: direct });
  const end = arrivalAt(g, t.seconds, to, [from]);
  switch (end.via) {
    case null:
      return undefined;
    case 'direct': {
      const line: [number, number][] = [];
      const a = Math.min(from.fraction, to.fraction),
        b = Math.max(from.fraction, to.fraction);
      appendEdgeSlice(line, g, from.edge, a, b, from.fraction > to.fraction, false);
      return { seconds: end.seconds, line };
    }
    case 'source':
    case 'target': {
      const { nodes, edges } = walkBack(t, at(end.via === 'source' ? g.edgeSource : g.edgeTarget, to.edge, 'edge'));
      // One array, written in order: the start's part edge, the path's edges, the target's part edge, each without
      // the junction the line already ends at.
      const line: [number, number][] = [];
      if (nodes[0] === g.edgeSource[from.edge]) appendEdgeSlice(line, g, from.edge, 0, from.fraction, true, false);
      else appendEdgeSlice(line, g, from.edge, from.fraction, 1, false, false);
      appendPathLine(line, g, nodes, edges, true);
      if (end.via === 'source') appendEdgeSlice(line, g, to.edge, 0, to.fraction, false, true);
      else appendEdgeSlice(line, g, to.edge, to.fraction, 1, true, true);
      return { seconds: end.seconds, line };
    }
    default: {
      const never: never = end;
      return never;
    }
  }
}
