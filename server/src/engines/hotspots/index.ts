export { giStar, twoSidedP, type GiStarScore } from './gi-star.js';
export { classifyHotspots, benjaminiHochbergCutoff, type HotspotBin } from './hotspot-class.js';
export { h3Hotspots, type H3Hotspot, type H3HotspotOptions } from './h3-hotspots.js';
export { mannKendall, type MannKendallResult } from './mann-kendall.js';
export { emergingCategory, type EmergingCategory, type EmergingOptions } from './emerging.js';
export { knoxTest, type KnoxOptions, type KnoxResult, type SpaceTimeEvent } from './knox.js';
export { hourProfile, type HourProfile, type HourWeekMatrix, type PeakPeriod } from './hour-profile.js';
export {
  gradeGrids,
  reasonText,
  DEFAULT_GRADE_THRESHOLDS,
  type Grade,
  type GradeReason,
  type GradeThresholds,
  type GridGrade,
  type GridIncidents,
} from './grid-grades.js';
