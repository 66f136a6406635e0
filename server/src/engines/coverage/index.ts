export { effectiveFovDeg, sectorRing, type CameraInput } from './camera-view.js';
export { indexBuildings, type BuildingIndex, type BuildingInput } from './building-index.js';
export { viewPolygon, type ViewPolygon, type ViewPolygonOptions } from './view-polygon.js';
export { detectionBandsM, PIXELS_PER_METER, DEFAULT_HORIZONTAL_PIXELS, type DetectionBand } from './detection-bands.js';
export {
  localProjection,
  metersPerDegree,
  signedArea,
  type EarthModel,
  type LocalPoint,
  type LocalProjection,
} from './local-projection.js';
export { clipSegmentToPolygon, insidePolygon, unionLength, type Interval } from './segment-clip.js';
export { RoadCoverage, type AreaRoadCoverage, type CameraView, type RoadPiece } from './road-coverage.js';
export { placeCameras, type MarginalCoverage, type PlacementStep } from './placement.js';
export { GroundCoverage, type GroundArea, type MultiPolygonCoords } from './ground-coverage.js';
export { PlaceCoverage, SCHOOL_KINDS, type KeyPlaceInput } from './place-coverage.js';
export {
  CoverageModel,
  type AreaCoverageRates,
  type CoverageModelInput,
  type PlacementWeights,
} from './coverage-model.js';
export { candidateCameras, type CandidateSpec } from './candidates.js';
export {
  footprintsOf,
  concatFootprints,
  greedyOverFootprints,
  type CoverageState,
  type FootprintSet,
  type GreedyStep,
} from './footprint-placement.js';
export { clipByConvex } from './convex-clip.js';
