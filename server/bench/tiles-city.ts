import type { LineString, Point, Polygon } from 'geojson';
import type { FeatureRow } from '../src/db/bulk-insert.js';
import { mulberry32 } from '../src/engines/demo/prng.js';

/**
 * A deterministic bench city for the tiles bench: a 9 km × 9 km patch of Nanjing (118.74–118.83 E, 32.00–32.08 N)
 * with 16 communities, 400 grids, 20,000 roads, 20,000 buildings and 50,000 clustered incidents.
 * Not the demo city (that one lives in server/src/demo when it exists); only sizes and shapes matter here.
 */

export const CITY_BOUNDS = { west: 118.74, south: 32.0, east: 118.83, north: 32.08 } as const;

const M_PER_DEG_LAT = 111_320;
const M_PER_DEG_LON = 111_320 * Math.cos((32.04 * Math.PI) / 180);

const rect = (w: number, s: number, e: number, n: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [w, s],
      [e, s],
      [e, n],
      [w, n],
      [w, s],
    ],
  ],
});

export interface BenchCity {
  admin: FeatureRow[];
  grids: FeatureRow[];
  roads: FeatureRow[];
  buildings: FeatureRow[];
  incidents: FeatureRow[];
}

/** Builds the city from a seed; the same seed gives the same rows. `scale` < 1 thins roads, buildings and incidents. */
export function buildBenchCity(seed = 20260301, scale = 1): BenchCity {
  const rnd = mulberry32(seed);
  const { west, south, east, north } = CITY_BOUNDS;
  const district = '320102000000';
  const admin: FeatureRow[] = [
    {
      geometry: rect(west, south, east, north),
      properties: { code: district, level: 'district', name: '玄武区', parent_code: null },
    },
  ];
  // The district needs a region parent: put one just around it.
  admin.unshift({
    geometry: rect(west - 0.05, south - 0.05, east + 0.05, north + 0.05),
    properties: { code: '320100000000', level: 'region', name: '南京市', parent_code: null },
  });
  admin[1]!.properties.parent_code = '320100000000';
  const grids: FeatureRow[] = [];
  const cw = (east - west) / 4;
  const ch = (north - south) / 4;
  for (let t = 0; t < 4; t++) {
    const tcode = `320102${String(t + 1).padStart(3, '0')}000`;
    admin.push({
      geometry: rect(west + t * cw, south, west + (t + 1) * cw, north),
      properties: { code: tcode, level: 'township', name: `第${t + 1}街道`, parent_code: district },
    });
    for (let c = 0; c < 4; c++) {
      const ccode = `320102${String(t + 1).padStart(3, '0')}${String(c + 1).padStart(3, '0')}`;
      const [cw0, cs0] = [west + t * cw, south + c * ch];
      admin.push({
        geometry: rect(cw0, cs0, cw0 + cw, cs0 + ch),
        properties: { code: ccode, level: 'community', name: `第${t + 1}街道第${c + 1}社区`, parent_code: tcode },
      });
      for (let g = 0; g < 25; g++) {
        const [gx, gy] = [g % 5, Math.floor(g / 5)];
        grids.push({
          geometry: rect(
            cw0 + (gx * cw) / 5,
            cs0 + (gy * ch) / 5,
            cw0 + ((gx + 1) * cw) / 5,
            cs0 + ((gy + 1) * ch) / 5,
          ),
          properties: {
            code: `${ccode}${String(g + 1).padStart(3, '0')}`,
            name: `${g + 1}号网格`,
            kind: 'basic',
            community_code: ccode,
            district_code: district,
            population: 1500 + Math.floor(rnd() * 2000),
          },
        });
      }
    }
  }

  const roads: FeatureRow[] = [];
  const classes: [string, number, number][] = [
    ['primary', 0.03, 60],
    ['secondary', 0.04, 50],
    ['tertiary', 0.08, 40],
    ['residential', 0.45, 30],
    ['service', 0.2, 20],
    ['footway', 0.2, 5],
  ];
  const pickClass = (): [string, number] => {
    let r = rnd();
    for (const [name, p, speed] of classes) {
      r -= p;
      if (r <= 0) return [name, speed];
    }
    return ['residential', 30];
  };
  for (let i = 0; i < 20_000 * scale; i++) {
    const [road_class, speed_kmh] = pickClass();
    const arterial = speed_kmh >= 50;
    const lengthM = arterial ? 800 + rnd() * 1500 : 80 + rnd() * 300;
    const vertices = arterial ? 8 : 2 + Math.floor(rnd() * 4);
    let lon = west + rnd() * (east - west);
    let lat = south + rnd() * (north - south);
    let heading = rnd() < 0.5 ? 0 : Math.PI / 2;
    const coords: [number, number][] = [[lon, lat]];
    for (let v = 1; v < vertices; v++) {
      heading += (rnd() - 0.5) * 0.4;
      const step = lengthM / (vertices - 1);
      lon += (Math.cos(heading) * step) / M_PER_DEG_LON;
      lat += (Math.sin(heading) * step) / M_PER_DEG_LAT;
      coords.push([lon, lat]);
    }
    const geometry: LineString = { type: 'LineString', coordinates: coords };
    roads.push({
      geometry,
      properties: { road_class, speed_kmh, name: arterial ? `${i}号路` : null, oneway: rnd() < 0.2 ? 1 : 0 },
    });
  }

  const buildings: FeatureRow[] = [];
  for (let i = 0; i < 20_000 * scale; i++) {
    const cx = west + rnd() * (east - west);
    const cy = south + rnd() * (north - south);
    const [wM, hM] = [12 + rnd() * 40, 10 + rnd() * 25];
    const a = rnd() * Math.PI;
    const corners = [
      [-1, -1],
      [1, -1],
      [1, 1],
      [-1, 1],
    ].map(([sx, sy]): [number, number] => {
      const [dx, dy] = [(sx! * wM) / 2, (sy! * hM) / 2];
      return [
        cx + (dx * Math.cos(a) - dy * Math.sin(a)) / M_PER_DEG_LON,
        cy + (dx * Math.sin(a) + dy * Math.cos(a)) / M_PER_DEG_LAT,
      ];
    });
    const levels = 2 + Math.floor(rnd() * 30);
    buildings.push({
      geometry: { type: 'Polygon', coordinates: [[...corners, corners[0]!]] },
      properties: { levels, height_m: levels * 3, name: rnd() < 0.05 ? `${i}号楼` : null },
    });
  }

  // Incidents around 40 hotspots plus a uniform background, a year of timestamps.
  const hotspots = Array.from(
    { length: 40 },
    () => [west + rnd() * (east - west), south + rnd() * (north - south)] as const,
  );
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const categories = ['盗窃', '纠纷', '诈骗', '交通事故', '求助', '噪音扰民'];
  const incidents: FeatureRow[] = [];
  for (let i = 0; i < 50_000 * scale; i++) {
    let lon: number;
    let lat: number;
    if (rnd() < 0.7) {
      const h = hotspots[Math.floor(rnd() * hotspots.length)]!;
      lon = h[0] + (gauss() * 250) / M_PER_DEG_LON;
      lat = h[1] + (gauss() * 250) / M_PER_DEG_LAT;
    } else {
      lon = west + rnd() * (east - west);
      lat = south + rnd() * (north - south);
    }
    const geometry: Point = { type: 'Point', coordinates: [lon, lat] };
    incidents.push({
      geometry,
      properties: {
        occurred_at: new Date(Date.UTC(2025, 0, 1) + Math.floor(rnd() * 365 * 86_400_000)).toISOString(),
        category: categories[Math.floor(rnd() * categories.length)]!,
        severity: 1 + Math.floor(rnd() * 4),
      },
    });
  }
  return { admin, grids, roads, buildings, incidents };
}
