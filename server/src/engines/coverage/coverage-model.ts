import Flatbush from 'flatbush';
import { outerBox } from './outer-box.js';
import type { CameraInput } from './camera-view.js';
import { GroundCoverage, type GroundArea, type MultiPolygonCoords } from './ground-coverage.js';
import { PlaceCoverage, SCHOOL_KINDS, type KeyPlaceInput } from './place-coverage.js';
import { RoadCoverage, type CameraView, type RoadPiece } from './road-coverage.js';
import { insidePolygon } from './segment-clip.js';
import type { CoverageState } from './footprint-placement.js';

export interface CoverageModelInput {
  /** Areas rates are reported for (grids, beats, communities …), with their outlines. */
  areas: readonly GroundArea[];
  /** Roads cut at the area boundaries. */
  roadPieces: readonly RoadPiece[];
  places: readonly KeyPlaceInput[];
  /** Building footprints: not open ground. */
  buildings: readonly MultiPolygonCoords[];
  classWeights?: Readonly<Record<string, number>>;
  groundStepM?: number;
  pointRadiusM?: number;
}

/** What one area looks like against the 雪亮工程 targets. */
export interface AreaCoverageRates {
  areaId: string;
  roadMeters: number;
  /** Road seen by working cameras. */
  seenMeters: number;
  roadRate: number;
  weightedRoadRate: number;
  /** Road seen by cameras that are working and networked (what the command centre actually gets). */
  networkedSeenMeters: number;
  keyPlaces: number;
  keyPlacesSeen: number;
  keyPlaceRate: number | null;
  schools: number;
  schoolsSeen: number;
  schoolRate: number | null;
  /** Open ground (area minus building footprints), sampled on the lattice. */
  groundM2: number;
  seenGroundM2: number;
  groundRate: number;
  cameras: number;
  workingRate: number | null;
  networkedRate: number | null;
}

/** Weights placement uses to add up what a new camera brings: road metres (class-weighted) plus places plus ground. */
export interface PlacementWeights {
  /** Weighted metres a key place is worth when it comes into sight. Default 100. */
  keyPlace?: number;
  /** Extra for schools and kindergartens (护学岗). Default 200 more. */
  school?: number;
  /** Per square metre of open ground newly seen. Default 0 (roads and places first). */
  groundPerM2?: number;
}

interface CameraState {
  camera: CameraInput;
  area: number;
}

/**
 * Coverage of a whole city, kept up to date one camera at a time: road length seen (by working, and by working and
 * networked cameras), key places and schools seen, open ground seen, and camera counts per area. `setCamera` with a
 * camera's new position, heading or status touches only what lies under its old and new views — no recompute of the
 * city, no polygon union.
 */
export class CoverageModel {
  private readonly working: RoadCoverage;
  private readonly networked: RoadCoverage;
  private readonly places: PlaceCoverage;
  private readonly ground: GroundCoverage;
  private readonly areaIndex: Flatbush;
  private readonly cameras = new Map<number, CameraState>();

  constructor(private readonly input: CoverageModelInput) {
    this.working = new RoadCoverage(input.roadPieces, input.classWeights ?? {});
    this.networked = new RoadCoverage(input.roadPieces, input.classWeights ?? {});
    this.places = new PlaceCoverage(input.places, { pointRadiusM: input.pointRadiusM });
    this.ground = new GroundCoverage(input.areas, input.buildings, { stepM: input.groundStepM });
    this.areaIndex = new Flatbush(Math.max(1, input.areas.length));
    for (const a of input.areas) this.areaIndex.add(...outerBox(a.coordinates));
    if (input.areas.length === 0) this.areaIndex.add(0, 0, 0, 0);
    this.areaIndex.finish();
  }

  /** Index of the area holding a point, or −1. */
  private areaAt(lon: number, lat: number): number {
    if (this.input.areas.length === 0) return -1;
    for (const i of this.areaIndex.search(lon, lat, lon, lat)) {
      if (this.input.areas[i]?.coordinates.some((poly) => insidePolygon(lon, lat, poly))) return i;
    }
    return -1;
  }

  /**
   * Adds a camera or replaces it (moved, turned, repaired, broken, taken off the network). Its view counts only while
   * it is working; `view` is the occluded view polygon of the camera as given.
   */
  setCamera(camera: CameraInput, view: CameraView): void {
    this.removeCamera(camera.id);
    this.cameras.set(camera.id, { camera, area: this.areaAt(camera.lon, camera.lat) });
    if (camera.status !== 'working') return;
    const footprint = this.working.footprint(view);
    this.working.setFootprint(view.cameraId, footprint);
    if (camera.networked) this.networked.setFootprint(view.cameraId, footprint);
    this.places.setCamera(view);
    this.ground.setCamera(view);
  }

  removeCamera(cameraId: number): void {
    if (!this.cameras.delete(cameraId)) return;
    this.working.removeCamera(cameraId);
    this.networked.removeCamera(cameraId);
    this.places.removeCamera(cameraId);
    this.ground.removeCamera(cameraId);
  }

  hasCamera(cameraId: number): boolean {
    return this.cameras.has(cameraId);
  }

