import type { MultiPolygon } from 'geojson';
import { localProjection } from '../coverage/local-projection.js';

/**
 * The area within `meters` of reached roads (an isochrone's polygon), drawn on a fine raster in a local metric
 * projection. Why a raster: the buffer of a road network is the union of thousands of overlapping capsules; a vector
 * union (turf/JSTS buffer: ~20 s CPU for Monaco's 421 reached foot pieces; PostGIS ST_Union of buffers: seconds on
 * PGlite) spends its time noding overlaps nobody sees. Each capsule row is filled as one run of cells (a capsule is
 * convex), the cells' outline is traced along cell edges and simplified by less than a cell. The area is the traced
 * outline's; the cell (≤ 1 m, finer for small areas) bounds its error to a fraction of a percent, checked against
 * PostGIS ST_Buffer(geography) in server/test/routing.
 */
export interface RoadBuffer {
  area: MultiPolygon | null;
  areaSquareMeters: number;
  cellMeters: number;
}

/** Cells at most (2 M: 2 MB of raster and 2 MB of corners). */
const MAX_CELLS = 2_000_000;

/**
 * Several bands (1-3-5 minutes) on one raster frame, the largest band's: a smaller band's cells are then a subset of
 * a larger one's, so its outline stays inside (separate frames would shift the cells by up to one).
 */
export function bufferBands(
  bands: readonly (readonly (readonly [number, number])[][])[],
  meters: number,
): RoadBuffer[] {
  const all = bands.flat();
  return bands.map((lines) => bufferRoads(lines, meters, all));
}

