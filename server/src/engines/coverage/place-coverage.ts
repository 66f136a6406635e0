import { at } from '../shared/checked.js';
import { booleanIntersects, multiPolygon } from '@turf/turf';
import { outerBox } from './outer-box.js';
import Flatbush from 'flatbush';
import type { Position } from 'geojson';
import { metersPerDegree, nearestOnSegment } from '../shared/geo.js';
import { insidePolygon } from './segment-clip.js';
import type { MultiPolygonCoords } from './ground-coverage.js';
import type { CameraView } from './road-coverage.js';

/** A key place (重点场所) as coverage needs it: a point (an entrance, a gate) or its grounds as polygons. */
export interface KeyPlaceInput {
  id: number;
  kind: string;
  name: string;
  areaId: string;
  geometry:
    | { type: 'Point'; coordinates: readonly [number, number] }
    | { type: 'MultiPolygon'; coordinates: MultiPolygonCoords };
}

/** Kinds counted as schools for 护学岗 and the school coverage rate. */
export const SCHOOL_KINDS: ReadonlySet<string> = new Set(['school', 'kindergarten']);

/**
 * A place is seen when a working camera's view reaches it: for a point, any part of the view within `pointRadiusM`
 * (default 15 m: the gate and the pavement in front of it, where a point from a map or a ledger usually stands for
 * the entrance); for grounds, any part of the view inside them. Kept per place as the set of cameras that see it, so
 * one camera's move touches only the places under its view.
 */
export class PlaceCoverage {
  private readonly index: Flatbush;
  private readonly seenBy: Set<number>[];
  private readonly cameraPlaces = new Map<number, number[]>();
  private readonly pointRadiusM: number;

  constructor(
    private readonly places: readonly KeyPlaceInput[],
    opts: { pointRadiusM?: number } = {},
  ) {
    this.pointRadiusM = opts.pointRadiusM ?? 15;
    this.index = new Flatbush(Math.max(1, places.length));
    for (const p of places) {
      const [minX, minY, maxX, maxY] = this.boxOf(p);
      this.index.add(minX, minY, maxX, maxY);
    }
    if (places.length === 0) this.index.add(0, 0, 0, 0);
    this.index.finish();
    this.seenBy = places.map(() => new Set());
  }

  private boxOf(p: KeyPlaceInput): [number, number, number, number] {
    if (p.geometry.type === 'Point') {
      const [x, y] = p.geometry.coordinates;
      const m = metersPerDegree(y);
      const dx = this.pointRadiusM / m.lon,
        dy = this.pointRadiusM / m.lat;
      return [x - dx, y - dy, x + dx, y + dy];
    }
    return outerBox(p.geometry.coordinates);
  }

  /** Indexes of the places a view reaches. */
  placesUnder(view: CameraView): number[] {
    if (this.places.length === 0) return [];
    return this.index.search(...outerBox(view.coordinates)).filter((i) => {
      const p = this.places[i];
      return p !== undefined && this.reaches(view, p);
    });
  }

  private reaches(view: CameraView, p: KeyPlaceInput): boolean {
    if (p.geometry.type === 'Point') {
      const [px, py] = p.geometry.coordinates;
      const m = metersPerDegree(py);
      // In local metres around the place: inside the view, or an edge of it within the radius.
      return view.coordinates.some(
        (poly) =>
          insidePolygon(px, py, poly) || poly.some((ring) => ringDistanceM(ring, px, py, m) <= this.pointRadiusM),
      );
    }
    // Grounds: PostGIS's ST_Intersects on the plane, through turf.
    return booleanIntersects(
      multiPolygon(asPositions(view.coordinates)),
      multiPolygon(asPositions(p.geometry.coordinates)),
    );
  }

  setCamera(view: CameraView): void {
    this.removeCamera(view.cameraId);
    const under = this.placesUnder(view);
    for (const i of under) this.seenBy[i]?.add(view.cameraId);
    this.cameraPlaces.set(view.cameraId, under);
  }

  removeCamera(cameraId: number): void {
    for (const i of this.cameraPlaces.get(cameraId) ?? []) this.seenBy[i]?.delete(cameraId);
    this.cameraPlaces.delete(cameraId);
  }

  isSeen(index: number): boolean {
    return at(this.seenBy, index, 'place').size > 0;
  }

  /** Places a view would newly bring into sight, weighted (placement's gain from places). */
  gainOf(view: CameraView, weightOf: (p: KeyPlaceInput) => number): number {
    let gain = 0;
    for (const i of this.placesUnder(view)) if (!this.isSeen(i)) gain += weightOf(this.places[i] as KeyPlaceInput);
    return gain;
  }

  /** Every place with whether it is seen and by how many cameras. */
  status(): { place: KeyPlaceInput; cameras: number }[] {
    return this.places.map((place, i) => ({ place, cameras: at(this.seenBy, i, 'place').size }));
  }
}

/** Metres from (px, py) to a [lon, lat] ring, in a local frame at the point. */
function ringDistanceM(
  ring: readonly (readonly [number, number])[],
  px: number,
  py: number,
  m: { lon: number; lat: number },
): number {
  let best = Infinity;
  for (let i = 1; i < ring.length; i++) {
    const [ax0, ay0] = ring[i - 1] ?? [0, 0];
    const [bx0, by0] = ring[i] ?? [0, 0];
    const ax = (ax0 - px) * m.lon,
      ay = (ay0 - py) * m.lat,
      bx = (bx0 - px) * m.lon,
      by = (by0 - py) * m.lat;
    best = Math.min(best, nearestOnSegment(ax, ay, bx, by).distance);
  }
  return best;
}

/** turf's types want mutable arrays; it only reads them, so the readonly coordinates pass as they are. */
function asPositions(c: MultiPolygonCoords): Position[][][] {
  return c as unknown as Position[][][];
}
