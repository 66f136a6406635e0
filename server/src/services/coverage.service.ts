import { latLngToCell } from 'h3-js';
import {
  indexBuildings, RoadCoverage, viewPolygon, type CameraInput, type ViewPolygon,
} from '../engines/coverage/index.js';
import type { Db } from '../db/client.js';
import {
  cameraCountsByArea, loadBuildings, loadCameras, loadRoadPieces, type BBox, type CoverageAreaKind,
} from '../db/repos/coverage.repo.js';

/** The 雪亮工程 targets an area is shown against: key areas fully covered and networked, ≥ 98 % working. */
export const XUELIANG_TARGETS = { roadCoverage: 1, networkedRate: 1, workingRate: 0.98 } as const;

/** Default weights of road classes in the coverage rate: arterials count more than lanes. Settable per request. */
export const DEFAULT_ROAD_CLASS_WEIGHTS: Readonly<Record<string, number>> = {
  motorway: 1, trunk: 3, primary: 3, secondary: 2.5, tertiary: 2, residential: 1, living_street: 1, service: 0.5,
  footway: 0.5, pedestrian: 1, path: 0.3, steps: 0.3,
};

export interface AreaCoverageRow {
  areaId: string;
  roadMeters: number;
  /** Seen by working cameras. */
  seenMeters: number;
  roadRate: number;
  weightedRoadRate: number;
  /** Seen by working and networked cameras (what the command centre actually gets). */
  networkedSeenMeters: number;
  cameras: number;
  workingRate: number;
  networkedRate: number;
}

/**
 * Road coverage per area: view polygons of the cameras (occluded by buildings), intersected with the road pieces of
 * each area, counted twice — from working cameras, and from working *and* networked ones.
 */
export async function areaCoverage(
  db: Db, areaKind: CoverageAreaKind, opts: { bbox?: BBox; classWeights?: Readonly<Record<string, number>> } = {},
): Promise<AreaCoverageRow[]> {
  const [cameras, buildings, pieces, camerasByArea] = await Promise.all([
    loadCameras(db, opts.bbox), loadBuildings(db, opts.bbox), loadRoadPieces(db, areaKind, opts.bbox),
    cameraCountsByArea(db, areaKind, opts.bbox),
  ]);
  const weights = opts.classWeights ?? DEFAULT_ROAD_CLASS_WEIGHTS;
  const index = indexBuildings(buildings);
  const working = new RoadCoverage(pieces, weights);
  const networked = new RoadCoverage(pieces, weights);
  for (const c of cameras) {
    if (c.status !== 'working') continue;
    const view = viewPolygon(c, index);
    working.setCamera(view);
    if (c.networked) networked.setCamera(view);
  }
  const net = new Map(networked.byArea().map((a) => [a.areaId, a.seenMeters]));
  return working.byArea().map((a) => {
    const cams = camerasByArea.get(a.areaId) ?? { total: 0, working: 0, networked: 0 };
    return {
      areaId: a.areaId, roadMeters: a.roadMeters, seenMeters: a.seenMeters,
      roadRate: a.roadMeters > 0 ? a.seenMeters / a.roadMeters : 0, weightedRoadRate: a.weightedRate,
      networkedSeenMeters: net.get(a.areaId) ?? 0, cameras: cams.total,
      workingRate: cams.total ? cams.working / cams.total : 0, networkedRate: cams.total ? cams.networked / cams.total : 0,
    };
  });
}

/** View polygons of the cameras in a box, for the map (deck.gl draws them). */
export async function cameraViews(db: Db, bbox: BBox): Promise<(ViewPolygon & { camera: CameraInput })[]> {
  const [cameras, buildings] = await Promise.all([loadCameras(db, bbox), loadBuildings(db, bbox)]);
  const index = indexBuildings(buildings);
  return cameras.map((c) => ({ ...viewPolygon(c, index), camera: c }));
}

export interface BlindSpan {
  areaId: string;
  meters: number;
  line: [[number, number], [number, number]];
}

/** Road not seen by any working camera (occluded views), per road segment span, with the grid it lies in. */
export async function blindSpots(db: Db, opts: { bbox?: BBox; areaKind?: CoverageAreaKind } = {}): Promise<BlindSpan[]> {
  const [cameras, buildings, pieces] = await Promise.all([
    loadCameras(db, opts.bbox), loadBuildings(db, opts.bbox), loadRoadPieces(db, opts.areaKind ?? 'grid', opts.bbox),
  ]);
  const index = indexBuildings(buildings);
  const working = new RoadCoverage(pieces);
  for (const c of cameras) if (c.status === 'working') working.setCamera(viewPolygon(c, index));
  return working.unseenSpans().map(({ areaId, meters, line }) => ({ areaId, meters, line }));
}

/** Unseen road metres per H3 cell (by each span's midpoint): the blind-spot heat map and the patrols' blind-spot prize. */
export function blindSpotCells(spans: readonly BlindSpan[], res: number): { h3: string; meters: number }[] {
  const acc = new Map<string, number>();
  for (const s of spans) {
    const [[x0, y0], [x1, y1]] = s.line;
    const h3 = latLngToCell((y0 + y1) / 2, (x0 + x1) / 2, res);
    acc.set(h3, (acc.get(h3) ?? 0) + s.meters);
  }
  return [...acc].map(([h3, meters]) => ({ h3, meters })).sort((a, b) => a.h3.localeCompare(b.h3));
}