export function bufferRoads(
  lines: readonly (readonly [number, number])[][],
  meters: number,
  frameOf: readonly (readonly [number, number])[][] = lines,
): RoadBuffer {
  if (lines.length === 0) return { area: null, areaSquareMeters: 0, cellMeters: 0 };
  let lon0 = 0,
    lat0 = 0,
    n = 0;
  for (const l of frameOf)
    for (const [x, y] of l) {
      lon0 += x;
      lat0 += y;
      n++;
    }
  if (n === 0 || meters <= 0) return { area: null, areaSquareMeters: 0, cellMeters: 0 };
  const proj = localProjection(lon0 / n, lat0 / n);
  const local = lines.map((l) => l.map(([x, y]) => proj.toLocal(x, y)));
  const frame = frameOf === lines ? local : frameOf.map((l) => l.map(([x, y]) => proj.toLocal(x, y)));
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const l of frame)
    for (const [x, y] of l) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  minX -= meters + 2;
  minY -= meters + 2;
  maxX += meters + 2;
  maxY += meters + 2;
  const cell = Math.max(0.25, Math.min(meters / 8, Math.sqrt(((maxX - minX) * (maxY - minY)) / MAX_CELLS)));
  const W = Math.ceil((maxX - minX) / cell),
    H = Math.ceil((maxY - minY) / cell);
  const grid = new Uint8Array(W * H);
  for (const l of local) {
    if (l.length === 1)
      fillCapsule(grid, W, H, minX, minY, cell, l[0] as [number, number], l[0] as [number, number], meters);
    for (let i = 1; i < l.length; i++)
      fillCapsule(grid, W, H, minX, minY, cell, l[i - 1] as [number, number], l[i] as [number, number], meters);
  }
  const rings = traceRings(grid, W, H).map((r) => simplifyRing(r, 0.75));
  const toLonLat = (r: [number, number][]) =>
    r.map(([i, j]) => {
      const [lon, lat] = proj.toLonLat([minX + i * cell, minY + j * cell]);
      return [round6(lon), round6(lat)];
    });
  const outers: { ring: [number, number][]; holes: [number, number][][]; area: number }[] = [];
  const holes: { ring: [number, number][]; area: number }[] = [];
  for (const r of rings) {
    if (r.length < 4) continue;
    const a = ringArea(r);
    if (a > 0) outers.push({ ring: r, holes: [], area: a });
    else if (a < 0) holes.push({ ring: r, area: a });
  }
  // A hole belongs to the smallest outer ring holding its first corner (rings never cross: they trace one raster).
  outers.sort((x, y) => x.area - y.area);
  for (const h of holes) {
    const [px, py] = h.ring[0] as [number, number];
    const owner = outers.find((o) => o.area > -h.area && insideRing(o.ring, px + 1e-3, py + 1e-3));
    owner?.holes.push(h.ring);
  }
  let areaCells = 0;
  for (const o of outers) {
    areaCells += o.area;
    for (const h of o.holes) areaCells += ringArea(h);
  }
  return {
    area: {
      type: 'MultiPolygon',
      coordinates: outers.map((o) => [toLonLat(o.ring), ...o.holes.map(toLonLat)]),
    },
    areaSquareMeters: areaCells * cell * cell,
    cellMeters: cell,
  };
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** Marks the cells whose centres lie within r of segment a–b: per row, the one run the convex capsule covers. */
function fillCapsule(
  grid: Uint8Array,
  W: number,
  H: number,
  x0: number,
  y0: number,
  cell: number,
  a: [number, number],
  b: [number, number],
  r: number,
): void {
  const [ax, ay] = a,
    [bx, by] = b;
  const dx = bx - ax,
    dy = by - ay;
  const len = Math.hypot(dx, dy);
  const nx = len > 0 ? -dy / len : 0,
    ny = len > 0 ? dx / len : 0;
  // The band around the segment: a rotated rectangle, corners in order.
  const quad: [number, number][] = [
    [ax + nx * r, ay + ny * r],
    [bx + nx * r, by + ny * r],
    [bx - nx * r, by - ny * r],
    [ax - nx * r, ay - ny * r],
  ];
  const jLo = Math.max(0, Math.ceil((Math.min(ay, by) - r - y0) / cell - 0.5));
  const jHi = Math.min(H - 1, Math.floor((Math.max(ay, by) + r - y0) / cell - 0.5));
  for (let j = jLo; j <= jHi; j++) {
    const y = y0 + (j + 0.5) * cell;
    let lo = Infinity,
      hi = -Infinity;
    for (const [cx, cy] of [a, b]) {
      const h = r * r - (y - cy) ** 2;
      if (h >= 0) {
        const s = Math.sqrt(h);
        lo = Math.min(lo, cx - s);
        hi = Math.max(hi, cx + s);
      }
    }
    if (len > 0)
      for (let k = 0; k < 4; k++) {
        const [px, py] = quad[k] as [number, number];
        const [qx, qy] = quad[(k + 1) % 4] as [number, number];
        if ((py <= y && qy >= y) || (qy <= y && py >= y)) {
          const x = py === qy ? Math.min(px, qx) : px + ((y - py) / (qy - py)) * (qx - px);
          lo = Math.min(lo, x, py === qy ? Math.max(px, qx) : x);
          hi = Math.max(hi, x, py === qy ? Math.max(px, qx) : x);
        }
      }
    if (lo > hi) continue;
    const iLo = Math.max(0, Math.ceil((lo - x0) / cell - 0.5));
    const iHi = Math.min(W - 1, Math.floor((hi - x0) / cell - 0.5));
    if (iLo <= iHi) grid.fill(1, j * W + iLo, j * W + iHi + 1);
  }
}

/**
 * Outlines of the marked cells along cell edges, in corner coordinates (i, j): counter-clockwise around cells,
 * clockwise around holes. At a corner two cells touch only diagonally, the walk turns so the cells stay apart.
 */
