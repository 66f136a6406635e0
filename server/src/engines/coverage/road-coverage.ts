import Flatbush from 'flatbush';
import { outerBox } from './outer-box.js';
import { metersPerDegree } from '../shared/geo.js';
import { clipSegmentToPolygon, mergeIntervals, unionLength, type Interval } from './segment-clip.js';

/** A road piece as coverage needs it: its line, class (for weights) and the area it lies in (grid, beat …). */
export interface RoadPiece {
  id: number;
  coordinates: readonly (readonly [number, number])[];
  roadClass: string;
  /** Area the piece belongs to, e.g. a grid code; pieces are cut at area boundaries beforehand (in PostGIS). */
  areaId: string;
}

/** A camera's view polygon ([lon, lat] MultiPolygon coordinates), from `viewPolygon`. */
export interface CameraView {
  cameraId: number;
  coordinates: readonly (readonly (readonly (readonly [number, number])[])[])[];
}

export interface AreaRoadCoverage {
  areaId: string;
  roadMeters: number;
  seenMeters: number;
  /** Weighted by road class: Σ w·seen / Σ w·length. */
  weightedRate: number;
}

/**
 * Road coverage that updates per camera. Each road segment keeps, per camera, the intervals of it that camera sees;
 * its seen length is the union of those. Setting or removing one camera touches only the segments under that camera's
 * view (found with a Flatbush index of segment boxes), so moving one camera in a city of 15,000 does not recompute
 * the city. No polygon union is ever built.
 */
export class RoadCoverage {
  private readonly segA: Float64Array;
  private readonly segLenM: Float64Array;
  private readonly segPiece: Int32Array;
  private readonly index: Flatbush;
  private readonly seenBy: Map<number, Interval[]>[];
  private readonly seenM: Float64Array;
  private readonly cameraSegments = new Map<number, number[]>();

