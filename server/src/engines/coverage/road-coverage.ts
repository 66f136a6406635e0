import Flatbush from 'flatbush';
import { outerBox } from './outer-box.js';
import { at } from '../shared/checked.js';
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
        const [x0, y0] = at(p.coordinates, i - 1, 'road coordinate');
        const [x1, y1] = at(p.coordinates, i, 'road coordinate');
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
      const x0 = at(a, 4 * s, 'segment coordinate'),
        y0 = at(a, 4 * s + 1, 'segment coordinate'),
        x1 = at(a, 4 * s + 2, 'segment coordinate'),
        y1 = at(a, 4 * s + 3, 'segment coordinate');
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
      // A footprint from a coverage over other pieces would name segments this one lacks: fail, do not drop them.
      at(this.seenBy, s, 'segment').set(cameraId, iv);
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
      for (const other of at(this.seenBy, s, 'segment').values()) current.push(...other);
      const before = at(this.seenM, s, 'segment');
      const after = unionLength([...current, ...iv]) * at(this.segLenM, s, 'segment');
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
      for (const iv of at(this.seenBy, s, 'segment').values()) all.push(...iv);
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
        // Unchecked, per segment of every candidate view (checked reads here cost ~12 %): s < segPiece.length was
        // tested just above, and segA holds 4 coordinates per segment by construction.
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

  /** Segment `s`'s end points as [x0, y0, x1, y1] (lon, lat). */
  private ends(s: number): [number, number, number, number] {
    const i = 4 * s;
    return [
      at(this.segA, i, 'segment coordinate'),
      at(this.segA, i + 1, 'segment coordinate'),
      at(this.segA, i + 2, 'segment coordinate'),
      at(this.segA, i + 3, 'segment coordinate'),
    ];
  }

  /** The road piece segment `s` was cut from. */
  private pieceOf(s: number): RoadPiece {
    return at(this.pieces, at(this.segPiece, s, 'segment'), 'road piece');
  }

  private weightOf(s: number): number {
    return this.classWeights[this.pieceOf(s).roadClass] ?? 1;
  }

  /** Removes a camera (broken, offline, deleted). */
  removeCamera(cameraId: number): void {
    const segs = this.cameraSegments.get(cameraId);
    if (!segs) return;
    this.cameraSegments.delete(cameraId);
    for (const s of segs) {
      at(this.seenBy, s, 'segment').delete(cameraId);
      this.refresh(s);
    }
  }

  private refresh(s: number): void {
    const all: Interval[] = [];
    for (const iv of at(this.seenBy, s, 'segment').values()) all.push(...iv);
    this.seenM[s] = unionLength(all) * at(this.segLenM, s, 'segment');
  }

  /** Road length and seen length per area, with the class-weighted rate (unlisted classes weigh 1). */
  byArea(): AreaRoadCoverage[] {
    const acc = new Map<string, { road: number; seen: number; wRoad: number; wSeen: number }>();
    for (let s = 0; s < this.segPiece.length; s++) {
      const piece = this.pieceOf(s);
      const w = this.weightOf(s);
      const a = acc.get(piece.areaId) ?? { road: 0, seen: 0, wRoad: 0, wSeen: 0 };
      const len = at(this.segLenM, s, 'segment'),
        seen = at(this.seenM, s, 'segment');
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
      const piece = this.pieceOf(s);
      const v = out.get(piece.id) ?? { roadMeters: 0, seenMeters: 0 };
      v.roadMeters += at(this.segLenM, s, 'segment');
      v.seenMeters += at(this.seenM, s, 'segment');
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
      const piece = this.pieceOf(s);
      const seen: Interval[] = [];
      for (const iv of at(this.seenBy, s, 'segment').values()) seen.push(...iv);
      seen.sort((p, q) => p[0] - q[0]);
      const [x0, y0, x1, y1] = this.ends(s);
      const len = at(this.segLenM, s, 'segment');
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
      let reached = 0;
      for (const [a, b] of seen) {
        if (a > reached) emit(reached, a);
        reached = Math.max(reached, b);
      }
      if (reached < 1) emit(reached, 1);
    }
    return out;
  }
}
