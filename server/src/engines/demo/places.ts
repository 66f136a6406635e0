import { at } from '../shared/checked.js';
import { blockQuad, type Lattice } from './lattice.js';
import {
  BANK_NAMES,
  GOVERNMENT_NAMES,
  HOSPITAL_NAMES,
  KINDERGARTEN_NAMES,
  MARKET_NAMES,
  SCHOOL_NAMES,
  TRANSIT_NAMES,
} from './names.js';
import type { Rng } from './prng.js';
import type { DemoFeature, PlaceBlock } from './types.js';
import { DISTRICT_CODE } from './admin.js';

/** Units that get a whole block and a dedicated grid (专属网格): about 13 % of the blocks. */
const DEDICATED: readonly [PlaceBlock['kind'], readonly string[]][] = [
  ['school', SCHOOL_NAMES],
  ['kindergarten', KINDERGARTEN_NAMES],
  ['hospital', HOSPITAL_NAMES],
  ['market', MARKET_NAMES],
  ['transit_hub', TRANSIT_NAMES],
  ['government', GOVERNMENT_NAMES],
];

/** Picks distinct blocks for the dedicated units (a seeded shuffle of all blocks). */
export function choosePlaceBlocks(rng: Rng, l: Lattice): Map<string, PlaceBlock> {
  const blocks = Array.from({ length: l.cols * l.rows }, (_, k) => k);
  for (let i = blocks.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [blocks[i], blocks[j]] = [blocks[j] as number, blocks[i] as number];
  }
  const out = new Map<string, PlaceBlock>();
  let next = 0;
  for (const [kind, names] of DEDICATED) {
    for (const name of names) {
      const k = at(blocks, next++, 'place block');
      const c = k % l.cols,
        r = Math.floor(k / l.cols);
      out.set(`${c},${r}`, { c, r, kind, name });
    }
  }
  return out;
}

/** Key places: the dedicated units as polygons inside their blocks; banks as points on arterial frontages. */
export function layoutKeyPlaces(rng: Rng, l: Lattice, places: ReadonlyMap<string, PlaceBlock>): DemoFeature[] {
  const out: DemoFeature[] = [...places.values()].map((p) => ({
    geometry: { type: 'Polygon', coordinates: [blockQuad(l, p.c, p.r, 0.08, 0.08, 0.92, 0.92)] },
    properties: { kind: p.kind, name: p.name, district_code: DISTRICT_CODE },
  }));
  for (const name of BANK_NAMES) {
    const c = Math.floor(rng() * l.cols),
      r = Math.floor(rng() * l.rows);
    out.push({
      geometry: { type: 'Point', coordinates: l.inBlock(c, r, 0.5, 0.06) },
      properties: { kind: 'bank', name, district_code: DISTRICT_CODE },
    });
  }
  return out;
}