function traceRings(grid: Uint8Array, W: number, H: number): [number, number][][] {
  const on = (i: number, j: number) => i >= 0 && j >= 0 && i < W && j < H && grid[j * W + i] === 1;
  // Directed boundary edges as bits of their start corner: 1 east, 2 north, 4 west, 8 south.
  const out = new Uint8Array((W + 1) * (H + 1));
  const key = (i: number, j: number) => j * (W + 1) + i;
  const starts: number[] = [];
  const add = (k: number, d: number) => {
    if (out[k] === 0) starts.push(k);
    out[k] = (out[k] as number) | (1 << d);
  };
  for (let j = 0; j < H; j++)
    for (let i = 0; i < W; i++) {
      if (grid[j * W + i] !== 1) continue;
      if (!on(i, j - 1)) add(key(i, j), 0); // bottom edge, east
      if (!on(i + 1, j)) add(key(i + 1, j), 1); // right edge, north
      if (!on(i, j + 1)) add(key(i + 1, j + 1), 2); // top edge, west
      if (!on(i - 1, j)) add(key(i, j + 1), 3); // left edge, south
    }
  const di = [1, 0, -1, 0],
    dj = [0, 1, 0, -1];
  const rings: [number, number][][] = [];
  for (const k0 of starts) {
    while ((out[k0] as number) !== 0) {
      let i = k0 % (W + 1),
        j = Math.floor(k0 / (W + 1));
      const bits = out[k0] as number;
      let d = 31 - Math.clz32(bits);
      out[k0] = bits & ~(1 << d);
      const ring: [number, number][] = [[i, j]];
      for (;;) {
        i += di[d] as number;
        j += dj[d] as number;
        const k = key(i, j);
        const next = out[k] as number;
        if (next === 0) break;
        // Prefer a right turn, then straight, then left: keeps diagonal neighbours apart.
        let nd = -1;
        for (const turn of [3, 0, 1]) {
          const want = (d + turn) % 4;
          if (next & (1 << want)) {
            nd = want;
            break;
          }
        }
        if (nd < 0) break;
        out[k] = next & ~(1 << nd);
        if (nd !== d) ring.push([i, j]);
        d = nd;
      }
      rings.push(ring);
    }
  }
  return rings;
}

/** Twice the signed area (positive counter-clockwise) / 2, in the ring's units squared. */
function ringArea(r: readonly [number, number][]): number {
  let a = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const [xi, yi] = r[i] as [number, number];
    const [xj, yj] = r[j] as [number, number];
    a += xj * yi - xi * yj;
  }
  return a / 2;
}

function insideRing(r: readonly [number, number][], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const [xi, yi] = r[i] as [number, number];
    const [xj, yj] = r[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Douglas–Peucker on a closed ring (tolerance in cells), closed again at the end; stairs of cells become slopes. */
function simplifyRing(ring: [number, number][], tol: number): [number, number][] {
  if (ring.length < 5) return [...ring, ring[0] as [number, number]];
  // Split at the corner farthest from the first, so both halves are open chains.
  const first = ring[0] as [number, number];
  let far = 0,
    farD = -1;
  ring.forEach(([x, y], k) => {
    const d = (x - first[0]) ** 2 + (y - first[1]) ** 2;
    if (d > farD) {
      farD = d;
      far = k;
    }
  });
  const a = dp([...ring.slice(0, far + 1)], tol);
  const b = dp([...ring.slice(far), first], tol);
  return [...a, ...b.slice(1)];
}

function dp(pts: [number, number][], tol: number): [number, number][] {
  const keep = new Uint8Array(pts.length);
  keep[0] = 1;
  keep[pts.length - 1] = 1;
  const stack: [number, number][] = [[0, pts.length - 1]];
  while (stack.length > 0) {
    const [s, e] = stack.pop() as [number, number];
    const [sx, sy] = pts[s] as [number, number];
    const [ex, ey] = pts[e] as [number, number];
    const L = Math.hypot(ex - sx, ey - sy);
    let idx = -1,
      dmax = tol;
    for (let k = s + 1; k < e; k++) {
      const [px, py] = pts[k] as [number, number];
      const d = L > 0 ? Math.abs((ex - sx) * (sy - py) - (sx - px) * (ey - sy)) / L : Math.hypot(px - sx, py - sy);
      if (d > dmax) {
        dmax = d;
        idx = k;
      }
    }
    if (idx >= 0) {
      keep[idx] = 1;
      stack.push([s, idx], [idx, e]);
    }
  }
  return pts.filter((_, k) => keep[k] === 1);
}