  get cameraCount(): number {
    return this.cameras.size;
  }

  /** What a new working camera with this view would add, in weighted road metres plus place and ground weights. */
  gainOf(view: CameraView, w: PlacementWeights = {}): number {
    const keyPlace = w.keyPlace ?? 100,
      school = w.school ?? 200;
    let gain = this.working.gainOf(view);
    gain += this.places.gainOf(view, (p) => keyPlace + (SCHOOL_KINDS.has(p.kind) ? school : 0));
    if (w.groundPerM2) gain += w.groundPerM2 * this.ground.gainOf(view);
    return gain;
  }

  /**
   * The coverage now as plain arrays for `greedyOverFootprints` (which adds gains exactly as `gainOf` does):
   * segments and places in the order the model's own road and place coverage index them.
   * @param inScope areas whose road metres and places count in each step's "added" figures
   */
  placementState(w: PlacementWeights, inScope: (areaId: string) => boolean): CoverageState {
    const keyPlace = w.keyPlace ?? 100,
      school = w.school ?? 200;
    const seg = this.working.segmentState();
    const segInScope = new Uint8Array(seg.pieceOf.length);
    seg.pieceOf.forEach((p, s) => {
      segInScope[s] = inScope(this.input.roadPieces[p]?.areaId ?? '') ? 1 : 0;
    });
    const status = this.places.status();
    const state: CoverageState = {
      segLengthM: seg.lengthM,
      segWeight: seg.weight,
      segInScope,
      segSeen: seg.seen,
      placeWeight: Float64Array.from(status, ({ place }) => keyPlace + (SCHOOL_KINDS.has(place.kind) ? school : 0)),
      placeSeen: Uint8Array.from(status, ({ cameras }) => (cameras > 0 ? 1 : 0)),
      placeInScope: Uint8Array.from(status, ({ place }) => (inScope(place.areaId) ? 1 : 0)),
      groundPerM2: w.groundPerM2 ?? 0,
      cellM2: this.ground.stepM * this.ground.stepM,
    };
    if (w.groundPerM2) {
      const cells = this.ground.cellState();
      state.cellOpen = cells.open;
      state.cellSeen = cells.seen;
    }
    return state;
  }

  /** Road, places and ground seen now, per area. */
  rates(): AreaCoverageRates[] {
    const road = new Map(this.working.byArea().map((a) => [a.areaId, a]));
    const net = new Map(this.networked.byArea().map((a) => [a.areaId, a.seenMeters]));
    const ground = this.ground.byArea();
    const placeCounts = new Map<string, { n: number; seen: number; schools: number; schoolsSeen: number }>();
    for (const { place, cameras } of this.places.status()) {
      const c = placeCounts.get(place.areaId) ?? { n: 0, seen: 0, schools: 0, schoolsSeen: 0 };
      const school = SCHOOL_KINDS.has(place.kind);
      c.n++;
      if (cameras > 0) c.seen++;
      if (school) {
        c.schools++;
        if (cameras > 0) c.schoolsSeen++;
      }
      placeCounts.set(place.areaId, c);
    }
    const cams = this.input.areas.map(() => ({ total: 0, working: 0, networked: 0 }));
    for (const { camera, area } of this.cameras.values()) {
      const c = cams[area];
      if (!c) continue;
      c.total++;
      if (camera.status === 'working') c.working++;
      if (camera.networked) c.networked++;
    }
    return this.input.areas.map((a, i) => {
      const r = road.get(a.areaId);
      const p = placeCounts.get(a.areaId) ?? { n: 0, seen: 0, schools: 0, schoolsSeen: 0 };
      const g = ground[i];
      const c = cams[i] ?? { total: 0, working: 0, networked: 0 };
      const roadMeters = r?.roadMeters ?? 0,
        seenMeters = r?.seenMeters ?? 0;
      return {
        areaId: a.areaId,
        roadMeters,
        seenMeters,
        roadRate: roadMeters > 0 ? seenMeters / roadMeters : 0,
        weightedRoadRate: r?.weightedRate ?? 0,
        networkedSeenMeters: net.get(a.areaId) ?? 0,
        keyPlaces: p.n,
        keyPlacesSeen: p.seen,
        keyPlaceRate: p.n ? p.seen / p.n : null,
        schools: p.schools,
        schoolsSeen: p.schoolsSeen,
        schoolRate: p.schools ? p.schoolsSeen / p.schools : null,
        groundM2: g?.groundM2 ?? 0,
        seenGroundM2: g?.seenGroundM2 ?? 0,
        groundRate: g?.groundRate ?? 0,
        cameras: c.total,
        workingRate: c.total ? c.working / c.total : null,
        networkedRate: c.total ? c.networked / c.total : null,
      };
    });
  }

  /** Key places with the number of working cameras that see each. */
  placeStatus(): { place: KeyPlaceInput; cameras: number }[] {
    return this.places.status();
  }

  /** Road not seen by any working camera. */
  unseenSpans(): ReturnType<RoadCoverage['unseenSpans']> {
    return this.working.unseenSpans();
  }
}
