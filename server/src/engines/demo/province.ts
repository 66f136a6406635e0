import type { Geometry, Position } from 'geojson';
import { DISTRICT_CODE, REGION_CODE } from './admin.js';
import { DEMO_LATTICE, generateDemoCity } from './city.js';
import type { DemoCity, DemoFeature } from './types.js';

/**
 * A province of demo districts (issue #22): cities in a row-major block layout, each a block of districts, each
 * district one demo district (384 grids, 48 beats …) moved to its own place and given its own GB/T 2260 codes.
 * The default size is the province the source documents report: 12 cities × 90 districts = 1,080 districts, so
 * 414,720 grids, 51,840 beats, ~2.2 M buildings, 20.7 M incidents over a year and (one camera in 20 kept, as a
 * province's density is a city centre's twentieth) ~108,000 cameras.
 *
 * Districts reuse `baseLayouts` generated layouts in turn (seed, seed+1, …): generating 1,080 districts from
 * scratch would take most of an hour, and which streets a district has does not change what a province-scale
 * measurement measures. Everything is deterministic from the seed.
 */
export interface ProvinceOptions {
  cities?: number | undefined;
  districtsPerCity?: number | undefined;
  incidentsPerDistrict?: number | undefined;
  /** Keep one camera in this many of each generated district (1 = all). */
  cameraEvery?: number | undefined;
  baseLayouts?: number | undefined;
}

export const PROVINCE_DEFAULTS = {
  cities: 12,
  districtsPerCity: 90,
  incidentsPerDistrict: 19_200,
  cameraEvery: 20,
  baseLayouts: 8,
} as const;

/** 江苏's prefecture-level cities, in GB/T 2260 order (3201 南京 … 3212 泰州): the cities' names and code prefixes. */
const CITY_NAMES = [
  '南京市',
  '无锡市',
  '徐州市',
  '常州市',
  '苏州市',
  '南通市',
  '连云港市',
  '淮安市',
  '盐城市',
  '扬州市',
  '镇江市',
  '泰州市',
] as const;

const CITIES_PER_ROW = 4;
const DISTRICTS_PER_ROW = 9;
/** Degrees between neighbouring districts and between city blocks: the demo district is 0.0624° × 0.0352°. */
const DISTRICT_PITCH = { lon: 0.07, lat: 0.04 } as const;
const CITY_GAP_DEG = 0.1;
const REGION_MARGIN_DEG = 0.004;
/** Code-valued properties of the demo's layers: recoded per district so codes stay unique in the province. */
const CODE_KEYS = [
  'code',
  'parent_code',
  'district_code',
  'community_code',
  'station_code',
  'beat_code',
  'external_id',
];

export interface ProvinceDistrict {
  /** 0-based over the province, city-major. */
  index: number;
  cityIndex: number;
  /** GB/T 2260 12-digit codes. */
  districtCode: string;
  regionCode: string;
  city: DemoCity;
}

export interface Province {
  readonly districtCount: number;
  readonly options: { readonly [K in keyof ProvinceOptions]-?: number };
  /** District k (0 ≤ k < districtCount): its city, when k is the city's first district, carries the region row. */
  district(k: number): ProvinceDistrict;
}

