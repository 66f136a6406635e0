import { at } from '../shared/checked.js';
import { blockQuad, type Lattice, type LonLat } from './lattice.js';
import { ARTERIAL_NAMES_EW, ARTERIAL_NAMES_NS, STREET_NAMES } from './names.js';
import { between, intBetween, type Rng } from './prng.js';
import type { DemoFeature, PlaceBlock } from './types.js';
import { DISTRICT_CODE } from './admin.js';

/** Every 4th lattice line is an arterial; the rest are local streets. Roads are cut every 4 blocks, like OSM ways. */
export const ARTERIAL_EVERY = 4;

export interface RoadLine {
  /** 'h' runs east–west along row line j; 'v' north–south along column line i. */
  dir: 'h' | 'v';
  index: number;
  roadClass: string;
  nodes: LonLat[];
}

const classOf = (index: number) =>
  index % ARTERIAL_EVERY !== 0 ? 'residential' : index % (2 * ARTERIAL_EVERY) === 0 ? 'primary' : 'secondary';
const speedOf: Record<string, number> = { primary: 50, secondary: 40, residential: 30 };

/** Streets along every lattice line: they meet at shared corner points, so the network is connected at junctions. */
export function layoutRoads(l: Lattice): { roads: DemoFeature[]; lines: RoadLine[] } {
  const roads: DemoFeature[] = [];
  const lines: RoadLine[] = [];
  let street = 0;
  const add = (dir: 'h' | 'v', index: number, count: number, at: (k: number) => LonLat) => {
    const roadClass = classOf(index);
    const name =
      roadClass === 'residential'
        ? STREET_NAMES[street++ % STREET_NAMES.length]
        : (dir === 'h' ? ARTERIAL_NAMES_EW : ARTERIAL_NAMES_NS)[
            (index / ARTERIAL_EVERY) % (dir === 'h' ? ARTERIAL_NAMES_EW.length : ARTERIAL_NAMES_NS.length)
          ];
    // About one local street in five is one-way, alternating direction.
    const oneway = roadClass === 'residential' && index % 5 === 2 ? (index % 2 ? 1 : -1) : 0;
    const nodes = Array.from({ length: count + 1 }, (_, k) => at(k));
    lines.push({ dir, index, roadClass, nodes });
    for (let k0 = 0; k0 < count; k0 += ARTERIAL_EVERY) {
      const piece = nodes.slice(k0, Math.min(count, k0 + ARTERIAL_EVERY) + 1);
      roads.push({
        geometry: { type: 'LineString', coordinates: piece },
        properties: {
          name,
          road_class: roadClass,
          oneway,
          speed_kmh: speedOf[roadClass],
          district_code: DISTRICT_CODE,
        },
      });
    }
  };
  for (let j = 0; j <= l.rows; j++) add('h', j, l.cols, (k) => l.node(k, j));
  for (let i = 0; i <= l.cols; i++) add('v', i, l.rows, (k) => l.node(i, k));
  return { roads, lines };
}

/**
 * Buildings on a 3 × 3 layout inside each block, kept clear of the streets (block-local margins of 0.1) and of each
 * other; taller towards the centre of the district. Dedicated blocks (schools …) get fewer, lower buildings.
 */
export function layoutBuildings(rng: Rng, l: Lattice, places: ReadonlyMap<string, PlaceBlock>): DemoFeature[] {
  const out: DemoFeature[] = [];
  const cells = [0.1, 0.383, 0.667, 0.95];
  for (let r = 0; r < l.rows; r++) {
    for (let c = 0; c < l.cols; c++) {
      const place = places.get(`${c},${r}`);
      const centrality = 1 - Math.hypot(c / l.cols - 0.5, r / l.rows - 0.5) * 1.6;
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          if (rng() > (place ? 0.35 : 0.75)) continue;
          const u0 = at(cells, a) + between(rng, 0.01, 0.05),
            u1 = at(cells, a + 1) - 0.05 - between(rng, 0, 0.05);
          const v0 = at(cells, b) + between(rng, 0.01, 0.05),
            v1 = at(cells, b + 1) - 0.05 - between(rng, 0, 0.05);
          const levels = place
            ? intBetween(rng, 2, 6)
            : Math.max(2, Math.round(between(rng, 4, 8 + 30 * Math.max(0, centrality))));
          out.push({
            geometry: { type: 'MultiPolygon', coordinates: [[blockQuad(l, c, r, u0, v0, u1, v1)]] },
            properties: {
              levels,
              height_m: Math.round(levels * 3.1 * 10) / 10,
              district_code: DISTRICT_CODE,
            },
          });
        }
      }
    }
  }
  return out;
}
