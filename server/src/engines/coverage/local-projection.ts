import { metersPerDegree, type EarthModel } from '../shared/geo.js';

/** Metres per degree live in engines/shared/geo.ts; re-exported here for the coverage engine's callers. */
export { metersPerDegree, type EarthModel } from '../shared/geo.js';

/** [x, y] in metres east and north of a local origin. */
export type LocalPoint = [number, number];

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
    // Indexed, not destructured: this runs for every view and every clip, and destructuring allocated per vertex.
    const pi = ring[i] as readonly [number, number],
      pj = ring[j] as readonly [number, number];
    a += (pj[0] - pi[0]) * (pj[1] + pi[1]);
  }
  return a / 2;
}
