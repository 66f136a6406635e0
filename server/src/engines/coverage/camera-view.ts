import type { LocalPoint } from './local-projection.js';

/** What the coverage engine needs of a camera (a row of the camera table). */
export interface CameraInput {
  id: number;
  lon: number;
  lat: number;
  /** Bearing of the optical axis, degrees clockwise from north. */
  headingDeg: number;
  fovDeg: number;
  rangeM: number;
  heightM: number;
  cameraType: 'bullet' | 'dome' | 'ptz';
  status: 'working' | 'faulty' | 'offline';
  networked: boolean;
}

/**
 * The field of view a camera type covers, documented here because positions come without it from OSM and many
 * ledgers: a bullet camera sees its own `fovDeg`; a dome is mounted to look down and around, so it covers a full
 * circle of its range; a PTZ camera can turn to any bearing, so its *coverage* (what it can be pointed at) is a full
 * circle too, though at one moment it sees only its lens's field of view.
 */
export function effectiveFovDeg(c: Pick<CameraInput, 'cameraType' | 'fovDeg'>): number {
  switch (c.cameraType) {
    case 'bullet':
      return c.fovDeg;
    case 'dome':
    case 'ptz':
      return 360;
    default: {
      const never: never = c.cameraType;
      throw new Error(`unknown camera type ${String(never)}`);
    }
  }
}

/**
 * The view sector in local metres around the camera: apex at the origin, arc from heading − fov/2 to heading + fov/2
 * with a vertex every `stepDeg` (as turf's sector places them), closed; a full circle when fov is 360.
 * Counter-clockwise ring (GeoJSON's exterior winding).
 */
export function sectorRing(headingDeg: number, fovDeg: number, rangeM: number, steps = 64): LocalPoint[] {
  const full = fovDeg >= 360;
  const start = full ? 0 : headingDeg - fovDeg / 2;
  const sweep = full ? 360 : fovDeg;
  const arc: LocalPoint[] = [];
  for (let i = 0; i <= steps; i++) {
    const bearing = ((start + (sweep * i) / steps) * Math.PI) / 180;
    arc.push([rangeM * Math.sin(bearing), rangeM * Math.cos(bearing)]);
  }
  // Bearings run clockwise; reverse for a counter-clockwise ring.
  const ring: LocalPoint[] = full ? arc.slice(0, -1) : [[0, 0], ...arc];
  ring.reverse();
  ring.push(ring[0] ?? [0, 0]);
  return ring;
}
