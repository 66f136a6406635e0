import { at } from '../shared/checked.js';
import type { Lattice, LonLat } from './lattice.js';
import { COMMUNITY_STEMS, GIVEN, STATION_NAMES, SURNAMES, TOWNSHIP_NAMES } from './names.js';
import { intBetween, pick, between, type Rng } from './prng.js';
import type { DemoFeature, PlaceBlock } from './types.js';

export const REGION_CODE = '320100000000';
export const DISTRICT_CODE = '320102000000';
/** Blocks per community (3 × 4), per beat (2 × 4); townships are the four quadrants. */
const COMMUNITY_W = 3,
  COMMUNITY_H = 4,
  BEAT_W = 2,
  BEAT_H = 4;
/** Station areas as runs of beat columns: five stations. */
const STATION_BEAT_COLS = [3, 2, 3, 2, 2];

const poly = (ring: LonLat[]) => ({ type: 'MultiPolygon' as const, coordinates: [[ring]] });
const pad3 = (n: number) => String(n).padStart(3, '0');

export interface AdminLayout {
  adminAreas: DemoFeature[];
  grids: DemoFeature[];
  beats: DemoFeature[];
  stations: DemoFeature[];
  /** Code of the grid of block (c, r). */
  gridCode(c: number, r: number): string;
  beatCode(c: number, r: number): string;
  stationCode(c: number, r: number): string;
}

