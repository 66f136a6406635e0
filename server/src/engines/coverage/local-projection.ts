/** [x, y] in metres east and north of a local origin. */
export type LocalPoint = [number, number];

/** Earth models: WGS84 (as PostGIS geography measures) or turf's sphere of radius 6,371,008.8 m. */
export type EarthModel = 'wgs84' | 'sphere';

const WGS84_A = 6_378_137;
const WGS84_E2 = (1 / 298.257223563) * (2 - 1 / 298.257223563);
const SPHERE_R = 6_371_008.8;

/** Metres per degree of latitude and of longitude at a latitude, from the radii of curvature there. */
export function metersPerDegree(lat: number, earth: EarthModel = 'wgs84'): { lat: number; lon: number } {
  const phi = (lat * Math.PI) / 180;
  const k = Math.PI / 180;
  if (earth === 'sphere') return { lat: SPHERE_R * k, lon: SPHERE_R * Math.cos(phi) * k };
  const w = 1 - WGS84_E2 * Math.sin(phi) ** 2;
  const meridian = (WGS84_A * (1 - WGS84_E2)) / w ** 1.5;
  const primeVertical = WGS84_A / Math.sqrt(w);
  return { lat: meridian * k, lon: primeVertical * Math.cos(phi) * k };
}

/**
 * A local equirectangular projection around one point (a camera): metres east/north, scaled by the earth's radii of
 * curvature at that point. Within a camera's range (≤ 2 km) its error is far below the accuracy of mapped camera
 * positions, and it is much cheaper than a full projection, which matters when a city has 15,000 cameras.
 */
export interface LocalProjection {
  toLocal(lon: number, lat: number): LocalPoint;
  toLonLat(p: readonly [number, number]): [number, number];
  /** Metres per degree of longitude at the origin. */
  metersPerDegLon: number;
  metersPerDegLat: number;
}

export function localProjection(originLon: number, originLat: number, earth: EarthModel = 'wgs84'): LocalProjection {
  const m = metersPerDegree(originLat, earth);
  return {
    toLocal: (lon, lat) => [(lon - originLon) * m.lon, (lat - originLat) * m.lat],
    toLonLat: ([x, y]) => [originLon + x / m.lon, originLat + y / m.lat],
    metersPerDegLon: m.lon,
    metersPerDegLat: m.lat,
  };
}

/** Shoelace area of a ring in square metres (positive for counter-clockwise). */
export function signedArea(ring: readonly (readonly [number, number])[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] ?? [0, 0];
    const [xj, yj] = ring[j] ?? [0, 0];
    a += (xj - xi) * (yj + yi);
  }
  return a / 2;
}
