import type { AdminLayout } from './admin.js';
import { DISTRICT_CODE } from './admin.js';
import type { Lattice } from './lattice.js';
import { ARTERIAL_EVERY } from './network.js';
import { intBetween, type Rng } from './prng.js';
import type { DemoFeature, PlaceBlock } from './types.js';

/** ~30 posts (屯警点): at arterial crossings and beside markets and transit hubs; a third staffed round the clock. */
export function layoutPosts(
  rng: Rng,
  l: Lattice,
  admin: AdminLayout,
  places: ReadonlyMap<string, PlaceBlock>,
): DemoFeature[] {
  const out: DemoFeature[] = [];
  for (let i = ARTERIAL_EVERY; i < l.cols; i += ARTERIAL_EVERY) {
    for (let j = ARTERIAL_EVERY; j < l.rows; j += ARTERIAL_EVERY / 2) {
      if (out.length >= 24) break;
      const c = Math.min(i, l.cols - 1),
        r = Math.min(j, l.rows - 1);
      out.push({
        geometry: { type: 'Point', coordinates: l.inBlock(c, r, 0.04, 0.04) },
        properties: {
          name: `${String(out.length + 1).padStart(2, '0')}号屯警点`,
          station_code: admin.stationCode(c, r),
          staffed_hours: rng() < 0.33 ? '00:00-24:00' : '07:00-23:00',
          district_code: DISTRICT_CODE,
        },
      });
    }
  }
  for (const p of places.values()) {
    if (out.length >= 30) break;
    if (p.kind !== 'market' && p.kind !== 'transit_hub') continue;
    out.push({
      geometry: { type: 'Point', coordinates: l.inBlock(p.c, p.r, 0.5, 0.02) },
      properties: {
        name: `${p.name}警务站`,
        station_code: admin.stationCode(p.c, p.r),
        staffed_hours: '00:00-24:00',
        district_code: DISTRICT_CODE,
      },
    });
  }
  return out;
}

/** ~80 checkpoints (必巡点): the gates of the key places, and two junctions in each beat that has no key place. */
export function layoutCheckpoints(
  rng: Rng,
  l: Lattice,
  admin: AdminLayout,
  places: ReadonlyMap<string, PlaceBlock>,
): DemoFeature[] {
  const out: DemoFeature[] = [];
  const perBeat = new Map<string, number>();
  for (const p of places.values()) {
    const beat = admin.beatCode(p.c, p.r);
    perBeat.set(beat, (perBeat.get(beat) ?? 0) + 1);
    out.push({
      geometry: { type: 'Point', coordinates: l.inBlock(p.c, p.r, 0.5, 0.03) },
      properties: {
        name: `${p.name}门口`,
        beat_code: beat,
        dwell_minutes: p.kind === 'school' ? 15 : intBetween(rng, 5, 10),
        district_code: DISTRICT_CODE,
      },
    });
  }
  for (let c = 0; c < l.cols; c += 2) {
    for (let r = 0; r < l.rows; r += 4) {
      const beat = admin.beatCode(c, r);
      const want = (perBeat.get(beat) ?? 0) === 0 ? 2 : 0;
      for (let k = 0; k < want; k++) {
        const cc = c + k,
          rr = r + 1 + 2 * k;
        out.push({
          geometry: { type: 'Point', coordinates: l.node(cc + 1, rr) },
          properties: {
            name: `${beat}警格${k + 1}号巡逻点`,
            beat_code: beat,
            dwell_minutes: intBetween(rng, 3, 8),
            district_code: DISTRICT_CODE,
          },
        });
      }
    }
  }
  return out;
}
