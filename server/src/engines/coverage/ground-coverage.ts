import { at } from '../shared/checked.js';
import { metersPerDegree } from '../shared/geo.js';
import { outerBox } from './outer-box.js';
import type { CameraView } from './road-coverage.js';

type Ring = readonly (readonly [number, number])[];
/** [lon, lat] MultiPolygon coordinates. */
export type MultiPolygonCoords = readonly (readonly Ring[])[];

export interface GroundArea {
  areaId: string;
  coordinates: MultiPolygonCoords;
}

/** Cell states below 0: outside every area, or inside a building (not open ground). */
const OUTSIDE = -1;
const BUILDING = -2;

/**
 * Share of open ground seen, per area, sampled on a regular lattice of cell centres (`stepM` apart, default 5 m):
 * each cell belongs to the area holding its centre, cells inside building footprints are not open ground and are left
 * out. A counter per cell says how many working cameras see it, so adding, moving or removing a camera touches only
 * the cells under its view, and an area's seen share is kept as a running count (a rate is O(1) to read).
 *
 * Written here rather than with a polygon union (turf/polyclip over 15,000 views is minutes) or a point index: the
 * lattice is implicit, so rows are filled by scanline (even–odd, as PostGIS decides inside) with no search at all.
 * Sampling error of the share is about one cell row along the area's edge, i.e. < 1 % for a 5 m step over a grid of
 * a few hectares (checked against PostGIS in server/test/coverage/ground-coverage-postgis.test.ts).
 *
 * Indexes never come from outside: a cell is one `fill` made (clamped to the lattice), an area index one the
 * constructor wrote into `owner`. The per-cell loops read their typed arrays unchecked (`?? 0` is never taken) as
 * checked reads there cost about as much as the loop (see shared/checked.ts); only the per-area reads are checked.
 */
export class GroundCoverage {
  readonly stepM: number;
  private readonly lon0: number;
  private readonly lat0: number;
  private readonly dLon: number;
  private readonly dLat: number;
  private readonly cols: number;
  private readonly rows: number;
  /** Area index per cell, or OUTSIDE / BUILDING. */
  private readonly owner: Int32Array;
  private readonly seenBy: Uint16Array;
  private readonly cellsOf: Float64Array;
  private readonly seenOf: Float64Array;
  private readonly cameraCells = new Map<number, Int32Array>();

  constructor(
    private readonly areas: readonly GroundArea[],
    buildings: readonly MultiPolygonCoords[],
    opts: { stepM?: number } = {},
  ) {
    this.stepM = opts.stepM ?? 5;
    let [minX, minY, maxX, maxY] = outerBox(areas.flatMap((a) => a.coordinates));
    if (!Number.isFinite(minX)) minX = minY = maxX = maxY = 0;
    const m = metersPerDegree((minY + maxY) / 2);
    this.dLon = this.stepM / m.lon;
    this.dLat = this.stepM / m.lat;
    this.lon0 = minX;
    this.lat0 = minY;
    this.cols = Math.max(1, Math.ceil((maxX - minX) / this.dLon));
    this.rows = Math.max(1, Math.ceil((maxY - minY) / this.dLat));
    this.owner = new Int32Array(this.cols * this.rows).fill(OUTSIDE);
    this.seenBy = new Uint16Array(this.cols * this.rows);
    this.cellsOf = new Float64Array(areas.length);
    this.seenOf = new Float64Array(areas.length);
    const owner = this.owner;
    areas.forEach((a, i) => {
      for (const poly of a.coordinates) this.fill(poly, (c0, c1) => owner.fill(i, c0, c1));
    });
    for (const b of buildings) for (const poly of b) this.fill(poly, (c0, c1) => owner.fill(BUILDING, c0, c1));
    const cellsOf = this.cellsOf;
    for (let c = 0; c < owner.length; c++) {
      const o = owner[c] ?? OUTSIDE;
      if (o >= 0) cellsOf[o] = (cellsOf[o] ?? 0) + 1; // o < areas.length: written by the fill above
    }
  }

