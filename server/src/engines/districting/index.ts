export { gridGraph, isContiguous, type GridAdjacency, type GridGraph, type GridUnit } from './grid-graph.js';
export { balanceOf, beatShape, weightedLoad, type Balance, type BeatShape } from './scores.js';
export { autoDistrict, scoreAssignment, type DistrictingOptions, type DistrictPlan } from './auto-district.js';
export { DEFAULT_OBJECTIVE_WEIGHTS, PlanState, type ObjectiveWeights, type PlanInputs } from './plan-state.js';
export {
  cutEdgePairs,
  recomProposal,
  recomStep,
  seededRandom,
  type RecomOptions,
  type RecomProposal,
} from './recom.js';
export { draftPlan, type DraftOptions, type DraftProgress, type DraftResult } from './plan-search.js';
