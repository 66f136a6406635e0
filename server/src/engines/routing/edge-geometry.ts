import { at } from '../shared/checked.js';
import { haversineMeters, type RoadGraph } from './road-graph.js';

/** Positions of edge e from fraction `a` to `b` of its length (0 = source end), cut by length along the line. */
export function edgeSlice(g: RoadGraph, e: number, a = 0, b = 1): [number, number][] {
  const from = at(g.edgeCoordStart, e, 'edge'),
    to = at(g.edgeCoordStart, e + 1, 'edge');
  const pts: [number, number][] = [];
  for (let i = from; i < to; i++)
    pts.push([at(g.edgeCoords, 2 * i, 'edge coordinate'), at(g.edgeCoords, 2 * i + 1, 'edge coordinate')]);
  if (a <= 0 && b >= 1) return pts;
  const cum = [0];
  for (let i = 1; i < pts.length; i++) {
    const p = at(pts, i - 1, 'edge point'),
      q = at(pts, i, 'edge point');
    cum.push(at(cum, i - 1) + haversineMeters(p[0], p[1], q[0], q[1]));
  }
  const total = at(cum, cum.length - 1);
  const pointAt = (d: number): [number, number] => {
    let i = 1;
    while (i < pts.length - 1 && at(cum, i) < d) i++;
    const p = at(pts, i - 1, 'edge point'),
      q = at(pts, i, 'edge point');
    const seg = at(cum, i) - at(cum, i - 1);
    const t = seg > 0 ? (d - at(cum, i - 1)) / seg : 0;
    return [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t];
  };
  const da = a * total,
    db = b * total;
  const out: [number, number][] = [pointAt(da)];
  for (let i = 1; i < pts.length - 1; i++) if (at(cum, i) > da && at(cum, i) < db) out.push(at(pts, i, 'edge point'));
  out.push(pointAt(db));
  return out;
}

/** The line of a path given as edges and the nodes it passes (nodes[i] → nodes[i + 1] over edges[i]). */
export function pathLine(g: RoadGraph, nodes: readonly number[], edges: readonly number[]): [number, number][] {
  const line: [number, number][] = [];
  edges.forEach((e, i) => {
    const forward = g.edgeSource[e] === nodes[i];
    const piece = edgeSlice(g, e);
    if (!forward) piece.reverse();
    line.push(...(line.length ? piece.slice(1) : piece));
  });
  return line;
}
