export { generateDemoCity, DEMO_LATTICE, type DemoCityOptions } from './city.js';
export { DISTRICT_CODE, REGION_CODE } from './admin.js';
export type { DemoCity, DemoFeature } from './types.js';
