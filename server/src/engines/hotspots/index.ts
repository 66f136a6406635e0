export { giStar, twoSidedP, type GiStarScore } from './gi-star.js';
export { classifyHotspots, benjaminiHochbergCutoff, type HotspotBin } from './hotspot-class.js';
export { h3Hotspots, type H3Hotspot, type H3HotspotOptions } from './h3-hotspots.js';