/** Region, district, townships, communities, grids (one per block), stations and beats (unions of whole grids). */
export function layoutAdmin(rng: Rng, l: Lattice, places: ReadonlyMap<string, PlaceBlock>): AdminLayout {
  const adminAreas: DemoFeature[] = [
    {
      geometry: poly(l.ring(0, 0, l.cols, l.rows)),
      properties: { code: REGION_CODE, level: 'region', name: '南京市', district_code: DISTRICT_CODE },
    },
    {
      geometry: poly(l.ring(0, 0, l.cols, l.rows)),
      properties: {
        code: DISTRICT_CODE,
        level: 'district',
        name: '玄武区',
        parent_code: REGION_CODE,
        district_code: DISTRICT_CODE,
      },
    },
  ];
  const halfC = l.cols / 2,
    halfR = l.rows / 2;
  const townshipOf = (c: number, r: number) => (c < halfC ? 0 : 1) + (r < halfR ? 0 : 2);
  const townshipCode = (t: number) => `320102${pad3(t + 1)}000`;
  for (let t = 0; t < 4; t++) {
    const c0 = (t % 2) * halfC,
      r0 = Math.floor(t / 2) * halfR;
    adminAreas.push({
      geometry: poly(l.ring(c0, r0, c0 + halfC, r0 + halfR)),
      properties: {
        code: townshipCode(t),
        level: 'township',
        name: TOWNSHIP_NAMES[t],
        parent_code: DISTRICT_CODE,
        district_code: DISTRICT_CODE,
      },
    });
  }
  // Communities numbered within their township, row by row.
  const communityCode = new Map<string, string>();
  const seqInTownship = [0, 0, 0, 0];
  let stem = 0;
  for (let cr = 0; cr < l.rows / COMMUNITY_H; cr++) {
    for (let cc = 0; cc < l.cols / COMMUNITY_W; cc++) {
      const c0 = cc * COMMUNITY_W,
        r0 = cr * COMMUNITY_H;
      const t = townshipOf(c0, r0);
      const seq = at(seqInTownship, t, 'township') + 1;
      seqInTownship[t] = seq;
      const code = `${townshipCode(t).slice(0, 9)}${pad3(seq)}`;
      communityCode.set(`${cc},${cr}`, code);
      adminAreas.push({
        geometry: poly(l.ring(c0, r0, c0 + COMMUNITY_W, r0 + COMMUNITY_H)),
        properties: {
          code,
          level: 'community',
          name: `${COMMUNITY_STEMS[stem++ % COMMUNITY_STEMS.length]}社区`,
          parent_code: townshipCode(t),
          district_code: DISTRICT_CODE,
        },
      });
    }
  }
  const communityOf = (c: number, r: number) =>
    communityCode.get(`${Math.floor(c / COMMUNITY_W)},${Math.floor(r / COMMUNITY_H)}`) ?? '';
  const gridSeq = new Map<string, number>();
  const gridCodes = new Map<string, string>();
  const grids: DemoFeature[] = [];
  for (let r = 0; r < l.rows; r++) {
    for (let c = 0; c < l.cols; c++) {
      const community = communityOf(c, r);
      const seq = (gridSeq.get(community) ?? 0) + 1;
      gridSeq.set(community, seq);
      const code = `${community}${pad3(seq)}`;
      gridCodes.set(`${c},${r}`, code);
      const place = places.get(`${c},${r}`);
      const households = place ? intBetween(rng, 0, 40) : intBetween(rng, 300, 500);
      const communityName = adminAreas.find((a) => a.properties.code === community)?.properties.name as string;
      grids.push({
        geometry: poly(l.ring(c, r, c + 1, r + 1)),
        properties: {
          code,
          name: place ? `${place.name}专属网格` : `${communityName}第${seq}网格`,
          kind: place ? 'dedicated' : 'basic',
          ...(place ? { dedicated_unit: place.name } : {}),
          community_code: community,
          district_code: DISTRICT_CODE,
          households,
          population: Math.round(households * between(rng, 2.4, 2.9)),
          worker_name: pick(rng, SURNAMES) + pick(rng, GIVEN),
          worker_phone: `139${String(intBetween(rng, 0, 99_999_999)).padStart(8, '0')}`,
        },
      });
    }
  }
  // Stations own runs of beat columns; beats are 2 × 4 blocks.
  const stations: DemoFeature[] = [];
  const beats: DemoFeature[] = [];
  const stationOfBeatCol: number[] = [];
  STATION_BEAT_COLS.forEach((w, s) => {
    for (let k = 0; k < w; k++) stationOfBeatCol.push(s);
  });
  const stationCode = (s: number) => `XW${String(s + 1).padStart(2, '0')}`;
  const beatSeq = STATION_BEAT_COLS.map(() => 0);
  const beatCodes = new Map<string, string>();
  for (let bc = 0; bc < l.cols / BEAT_W; bc++) {
    for (let br = 0; br < l.rows / BEAT_H; br++) {
      const s = at(stationOfBeatCol, bc, 'beat column');
      const seq = at(beatSeq, s, 'station') + 1;
      beatSeq[s] = seq;
      const code = `${stationCode(s)}${String(seq).padStart(2, '0')}`;
      beatCodes.set(`${bc},${br}`, code);
      beats.push({
        geometry: poly(l.ring(bc * BEAT_W, br * BEAT_H, (bc + 1) * BEAT_W, (br + 1) * BEAT_H)),
        properties: {
          code,
          name: `${STATION_NAMES[s]?.replace('派出所', '')}第${beatSeq[s]}警格`,
          station_code: stationCode(s),
          district_code: DISTRICT_CODE,
          officers: 1,
          auxiliaries: intBetween(rng, 2, 3),
        },
      });
    }
  }
  let firstCol = 0;
  STATION_BEAT_COLS.forEach((w, s) => {
    const c = firstCol * BEAT_W + Math.floor((w * BEAT_W) / 2),
      r = Math.floor(l.rows / 2) + (s % 2 ? 1 : -2);
    stations.push({
      geometry: { type: 'Point', coordinates: l.inBlock(c, r, 0.5, 0.5) },
      properties: {
        code: stationCode(s),
        name: STATION_NAMES[s],
        district_code: DISTRICT_CODE,
        phone: `025-8${String(intBetween(rng, 0, 9_999_999)).padStart(7, '0')}`,
      },
    });
    firstCol += w;
  });
  return {
    adminAreas,
    grids,
    beats,
    stations,
    gridCode: (c, r) => gridCodes.get(`${c},${r}`) ?? '',
    beatCode: (c, r) => beatCodes.get(`${Math.floor(c / BEAT_W)},${Math.floor(r / BEAT_H)}`) ?? '',
    stationCode: (c) => stationCode(at(stationOfBeatCol, Math.floor(c / BEAT_W), 'beat column')),
  };
}
