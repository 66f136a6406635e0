import { at } from '../shared/checked.js';
import { travelTimes, walkBack } from './dijkstra.js';
import { alongEdgeSeconds, arrivalAt, exitsFor, originsFor, type EdgePoint } from './edge-point.js';
import { edgeSlice, pathLine } from './edge-geometry.js';
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
      const a = Math.min(from.fraction, to.fraction),
        b = Math.max(from.fraction, to.fraction);
      const line = edgeSlice(g, from.edge, a, b);
      return { seconds: end.seconds, line: from.fraction <= to.fraction ? line : line.reverse() };
    }
    case 'source':
    case 'target': {
      const { nodes, edges } = walkBack(t, at(end.via === 'source' ? g.edgeSource : g.edgeTarget, to.edge, 'edge'));
      const start =
        nodes[0] === g.edgeSource[from.edge]
          ? edgeSlice(g, from.edge, 0, from.fraction).reverse()
          : edgeSlice(g, from.edge, from.fraction, 1);
      const finish =
        end.via === 'source' ? edgeSlice(g, to.edge, 0, to.fraction) : edgeSlice(g, to.edge, to.fraction, 1).reverse();
      return { seconds: end.seconds, line: [...start, ...pathLine(g, nodes, edges).slice(1), ...finish.slice(1)] };
    }
    default: {
      const never: never = end;
      return never;
    }
  }
}
