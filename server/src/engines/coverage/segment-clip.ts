import { at } from '../shared/checked.js';

/** Parameter interval [from, to] ⊂ [0, 1] along a segment. */
export type Interval = [number, number];

type Ring = readonly (readonly [number, number])[];

/**
 * The parts of segment a→b inside a polygon (outer ring plus holes), as parameter intervals along it. The polygon's
 * edges cut the segment at sorted parameters; each piece between two cuts is inside or out as a whole, decided by its
 * midpoint (even–odd rule, so holes work). Ratios along a segment survive any affine map, so this runs on lon/lat
 * directly and the fractions hold in metres too.
 */
export function clipSegmentToPolygon(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  polygon: readonly Ring[],
): Interval[] {
  const cuts = [0, 1];
  const dx = bx - ax,
    dy = by - ay;
  for (const ring of polygon) {
    for (let i = 1; i < ring.length; i++) {
      // Indexed, not destructured (no tuple per vertex): this runs for every road segment under every view.
      const p = ring[i - 1] as readonly [number, number],
        q = ring[i] as readonly [number, number];
      const px = p[0],
        py = p[1];
      const ex = q[0] - px,
        ey = q[1] - py;
      const den = dx * ey - dy * ex;
      if (den === 0) continue; // parallel: its ends cut through the neighbouring edges instead
      const t = ((px - ax) * ey - (py - ay) * ex) / den;
      const u = ((px - ax) * dy - (py - ay) * dx) / den;
      if (t > 0 && t < 1 && u >= 0 && u <= 1) cuts.push(t);
    }
  }
  cuts.sort((x, y) => x - y);
  const out: Interval[] = [];
  for (let k = 1; k < cuts.length; k++) {
    const t0 = at(cuts, k - 1, 'cut'),
      t1 = at(cuts, k, 'cut');
    if (t1 - t0 < 1e-12) continue;
    const tm = (t0 + t1) / 2;
    if (!insidePolygon(ax + tm * dx, ay + tm * dy, polygon)) continue;
    const last = out[out.length - 1];
    if (last && Math.abs(last[1] - t0) < 1e-12) last[1] = t1;
    else out.push([t0, t1]);
  }
  return out;
}

/** Even–odd point in polygon over all rings. */
export function insidePolygon(x: number, y: number, polygon: readonly Ring[]): boolean {
  let inside = false;
  for (const ring of polygon) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const pi = ring[i] as readonly [number, number],
        pj = ring[j] as readonly [number, number];
      const xi = pi[0],
        yi = pi[1],
        yj = pj[1];
      if (yi > y !== yj > y && x < ((pj[0] - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** Total length of the union of intervals (they may overlap: several cameras see the same stretch). */
export function unionLength(intervals: readonly Interval[]): number {
  if (intervals.length === 0) return 0;
  const sorted = [...intervals].sort((p, q) => p[0] - q[0]);
  let total = 0;
  let [s, e] = sorted[0] ?? [0, 0];
  for (const [a, b] of sorted.slice(1)) {
    if (a > e) {
      total += e - s;
      s = a;
      e = b;
    } else if (b > e) e = b;
  }
  return total + (e - s);
}

/** The union of intervals as sorted, disjoint runs (the runs `unionLength` adds up, so their lengths sum the same). */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  if (intervals.length === 0) return [];
  const sorted = [...intervals].sort((p, q) => p[0] - q[0]);
  const out: Interval[] = [];
  let [s, e] = sorted[0] ?? [0, 0];
  for (const [a, b] of sorted.slice(1)) {
    if (a > e) {
      out.push([s, e]);
      s = a;
      e = b;
    } else if (b > e) e = b;
  }
  out.push([s, e]);
  return out;
}
