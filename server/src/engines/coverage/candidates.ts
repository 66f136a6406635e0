import type { CameraInput } from './camera-view.js';
import { metersPerDegree } from '../shared/geo.js';
import type { KeyPlaceInput } from './place-coverage.js';
import type { RoadPiece } from './road-coverage.js';

/** The camera a planner would put up: type, lens and range. Bullets get several headings per site. */
export interface CandidateSpec {
  cameraType: CameraInput['cameraType'];
  fovDeg: number;
  rangeM: number;
  heightM: number;
  /** Metres between candidate sites along a road. Default 40. */
  spacingM?: number;
  /** Headings tried per site for a bullet camera, evenly spread. Default 8. */
  headings?: number;
}

/**
 * Candidate cameras for placement: sites every `spacingM` along the roads (each road piece's ends included) and at
 * every key place (its point, or its grounds' first vertex — a gate is usually on the outline), with `headings`
 * evenly spread bearings for a bullet camera (one for a dome or PTZ, which see all round). Ids are negative from
 * `firstId` down, so they never clash with stored cameras.
 */
export function candidateCameras(
  pieces: readonly RoadPiece[],
  places: readonly KeyPlaceInput[],
  spec: CandidateSpec,
  firstId = -1,
): CameraInput[] {
  const spacing = spec.spacingM ?? 40;
  const sites: [number, number][] = [];
  const seen = new Set<string>();
  const addSite = (lon: number, lat: number) => {
    const key = `${lon.toFixed(6)},${lat.toFixed(6)}`;
    if (seen.has(key)) return;
    seen.add(key);
    sites.push([lon, lat]);
  };
  for (const p of pieces) {
    let carried = 0; // metres walked since the last site
    p.coordinates.forEach(([lon, lat], i) => {
      if (i === 0) {
        addSite(lon, lat);
        return;
      }
      const [lon0, lat0] = p.coordinates[i - 1] ?? [lon, lat];
      const m = metersPerDegree((lat0 + lat) / 2);
      const len = Math.hypot((lon - lon0) * m.lon, (lat - lat0) * m.lat);
      let at = spacing - carried;
      while (at < len) {
        addSite(lon0 + ((lon - lon0) * at) / len, lat0 + ((lat - lat0) * at) / len);
        at += spacing;
      }
      carried = len - (at - spacing);
      if (i === p.coordinates.length - 1) addSite(lon, lat);
    });
  }
  for (const place of places) {
    const g = place.geometry;
    const first = g.type === 'Point' ? g.coordinates : g.coordinates[0]?.[0]?.[0];
    if (first) addSite(first[0], first[1]);
  }
  const headings = spec.cameraType === 'bullet' ? Math.max(1, spec.headings ?? 8) : 1;
  const out: CameraInput[] = [];
  let id = firstId;
  for (const [lon, lat] of sites) {
    for (let h = 0; h < headings; h++) {
      out.push({
        id: id--,
        lon,
        lat,
        headingDeg: (360 * h) / headings,
        fovDeg: spec.fovDeg,
        rangeM: spec.rangeM,
        heightM: spec.heightM,
        cameraType: spec.cameraType,
        status: 'working',
        networked: true,
      });
    }
  }
  return out;
}
