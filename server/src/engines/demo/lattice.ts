import type { Rng } from './prng.js';

/** [lon, lat] */
export type LonLat = [number, number];

/**
 * The demo district is a lattice of city blocks whose corners are jittered (so it does not look like graph paper).
 * Every area — grid, community, township, beat, station area, district — is a rectangle of whole blocks traced
 * along the same shared corner points, so they tile exactly: no gaps, no overlaps, by construction.
 */
export interface Lattice {
  cols: number;
  rows: number;
  /** Corner (i, j), 0 ≤ i ≤ cols, 0 ≤ j ≤ rows. */
  node(i: number, j: number): LonLat;
  /** Closed counter-clockwise ring around blocks [c0, c1) × [r0, r1). */
  ring(c0: number, r0: number, c1: number, r1: number): LonLat[];
  /** A point inside block (c, r) at block-local (u, v) ∈ [0, 1]² (bilinear between its corners). */
  inBlock(c: number, r: number, u: number, v: number): LonLat;
}

export interface LatticeOptions {
  cols: number;
  rows: number;
  originLon: number;
  originLat: number;
  blockLonDeg: number;
  blockLatDeg: number;
  /** Corner jitter as a share of the block size (< 0.25 keeps every block convex). */
  jitter: number;
}

/** OSM stores 7 decimals; rounding keeps shared corners bit-identical wherever they are reused. */
const round7 = (x: number) => Math.round(x * 1e7) / 1e7;

export function makeLattice(rng: Rng, o: LatticeOptions): Lattice {
  const nodes: LonLat[][] = [];
  for (let i = 0; i <= o.cols; i++) {
    const col: LonLat[] = [];
    for (let j = 0; j <= o.rows; j++) {
      const interiorX = i > 0 && i < o.cols;
      const interiorY = j > 0 && j < o.rows;
      // Boundary corners move only along the boundary, so the district outline stays a clean rectangle.
      const dx = interiorX ? (rng() * 2 - 1) * o.jitter : 0;
      const dy = interiorY ? (rng() * 2 - 1) * o.jitter : 0;
      col.push([round7(o.originLon + (i + dx) * o.blockLonDeg), round7(o.originLat + (j + dy) * o.blockLatDeg)]);
    }
    nodes.push(col);
  }
  const node = (i: number, j: number): LonLat => nodes[i]?.[j] ?? [Number.NaN, Number.NaN];
  return {
    cols: o.cols,
    rows: o.rows,
    node,
    ring(c0, r0, c1, r1) {
      const ring: LonLat[] = [];
      for (let i = c0; i <= c1; i++) ring.push(node(i, r0));
      for (let j = r0 + 1; j <= r1; j++) ring.push(node(c1, j));
      for (let i = c1 - 1; i >= c0; i--) ring.push(node(i, r1));
      for (let j = r1 - 1; j >= r0; j--) ring.push(node(c0, j));
      return ring;
    },
    inBlock(c, r, u, v) {
      const [x00, y00] = node(c, r),
        [x10, y10] = node(c + 1, r),
        [x01, y01] = node(c, r + 1),
        [x11, y11] = node(c + 1, r + 1);
      const lon = (1 - u) * (1 - v) * x00 + u * (1 - v) * x10 + (1 - u) * v * x01 + u * v * x11;
      const lat = (1 - u) * (1 - v) * y00 + u * (1 - v) * y10 + (1 - u) * v * y01 + u * v * y11;
      return [round7(lon), round7(lat)];
    },
  };
}

/** A quadrilateral inside a block, [u0, u1] × [v0, v1] in block-local coordinates, as a closed CCW ring. */
export function blockQuad(l: Lattice, c: number, r: number, u0: number, v0: number, u1: number, v1: number): LonLat[] {
  const a = l.inBlock(c, r, u0, v0);
  return [a, l.inBlock(c, r, u1, v0), l.inBlock(c, r, u1, v1), l.inBlock(c, r, u0, v1), a];
}
