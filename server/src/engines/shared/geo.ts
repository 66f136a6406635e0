/**
 * The one place of web-mercator tile maths and metres per degree. Metres per degree come from the WGS84 radii of
 * curvature (coverage/local-projection.ts); tile maths is the slippy-map scheme (tile y down from the north).
 */
export { metersPerDegree, type EarthModel } from '../coverage/local-projection.js';
import { metersPerDegree } from '../coverage/local-projection.js';

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

/** A box grown by `meters` on every side (degrees per metre taken at the box's most poleward edge, so never short). */
export function padBox(box: LonLatBox, meters: number): LonLatBox {
  const poleward = Math.max(Math.abs(box[1]), Math.abs(box[3]));
  const m = metersPerDegree(Math.min(poleward, 89.9));
  const dLat = meters / m.lat,
    dLon = meters / m.lon;
  return [box[0] - dLon, box[1] - dLat, box[2] + dLon, box[3] + dLat];
}
