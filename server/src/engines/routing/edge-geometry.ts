import { at } from '../shared/checked.js';
import { haversineMeters, type RoadGraph } from './road-graph.js';

/** Positions of edge e from fraction `a` to `b` of its length (0 = source end), cut by length along the line. */
export function edgeSlice(g: RoadGraph, e: number, a = 0, b = 1): [number, number][] {
  const from = at(g.edgeCoordStart, e, 'edge'),
    to = at(g.edgeCoordStart, e + 1, 'edge');
  const pts: [number, number][] = [];
  for (let i = from; i < to; i++) pts.push([g.edgeCoords[2 * i] ?? 0, g.edgeCoords[2 * i + 1] ?? 0]);
  if (a <= 0 && b >= 1) return pts;
  const cum = [0];
  for (let i = 1; i < pts.length; i++) {
    const p = pts[i - 1] ?? [0, 0],
      q = pts[i] ?? [0, 0];
    cum.push((cum[i - 1] ?? 0) + haversineMeters(p[0], p[1], q[0], q[1]));
  }
  const total = cum[cum.length - 1] ?? 0;
  const pointAt = (d: number): [number, number] => {
    let i = 1;
    while (i < pts.length - 1 && (cum[i] ?? 0) < d) i++;
    const p = pts[i - 1] ?? [0, 0],
      q = pts[i] ?? [0, 0];
    const seg = (cum[i] ?? 0) - (cum[i - 1] ?? 0);
    const t = seg > 0 ? (d - (cum[i - 1] ?? 0)) / seg : 0;
    return [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t];
  };
  const da = a * total,
    db = b * total;
  const out: [number, number][] = [pointAt(da)];
  for (let i = 1; i < pts.length - 1; i++) if ((cum[i] ?? 0) > da && (cum[i] ?? 0) < db) out.push(pts[i] ?? [0, 0]);
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
