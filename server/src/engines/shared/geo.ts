/**
 * The one place of metres per degree and web-mercator tile maths. Metres per degree come from the WGS84 radii of
 * curvature at the latitude (or turf's sphere); tile maths is the slippy-map scheme (tile y down from the north).
 */

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

export type LonLatBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

/** Longitude of the west edge of tile column x at zoom z. */
export const tileLon = (x: number, z: number): number => (x / 2 ** z) * 360 - 180;
/** Latitude of the north edge of tile row y at zoom z. */
export const tileLat = (y: number, z: number): number =>
  (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** z))) * 180) / Math.PI;

/** The tile's box in degrees [west, south, east, north]. */
export function tileBounds(z: number, x: number, y: number): LonLatBox {
  return [tileLon(x, z), tileLat(y + 1, z), tileLon(x + 1, z), tileLat(y, z)];
}

/** Fractional web-mercator tile coordinates of a point at zoom z (x east, y south). */
export function lonLatToTileFraction(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const sin = Math.sin((lat * Math.PI) / 180);
  return [((lon + 180) / 360) * n, (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * n];
}

/**
 * A box grown by `meters` on every side, never short: a degree of longitude is shortest at the box's most poleward
 * edge and a degree of latitude (the meridian arc) shortest at its most equatorward one, so each is taken there.
 */
export function padBox(box: LonLatBox, meters: number): LonLatBox {
  const poleward = Math.max(Math.abs(box[1]), Math.abs(box[3]));
  const equatorward = box[1] <= 0 && box[3] >= 0 ? 0 : Math.min(Math.abs(box[1]), Math.abs(box[3]));
  const dLat = meters / metersPerDegree(equatorward).lat,
    dLon = meters / metersPerDegree(Math.min(poleward, 89.9)).lon;
  return [box[0] - dLon, box[1] - dLat, box[2] + dLon, box[3] + dLat];
}

/**
 * The point of segment a–b nearest to the origin, in local metric coordinates (metres east, north of the origin): its
 * fraction `u` along the segment (0 at a, 1 at b), its position and its distance from the origin.
 */
export function nearestOnSegment(
  ax: number,
  ay: number,
  bx: number,
  by: number,
): { u: number; x: number; y: number; distance: number } {
  const dx = bx - ax,
    dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const u = len2 > 0 ? Math.min(1, Math.max(0, -(ax * dx + ay * dy) / len2)) : 0;
  const x = ax + u * dx,
    y = ay + u * dy;
  return { u, x, y, distance: Math.hypot(x, y) };
}
