export { buildRoadGraph, haversineMeters, type RoadGraph, type RoadInput } from './road-graph.js';
export { travelTimes, shortestPath, type Exit, type Origin, type ShortestPath, type TravelTimes } from './dijkstra.js';
export { CAR, FOOT, type TravelProfile } from './travel-profile.js';
export { indexEdges, type EdgeIndex, type SnappedPoint } from './snap.js';
export {
  alongEdgeSeconds,
  arrivalAt,
  arrivalSeconds,
  AT_JUNCTION,
  exitsFor,
  originsFor,
  originsForAll,
  reachedIntervals,
  startsByEdge,
  type Arrival,
  type EdgePoint,
} from './edge-point.js';
export {
  isochrones,
  type IsochroneBand,
  type IsochroneStart,
  type ReachedPiece,
  type RunOptions,
} from './isochrone.js';
export {
  edgeReachEnds,
  edgeReachFraction,
  responseTimes,
  suggestPosts,
  summariseReach,
  RESPONSE_LIMITS_SECONDS,
  type PostSuggestion,
  type ReachSummary,
} from './reach.js';
export {
  evaluateRoute,
  planPatrol,
  travelMatrix,
  type PatrolPlan,
  type PatrolProblem,
  type PatrolStopInput,
  type PlannedStop,
  type TravelMatrix,
} from './patrol.js';
export { edgeSlice, pathLine } from './edge-geometry.js';
export { routeBetween } from './route.js';
export {
  beatPrizes,
  describePlan,
  DEFAULT_PRIZE_WEIGHTS,
  shiftHoursOf,
  type PlanValue,
  type PrizeCell,
  type PrizeCellInput,
  type PrizeWeights,
} from './patrol-prizes.js';
export {
  defaultReachTier,
  REACH_TIERS,
  tierCompliance,
  type ReachTier,
  type TierCompliance,
  type TierMiss,
  type TieredPlace,
} from './tiers.js';
export {
  dosageReport,
  dosageVisits,
  DOSAGE_MAX_MINUTES,
  DOSAGE_MIN_MINUTES,
  type DosageOptions,
  type DosageReport,
} from './dosage.js';