export function province(seed: number, opts: ProvinceOptions = {}): Province {
  const d = PROVINCE_DEFAULTS;
  const o = {
    cities: opts.cities ?? d.cities,
    districtsPerCity: opts.districtsPerCity ?? d.districtsPerCity,
    incidentsPerDistrict: opts.incidentsPerDistrict ?? d.incidentsPerDistrict,
    cameraEvery: opts.cameraEvery ?? d.cameraEvery,
    baseLayouts: opts.baseLayouts ?? d.baseLayouts,
  };
  if (o.cities < 1 || o.cities > CITY_NAMES.length) throw new Error(`cities must be 1…${CITY_NAMES.length}`);
  if (o.districtsPerCity < 1 || o.districtsPerCity > 99) throw new Error('districtsPerCity must be 1…99');
  const bases = new Map<number, DemoCity>();
  const base = (b: number): DemoCity => {
    let city = bases.get(b);
    if (!city) {
      city = generateDemoCity(seed + b, { incidents: o.incidentsPerDistrict });
      bases.set(b, city);
    }
    return city;
  };
  const cityRows = Math.ceil(o.districtsPerCity / DISTRICTS_PER_ROW);
  const cityPitch = {
    lon: Math.min(o.districtsPerCity, DISTRICTS_PER_ROW) * DISTRICT_PITCH.lon + CITY_GAP_DEG,
    lat: cityRows * DISTRICT_PITCH.lat + CITY_GAP_DEG,
  };
  const shiftOf = (cityIndex: number, j: number) => ({
    lon: (cityIndex % CITIES_PER_ROW) * cityPitch.lon + (j % DISTRICTS_PER_ROW) * DISTRICT_PITCH.lon,
    lat:
      Math.floor(cityIndex / CITIES_PER_ROW) * cityPitch.lat + Math.floor(j / DISTRICTS_PER_ROW) * DISTRICT_PITCH.lat,
  });
  return {
    districtCount: o.cities * o.districtsPerCity,
    options: o,
    district(k) {
      if (!Number.isInteger(k) || k < 0 || k >= o.cities * o.districtsPerCity) throw new Error(`no district ${k}`);
      const cityIndex = Math.floor(k / o.districtsPerCity);
      const j = k % o.districtsPerCity;
      const cc = String(cityIndex + 1).padStart(2, '0');
      const districtCode = `32${cc}${String(j + 1).padStart(2, '0')}000000`;
      const regionCode = `32${cc}00000000`;
      const shift = shiftOf(cityIndex, j);
      const recode = recoder(districtCode, regionCode);
      const move = (f: DemoFeature): DemoFeature => ({
        geometry: shifted(f.geometry, shift.lon, shift.lat),
        properties: recode(f.properties),
      });
      const b = base(k % o.baseLayouts);
      const adminAreas = b.adminAreas.flatMap((a): DemoFeature[] => {
        if (a.properties.level === 'district') {
          const moved = move(a);
          return [{ ...moved, properties: { ...moved.properties, name: `${CITY_NAMES[cityIndex]}第${j + 1}区` } }];
        }
        if (a.properties.level !== 'region') return [move(a)];
        if (j > 0) return [];
        const sw = shiftOf(cityIndex, 0);
        // Streets and buildings reach ~0.0014° past the lattice; districts are 0.0076° apart, cities 0.1°.
        const m = REGION_MARGIN_DEG;
        const lon0 = DEMO_LATTICE.originLon + sw.lon - m;
        const lat0 = DEMO_LATTICE.originLat + sw.lat - m;
        const lon1 = lon0 + cityPitch.lon - CITY_GAP_DEG + 2 * m;
        const lat1 = lat0 + cityPitch.lat - CITY_GAP_DEG + 2 * m;
        const ring = [
          [lon0, lat0],
          [lon1, lat0],
          [lon1, lat1],
          [lon0, lat1],
          [lon0, lat0],
        ];
        const props = recode(a.properties);
        return [
          { geometry: { type: 'Polygon', coordinates: [ring] }, properties: { ...props, name: CITY_NAMES[cityIndex] } },
        ];
      });
      const city: DemoCity = {
        seed: b.seed,
        adminAreas,
        grids: b.grids.map(move),
        stations: b.stations.map(move),
        beats: b.beats.map(move),
        keyPlaces: b.keyPlaces.map(move),
        posts: b.posts.map(move),
        checkpoints: b.checkpoints.map(move),
        cameras: b.cameras.filter((_, i) => i % o.cameraEvery === 0).map(move),
        incidents: b.incidents.map(move),
        roads: b.roads.map(move),
        buildings: b.buildings.map(move),
      };
      return { index: k, cityIndex, districtCode, regionCode, city };
    },
  };
}

/**
 * Rewrites the demo's codes for one district: its GB/T 2260 codes (320102… district, 3201… region) take the new
 * prefixes; other codes (XW01 stations, CAM00001 cameras, JQ… incident numbers) are prefixed with the district's
 * six digits, so they are unique in the province and still within the layers' `[0-9A-Za-z_-]{1,40}`.
 */
function recoder(districtCode: string, regionCode: string) {
  const d6 = districtCode.slice(0, 6);
  const r4 = regionCode.slice(0, 4);
  const demoD6 = DISTRICT_CODE.slice(0, 6);
  const demoR4 = REGION_CODE.slice(0, 4);
  const one = (v: string): string => {
    if (v.startsWith(demoD6)) return d6 + v.slice(6);
    if (v === REGION_CODE) return r4 + v.slice(4);
    if (v.startsWith(demoR4)) throw new Error(`demo code ${v} is neither the district's nor the region's`);
    return `${d6}-${v}`;
  };
  return (p: Record<string, unknown>): Record<string, unknown> => {
    const out = { ...p };
    for (const k of CODE_KEYS) {
      const v = out[k];
      if (typeof v === 'string') out[k] = one(v);
    }
    return out;
  };
}

function shifted(g: Geometry, dLon: number, dLat: number): Geometry {
  const pt = (p: Position): Position => [(p[0] ?? Number.NaN) + dLon, (p[1] ?? Number.NaN) + dLat];
  switch (g.type) {
    case 'Point':
      return { type: 'Point', coordinates: pt(g.coordinates) };
    case 'MultiPoint':
    case 'LineString':
      return { type: g.type, coordinates: g.coordinates.map(pt) };
    case 'MultiLineString':
    case 'Polygon':
      return { type: g.type, coordinates: g.coordinates.map((r) => r.map(pt)) };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: g.coordinates.map((poly) => poly.map((r) => r.map(pt))) };
    case 'GeometryCollection':
      return { type: 'GeometryCollection', geometries: g.geometries.map((x) => shifted(x, dLon, dLat)) };
  }
}
