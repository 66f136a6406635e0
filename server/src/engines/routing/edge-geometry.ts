import { checkEdge, haversineMeters, type RoadGraph } from './road-graph.js';

/**
 * The first and one-past-last position of edge e in `g.edgeCoords` (as pairs).
 * @throws RangeError when e is not an edge of g
 */
function coordRange(g: RoadGraph, e: number): [number, number] {
  checkEdge(g, e);
  // Unchecked from here on (a checked read per position made a route's line cost a third of its search, issue 18):
  // edgeCoordStart has edgeCount + 1 entries and indexes edgeCoords, one CSR built by buildRoadGraph.
  return [g.edgeCoordStart[e] ?? 0, g.edgeCoordStart[e + 1] ?? 0];
}

/**
 * Appends the positions of edge e from fraction `a` to `b` (0 ≤ a ≤ b ≤ 1, cut by length along the line) to `line`,
 * from `b` back to `a` when `reversed`, leaving out the first one appended when `skipFirst` (the joint with what is
 * already there). The one slicing routine of {@link edgeSlice}, {@link pathLine} and a route's line, written into the
 * caller's array so a route's line is built once rather than sliced and spread together.
 */
export function appendEdgeSlice(
  line: [number, number][],
  g: RoadGraph,
  e: number,
  a: number,
  b: number,
  reversed: boolean,
  skipFirst: boolean,
): void {
  const [from, to] = coordRange(g, e);
  const xs = g.edgeCoords;
  const n = to - from;
  if (a <= 0 && b >= 1) {
    // The whole edge: its positions as stored.
    if (reversed)
      for (let i = to - 1 - (skipFirst ? 1 : 0); i >= from; i--) line.push([xs[2 * i] ?? 0, xs[2 * i + 1] ?? 0]);
    else for (let i = from + (skipFirst ? 1 : 0); i < to; i++) line.push([xs[2 * i] ?? 0, xs[2 * i + 1] ?? 0]);
    return;
  }
  // Length along the line up to each position (metres, haversine as the edge's length is measured). A plain array
  // and no closure: a Float64Array and a pointAt closure per call made a part edge cost ~13 whole edges (issue 18).
  const cum: number[] = [0];
  for (let i = 1; i < n; i++) {
    const p = 2 * (from + i - 1);
    cum.push((cum[i - 1] ?? 0) + haversineMeters(xs[p] ?? 0, xs[p + 1] ?? 0, xs[p + 2] ?? 0, xs[p + 3] ?? 0));
  }
  const total = cum[n - 1] ?? 0;
  const da = a * total,
    db = b * total;
  // The positions strictly between the two cuts: cum is increasing, so they are one run [lo, hi).
  let lo = 1;
  while (lo < n - 1 && !((cum[lo] ?? 0) > da)) lo++;
  let hi = lo;
  while (hi < n - 1 && (cum[hi] ?? 0) > da && (cum[hi] ?? 0) < db) hi++;
  if (reversed) {
    if (!skipFirst) line.push(cutAt(xs, from, cum, db));
    for (let i = hi - 1; i >= lo; i--) line.push([xs[2 * (from + i)] ?? 0, xs[2 * (from + i) + 1] ?? 0]);
    line.push(cutAt(xs, from, cum, da));
  } else {
    if (!skipFirst) line.push(cutAt(xs, from, cum, da));
    for (let i = lo; i < hi; i++) line.push([xs[2 * (from + i)] ?? 0, xs[2 * (from + i) + 1] ?? 0]);
    line.push(cutAt(xs, from, cum, db));
  }
}

/** The position `d` metres along the edge whose positions start at pair `from`, `cum` its lengths up to each one. */
function cutAt(xs: Float64Array, from: number, cum: readonly number[], d: number): [number, number] {
  const n = cum.length;
  let i = 1;
  while (i < n - 1 && (cum[i] ?? 0) < d) i++;
  const p = 2 * (from + i - 1);
  const px = xs[p] ?? 0,
    py = xs[p + 1] ?? 0,
    qx = xs[p + 2] ?? 0,
    qy = xs[p + 3] ?? 0;
  const seg = (cum[i] ?? 0) - (cum[i - 1] ?? 0);
  const t = seg > 0 ? (d - (cum[i - 1] ?? 0)) / seg : 0;
  return [px + (qx - px) * t, py + (qy - py) * t];
}

/** Positions of edge e from fraction `a` to `b` of its length (0 = source end), cut by length along the line. */
export function edgeSlice(g: RoadGraph, e: number, a = 0, b = 1): [number, number][] {
  const out: [number, number][] = [];
  appendEdgeSlice(out, g, e, a, b, false, false);
  return out;
}

/**
 * Appends the line of a path given as edges and the nodes it passes (nodes[i] → nodes[i + 1] over edges[i]) to `line`,
 * each edge without its first position when `joined` (the line already ends there) and every later edge likewise.
 */
export function appendPathLine(
  line: [number, number][],
  g: RoadGraph,
  nodes: readonly number[],
  edges: readonly number[],
  joined: boolean,
): void {
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i] ?? -1; // i < edges.length; coordRange checks e
    appendEdgeSlice(line, g, e, 0, 1, g.edgeSource[e] !== nodes[i], joined || i > 0);
  }
}

/** The line of a path given as edges and the nodes it passes (nodes[i] → nodes[i + 1] over edges[i]). */
export function pathLine(g: RoadGraph, nodes: readonly number[], edges: readonly number[]): [number, number][] {
  const line: [number, number][] = [];
  appendPathLine(line, g, nodes, edges, false);
  return line;
}