  constructor(
    private readonly pieces: readonly RoadPiece[],
    private readonly classWeights: Readonly<Record<string, number>> = {},
  ) {
    const a: number[] = [],
      len: number[] = [],
      owner: number[] = [];
    pieces.forEach((p, pi) => {
      for (let i = 1; i < p.coordinates.length; i++) {
        const [x0, y0] = p.coordinates[i - 1] ?? [0, 0];
        const [x1, y1] = p.coordinates[i] ?? [0, 0];
        const m = metersPerDegree((y0 + y1) / 2);
        a.push(x0, y0, x1, y1);
        len.push(Math.hypot((x1 - x0) * m.lon, (y1 - y0) * m.lat));
        owner.push(pi);
      }
    });
    this.segA = Float64Array.from(a);
    this.segLenM = Float64Array.from(len);
    this.segPiece = Int32Array.from(owner);
    this.index = new Flatbush(Math.max(1, owner.length));
    for (let s = 0; s < owner.length; s++) {
      const x0 = a[4 * s] ?? 0,
        y0 = a[4 * s + 1] ?? 0,
        x1 = a[4 * s + 2] ?? 0,
        y1 = a[4 * s + 3] ?? 0;
      this.index.add(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1));
    }
    if (owner.length === 0) this.index.add(0, 0, 0, 0);
    this.index.finish();
    this.seenBy = owner.map(() => new Map());
    this.seenM = new Float64Array(owner.length);
  }

  /** Adds or replaces what one camera sees (a move, a new camera, a repaired one). */
  setCamera(view: CameraView): void {
    this.setFootprint(view.cameraId, this.clip(view));
  }

  /**
   * `setCamera` with the view already clipped (`footprint` of a RoadCoverage over the same pieces): two coverages of
   * one city (working, networked) clip a view once. The intervals are kept as given and never changed.
   */
  setFootprint(cameraId: number, footprint: ReadonlyMap<number, Interval[]>): void {
    this.removeCamera(cameraId);
    for (const [s, iv] of footprint) {
      this.seenBy[s]?.set(cameraId, iv);
      this.refresh(s);
    }
    this.cameraSegments.set(cameraId, [...footprint.keys()]);
  }

  /**
   * Weighted metres of road a view would add to what is seen now, without adding it: the marginal gain that camera
   * placement maximises. Unlisted road classes weigh 1.
   */
  gainOf(view: CameraView): number {
    let gain = 0;
    for (const [s, iv] of this.clip(view)) {
      const current: Interval[] = [];
      for (const other of this.seenBy[s]?.values() ?? []) current.push(...other);
      const before = this.seenM[s] ?? 0;
      const after = unionLength([...current, ...iv]) * (this.segLenM[s] ?? 0);
      gain += this.weightOf(s) * (after - before);
    }
    return gain;
  }

  /** The intervals of each road segment under a view (segment index → parameter intervals), in a stable order. */
  footprint(view: CameraView): Map<number, Interval[]> {
    return this.clip(view);
  }

  /** Per segment: its length in metres, its class weight, and the merged intervals seen now. */
  segmentState(): { lengthM: Float64Array; weight: Float64Array; pieceOf: Int32Array; seen: Interval[][] } {
    const weight = new Float64Array(this.segPiece.length);
    const seen: Interval[][] = [];
    for (let s = 0; s < this.segPiece.length; s++) {
      weight[s] = this.weightOf(s);
      const all: Interval[] = [];
      for (const iv of this.seenBy[s]?.values() ?? []) all.push(...iv);
      seen.push(mergeIntervals(all));
    }
    return { lengthM: Float64Array.from(this.segLenM), weight, pieceOf: Int32Array.from(this.segPiece), seen };
  }

  /** The intervals of each road segment under a view. */
  private clip(view: CameraView): Map<number, Interval[]> {
    const out = new Map<number, Interval[]>();
    for (const polygon of view.coordinates) {
      const [minX, minY, maxX, maxY] = outerBox([polygon]);
      for (const s of this.index.search(minX, minY, maxX, maxY)) {
        if (s >= this.segPiece.length) continue;
        const iv = clipSegmentToPolygon(
          this.segA[4 * s] ?? 0,
          this.segA[4 * s + 1] ?? 0,
          this.segA[4 * s + 2] ?? 0,
          this.segA[4 * s + 3] ?? 0,
          polygon,
        );
        if (iv.length === 0) continue;
        const mine = out.get(s);
        if (mine) mine.push(...iv);
        else out.set(s, iv);
      }
    }
    return out;
  }

  private weightOf(s: number): number {
    const piece = this.pieces[this.segPiece[s] ?? 0];
    return piece ? (this.classWeights[piece.roadClass] ?? 1) : 0;
  }

  /** Removes a camera (broken, offline, deleted). */
  removeCamera(cameraId: number): void {
    const segs = this.cameraSegments.get(cameraId);
    if (!segs) return;
    this.cameraSegments.delete(cameraId);
    for (const s of segs) {
      this.seenBy[s]?.delete(cameraId);
      this.refresh(s);
    }
  }

  private refresh(s: number): void {
    const all: Interval[] = [];
    for (const iv of this.seenBy[s]?.values() ?? []) all.push(...iv);
    this.seenM[s] = unionLength(all) * (this.segLenM[s] ?? 0);
  }

  /** Road length and seen length per area, with the class-weighted rate (unlisted classes weigh 1). */
  byArea(): AreaRoadCoverage[] {
    const acc = new Map<string, { road: number; seen: number; wRoad: number; wSeen: number }>();
    for (let s = 0; s < this.segPiece.length; s++) {
      const piece = this.pieces[this.segPiece[s] ?? 0];
      if (!piece) continue;
      const w = this.weightOf(s);
      const a = acc.get(piece.areaId) ?? { road: 0, seen: 0, wRoad: 0, wSeen: 0 };
      const len = this.segLenM[s] ?? 0,
        seen = this.seenM[s] ?? 0;
      a.road += len;
      a.seen += seen;
      a.wRoad += w * len;
      a.wSeen += w * seen;
      acc.set(piece.areaId, a);
    }
    return [...acc].map(([areaId, a]) => ({
      areaId,
      roadMeters: a.road,
      seenMeters: a.seen,
      weightedRate: a.wRoad > 0 ? a.wSeen / a.wRoad : 0,
    }));
  }

  /** Seen metres per road piece (for blind-spot maps: what is left unseen). */
  seenByPiece(): Map<number, { roadMeters: number; seenMeters: number }> {
    const out = new Map<number, { roadMeters: number; seenMeters: number }>();
    for (let s = 0; s < this.segPiece.length; s++) {
      const piece = this.pieces[this.segPiece[s] ?? 0];
      if (!piece) continue;
      const v = out.get(piece.id) ?? { roadMeters: 0, seenMeters: 0 };
      v.roadMeters += this.segLenM[s] ?? 0;
      v.seenMeters += this.seenM[s] ?? 0;
      out.set(piece.id, v);
    }
    return out;
  }

  /**
   * The unseen parts of every road segment, as [lon, lat] lines with their length and area: the blind spots.
   * The complement of the union of the seen intervals along each segment.
   */
  unseenSpans(): { pieceId: number; areaId: string; meters: number; line: [[number, number], [number, number]] }[] {
    const out: { pieceId: number; areaId: string; meters: number; line: [[number, number], [number, number]] }[] = [];
    for (let s = 0; s < this.segPiece.length; s++) {
      const piece = this.pieces[this.segPiece[s] ?? 0];
      if (!piece) continue;
      const seen: Interval[] = [];
      for (const iv of this.seenBy[s]?.values() ?? []) seen.push(...iv);
      seen.sort((p, q) => p[0] - q[0]);
      const x0 = this.segA[4 * s] ?? 0,
        y0 = this.segA[4 * s + 1] ?? 0,
        x1 = this.segA[4 * s + 2] ?? 0,
        y1 = this.segA[4 * s + 3] ?? 0;
      const len = this.segLenM[s] ?? 0;
      const emit = (a: number, b: number) => {
        if (b - a <= 1e-9) return;
        out.push({
          pieceId: piece.id,
          areaId: piece.areaId,
          meters: (b - a) * len,
          line: [
            [x0 + (x1 - x0) * a, y0 + (y1 - y0) * a],
            [x0 + (x1 - x0) * b, y0 + (y1 - y0) * b],
          ],
        });
      };
      let at = 0;
      for (const [a, b] of seen) {
        if (a > at) emit(at, a);
        at = Math.max(at, b);
      }
      if (at < 1) emit(at, 1);
    }
    return out;
  }
}
