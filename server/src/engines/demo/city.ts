import { layoutAdmin } from './admin.js';
import { layoutCameras } from './cameras.js';
import { generateIncidents } from './incidents.js';
import { makeLattice } from './lattice.js';
import { layoutBuildings, layoutRoads } from './network.js';
import { layoutCheckpoints, layoutPosts } from './patrol-points.js';
import { choosePlaceBlocks, layoutKeyPlaces } from './places.js';
import { mulberry32 } from './prng.js';
import type { DemoCity } from './types.js';

export interface DemoCityOptions {
  /** Number of incidents over the year. Default 100,000. */
  incidents?: number;
}

/** Size and place of the demo district: 24 × 16 blocks of ~245 m in central Nanjing (玄武区). */
export const DEMO_LATTICE = {
  cols: 24,
  rows: 16,
  originLon: 118.755,
  originLat: 32.02,
  blockLonDeg: 0.0026,
  blockLatDeg: 0.0022,
  jitter: 0.18,
} as const;

/**
 * Generates the demo city, deterministic from the seed: 1 region + district, 4 townships, 32 communities, 384 grids
 * (50 dedicated) that tile the district exactly, 5 stations with 48 beats of 8 whole grids, the street network,
 * buildings, key places, ~2,000 cameras, 30 posts, ~80 checkpoints and ~100,000 incidents. Each part draws from its
 * own seeded stream, so changing one generator does not reshuffle the others.
 */
export function generateDemoCity(seed: number, opts: DemoCityOptions = {}): DemoCity {
  const stream = (k: number) => mulberry32((seed * 2654435761 + k * 40503) >>> 0);
  const lattice = makeLattice(stream(1), DEMO_LATTICE);
  const places = choosePlaceBlocks(stream(2), lattice);
  const admin = layoutAdmin(stream(3), lattice, places);
  const { roads, lines } = layoutRoads(lattice);
  const gridWeights = admin.grids.map((g) => (g.properties.population as number) + 50);
  return {
    seed,
    adminAreas: admin.adminAreas,
    grids: admin.grids,
    stations: admin.stations,
    beats: admin.beats,
    keyPlaces: layoutKeyPlaces(stream(4), lattice, places),
    posts: layoutPosts(stream(5), lattice, admin, places),
    checkpoints: layoutCheckpoints(stream(6), lattice, admin, places),
    cameras: layoutCameras(stream(7), lattice, lines, places),
    incidents: generateIncidents(stream(8), lattice, lines, places, gridWeights, opts.incidents ?? 100_000),
    roads,
    buildings: layoutBuildings(stream(9), lattice, places),
  };
}
