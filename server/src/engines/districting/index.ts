export { gridGraph, isContiguous, type GridAdjacency, type GridGraph, type GridUnit } from './grid-graph.js';
export { balanceOf, beatShape, weightedLoad, type Balance, type BeatShape } from './scores.js';
export { autoDistrict, scoreAssignment, type DistrictingOptions, type DistrictPlan } from './auto-district.js';