  /**
   * Calls `span(c0, c1)` for each run of lattice cells c0 … c1 − 1 (along a row) whose centres lie inside the polygon
   * (even–odd over its rings): runs, not cells, so filling an area or a building is a typed-array fill.
   */
  private fill(polygon: readonly Ring[], span: (c0: number, c1: number) => void): void {
    let minY = Infinity,
      maxY = -Infinity;
    for (const [, y] of polygon[0] ?? []) {
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
    const r0 = Math.max(0, Math.ceil((minY - this.lat0) / this.dLat - 0.5));
    const r1 = Math.min(this.rows - 1, Math.floor((maxY - this.lat0) / this.dLat - 0.5));
    if (r1 < r0) return;
    // Each edge adds its crossings only to the rows it spans (rows in CSR order: counted, then placed), so a polygon
    // costs its crossings, not rows × edges.
    const rowOf = (y: number) => (y - this.lat0) / this.dLat - 0.5;
    // CSR of crossings per row, built and read right here: every index below is bounded by its construction.
    const start = new Int32Array(r1 - r0 + 2);
    const eachCrossing = (put: (row: number, x: number) => void) => {
      for (const ring of polygon) {
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          const pi = ring[i] as readonly [number, number],
            pj = ring[j] as readonly [number, number];
          const yi = pi[1],
            yj = pj[1];
          if (yi === yj) continue;
          // Rows whose centre y lies in [min, max) of the edge: the half-open rule of `yi > y !== yj > y`.
          // (with a row to spare at each end; the test below decides exactly).
          const lo = Math.max(r0, Math.floor(rowOf(Math.min(yi, yj))));
          const hi = Math.min(r1, Math.ceil(rowOf(Math.max(yi, yj))));
          for (let r = lo; r <= hi; r++) {
            const y = this.lat0 + (r + 0.5) * this.dLat;
            if (yi > y !== yj > y) put(r - r0, ((pj[0] - pi[0]) * (y - yi)) / (yj - yi) + pi[0]);
          }
        }
      }
    };
    eachCrossing((row) => {
      start[row + 1] = (start[row + 1] ?? 0) + 1;
    });
    for (let k = 1; k < start.length; k++) start[k] = (start[k] ?? 0) + (start[k - 1] ?? 0);
    const xs = new Float64Array(start[start.length - 1] ?? 0);
    const next = start.slice(0, -1);
    eachCrossing((row, x) => {
      xs[next[row] ?? 0] = x;
      next[row] = (next[row] ?? 0) + 1;
    });
    for (let row = 0; row + r0 <= r1; row++) {
      const a = start[row] ?? 0,
        b = start[row + 1] ?? 0;
      if (b - a < 2) continue;
      const run = xs.subarray(a, b).sort();
      const base = (row + r0) * this.cols;
      for (let k = 0; k + 1 < run.length; k += 2) {
        // Cells whose centre x lies in [xs[k], xs[k+1]).
        const c0 = Math.max(0, Math.ceil(((run[k] ?? 0) - this.lon0) / this.dLon - 0.5));
        const c1 = Math.min(this.cols - 1, Math.ceil(((run[k + 1] ?? 0) - this.lon0) / this.dLon - 0.5) - 1);
        if (c0 <= c1) span(base + c0, base + c1 + 1);
      }
    }
  }

  /** Adds or replaces what one camera sees. */
  setCamera(view: CameraView): void {
    this.removeCamera(view.cameraId);
    const cells = this.cellsUnder(view);
    for (const c of cells) {
      const o = this.owner[c] ?? OUTSIDE;
      if (o < 0) continue;
      if ((this.seenBy[c] ?? 0) === 0) this.seenOf[o] = (this.seenOf[o] ?? 0) + 1;
      this.seenBy[c] = (this.seenBy[c] ?? 0) + 1;
    }
    this.cameraCells.set(view.cameraId, cells);
  }

  removeCamera(cameraId: number): void {
    const cells = this.cameraCells.get(cameraId);
    if (!cells) return;
    this.cameraCells.delete(cameraId);
    for (const c of cells) {
      const o = this.owner[c] ?? OUTSIDE;
      if (o < 0) continue;
      this.seenBy[c] = (this.seenBy[c] ?? 1) - 1;
      if (this.seenBy[c] === 0) this.seenOf[o] = (this.seenOf[o] ?? 1) - 1;
    }
  }

  /** Open-ground cells a view would newly see, in square metres (placement's gain from ground). */
  gainOf(view: CameraView): number {
    let n = 0;
    for (const c of this.cellsUnder(view)) if ((this.owner[c] ?? OUTSIDE) >= 0 && this.seenBy[c] === 0) n++;
    return n * this.stepM * this.stepM;
  }

  /** Per lattice cell: 1 when it is open ground (in an area, not in a building), and 1 when a working camera sees it. */
  cellState(): { open: Uint8Array; seen: Uint8Array } {
    const open = new Uint8Array(this.owner.length),
      seen = new Uint8Array(this.owner.length);
    for (let c = 0; c < this.owner.length; c++) {
      open[c] = (this.owner[c] ?? OUTSIDE) >= 0 ? 1 : 0;
      seen[c] = (this.seenBy[c] ?? 0) > 0 ? 1 : 0;
    }
    return { open, seen };
  }

  /** Lattice cells whose centre a view covers. */
  cellsUnder(view: CameraView): Int32Array {
    const out: number[] = [];
    // A view's polygons do not overlap each other, so no cell is listed twice.
    for (const poly of view.coordinates)
      this.fill(poly, (c0, c1) => {
        for (let c = c0; c < c1; c++) out.push(c);
      });
    return Int32Array.from(out);
  }

  /** Open ground and open ground seen per area, in square metres of lattice cells. */
  byArea(): { areaId: string; groundM2: number; seenGroundM2: number; groundRate: number }[] {
    const cell = this.stepM * this.stepM;
    return this.areas.map((a, i) => {
      const cells = at(this.cellsOf, i, 'area'),
        seen = at(this.seenOf, i, 'area');
      return {
        areaId: a.areaId,
        groundM2: cells * cell,
        seenGroundM2: seen * cell,
        groundRate: cells > 0 ? seen / cells : 0,
      };
    });
  }
}
