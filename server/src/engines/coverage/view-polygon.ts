import * as polyclip from 'polyclip-ts';
import { breakIntersections, computeViewport, type Segments } from 'visibility-polygon';
import { circleBox, type BuildingIndex } from './building-index.js';
import { effectiveFovDeg, sectorRing, type CameraInput } from './camera-view.js';
import { clipByConvex } from './convex-clip.js';
import { localProjection, signedArea, type EarthModel, type LocalPoint } from './local-projection.js';

export interface ViewPolygon {
  cameraId: number;
  /** What the camera sees: its sector minus what buildings hide, [lon, lat] MultiPolygon coordinates. */
  coordinates: [number, number][][][];
  areaM2: number;
  /** Area of the bare sector, before occlusion. */
  sectorAreaM2: number;
  /** Buildings within range (the box of the range circle) that the camera is not mounted on. */
  occluders: number;
}

export interface ViewPolygonOptions {
  /** Arc vertices of the sector (turf's sector default: 64). */
  arcSteps?: number;
  /**
   * A camera this close to a building outline (or inside it) is taken to be mounted on that building, which then does
   * not hide anything from it. Default 1 m.
   */
  mountToleranceM?: number;
  /** Earth model of the local metres: WGS84 (default, as PostGIS geography) or turf's sphere. */
  earth?: EarthModel;
}

/** Scratch space for one building's outline in local metres (views run one at a time per thread). */
let scratch = new Float64Array(1024);

/**
 * The ground a camera sees: its view sector (see `effectiveFovDeg` for domes and PTZ) with every building inside the
 * range treated as an opaque wall in 2D, computed in metres around the camera. Occlusion is the visibility polygon
 * (Knoll's O(n log n) angular sweep, the `visibility-polygon` package) over the building edges near the camera,
 * intersected with the sector. Heights are not used: a building lower than the camera still hides the ground right
 * behind it, and at street-camera heights (≤ 10 m) the hidden strip is most of what lies behind.
 *
 * Only building edges that can meet the sector go into the sweep: a point p of the (convex) sector is seen when the
 * sight line 0→p, which lies inside the sector, crosses no edge, so an edge that misses the sector — outside its box,
 * farther than the range, or wholly beyond one of its straight sides — changes nothing inside it. For a 60° bullet
 * camera that leaves about a sixth of the edges of the range circle. The sweep runs in the sector's box, not the
 * range circle's.
 */
export function viewPolygon(camera: CameraInput, buildings: BuildingIndex, opts: ViewPolygonOptions = {}): ViewPolygon {
  const proj = localProjection(camera.lon, camera.lat, opts.earth);
  const mLon = proj.metersPerDegLon,
    mLat = proj.metersPerDegLat;
  const r = camera.rangeM;
  const fov = effectiveFovDeg(camera);
  const sector = sectorRing(camera.headingDeg, fov, r, opts.arcSteps ?? 64);
  const sectorAreaM2 = Math.abs(signedArea(sector));
  const tolerance = opts.mountToleranceM ?? 1;
  const full = fov >= 360;
  const convex = full || fov <= 180;

  // The sector's box, widened so that it holds the camera's mounting distance all round.
  const margin = Math.max(1, tolerance);
  let bx0 = Infinity,
    by0 = Infinity,
    bx1 = -Infinity,
    by1 = -Infinity;
  for (const [x, y] of sector) {
    bx0 = Math.min(bx0, x);
    by0 = Math.min(by0, y);
    bx1 = Math.max(bx1, x);
    by1 = Math.max(by1, y);
  }
  bx0 = Math.min(bx0, 0) - margin;
  by0 = Math.min(by0, 0) - margin;
  bx1 = Math.max(bx1, 0) + margin;
  by1 = Math.max(by1, 0) + margin;
  const lon0 = camera.lon + bx0 / mLon,
    lat0 = camera.lat + by0 / mLat,
    lon1 = camera.lon + bx1 / mLon,
    lat1 = camera.lat + by1 / mLat;
  // Straight sides of a bullet sector (the ring runs …, arc start, apex, arc end): inside is left of each.
  const n = sector.length;
  const [sx, sy] = (full ? [0, 0] : sector[n - 3]) as LocalPoint;
  const [ex, ey] = (full ? [0, 0] : sector[n - 1]) as LocalPoint;
  const useSides = !full && fov <= 180;
  const r2 = r * r;

  const segments: Segments = [];
  let occluders = 0;
  // The per-building and per-vertex reads below are unchecked (`?? 0` is never taken): b comes from the index's own
  // search and box / buildingRing / ringStart / lonLat are one set of offsets built by indexBuildings, and xy holds
  // the building's points just written. Checked reads (at()) made the views 27–33 % slower (see the commit log).
  const { box, buildingRing, ringStart, lonLat } = buildings;
  for (const b of buildings.search(...circleBox(camera.lon, camera.lat, r))) {
    // A building outside the sector's box neither hides anything in it nor stands within the mounting distance.
    if (
      (box[4 * b + 2] ?? 0) < lon0 ||
      (box[4 * b] ?? 0) > lon1 ||
      (box[4 * b + 3] ?? 0) < lat0 ||
      (box[4 * b + 1] ?? 0) > lat1
    ) {
      occluders++;
      continue;
    }
    const k0 = buildingRing[b] ?? 0,
      k1 = buildingRing[b + 1] ?? 0;
    const p0 = ringStart[k0] ?? 0,
      p1 = ringStart[k1] ?? 0;
    if (scratch.length < 2 * (p1 - p0)) scratch = new Float64Array(4 * (p1 - p0));
    const xy = scratch;
    for (let p = p0; p < p1; p++) {
      xy[2 * (p - p0)] = ((lonLat[2 * p] ?? 0) - camera.lon) * mLon;
      xy[2 * (p - p0) + 1] = ((lonLat[2 * p + 1] ?? 0) - camera.lat) * mLat;
    }
    let mounted = false;
    for (let k = k0; k < k1 && !mounted; k++) {
      mounted = ringHoldsOrigin(xy, (ringStart[k] ?? 0) - p0, (ringStart[k + 1] ?? 0) - p0, tolerance);
    }
    if (mounted) continue;
    occluders++;
    for (let k = k0; k < k1; k++) {
      for (let i = (ringStart[k] ?? 0) - p0 + 1, i1 = (ringStart[k + 1] ?? 0) - p0; i < i1; i++) {
        const ax = xy[2 * i - 2] ?? 0,
          ay = xy[2 * i - 1] ?? 0,
          cx = xy[2 * i] ?? 0,
          cy = xy[2 * i + 1] ?? 0;
        if (ax === cx && ay === cy) continue;
        if ((ax < bx0 && cx < bx0) || (ax > bx1 && cx > bx1) || (ay < by0 && cy < by0) || (ay > by1 && cy > by1))
          continue;
        if (useSides && sy * ax - sx * ay < 0 && sy * cx - sx * cy < 0) continue;
        if (useSides && ex * ay - ey * ax < 0 && ex * cy - ey * cx < 0) continue;
        if (ax * ax + ay * ay > r2 && cx * cx + cy * cy > r2 && segmentDistance2(ax, ay, cx, cy) > r2) continue;
        segments.push([
          [ax, ay],
          [cx, cy],
        ]);
      }
    }
  }
  let local: polyclip.Geom;
  if (segments.length === 0) {
    local = [[sector]];
  } else {
    const visible = computeViewport([0, 0], breakIntersections(segments), [bx0, by0], [bx1, by1]);
    const ring = visible.map(([x, y]) => [x, y] as [number, number]);
    ring.push(ring[0] ?? [0, 0]);
    // A sector of ≤ 180° (or a full circle) is convex: clip the visibility polygon by it directly, its straight sides
    // first (they cut the most away); a wider bullet sector is not convex and goes through the general overlay.
    if (convex) {
      const clipped = clipByConvex(ring, full ? sector : [...sector.slice(n - 3), ...sector.slice(1, n - 2)]);
      local = clipped.length > 0 ? [[clipped]] : [];
    } else {
      local = polyclip.intersection([sector], [ring]);
    }
  }
  const multi = (isMulti(local) ? local : [local]) as [number, number][][][];
  let areaM2 = 0;
  for (const poly of multi)
    poly.forEach((ring, k) => {
      areaM2 += (k === 0 ? 1 : -1) * Math.abs(signedArea(ring));
    });
  return {
    cameraId: camera.id,
    coordinates: multi.map((poly) => poly.map((ring) => ring.map((p) => proj.toLonLat(p)))),
    areaM2,
    sectorAreaM2,
    occluders,
  };
}

function isMulti(g: polyclip.Geom): boolean {
  const first = g[0]?.[0]?.[0];
  return Array.isArray(first);
}

/** Squared distance from the origin to segment a→c. */
function segmentDistance2(ax: number, ay: number, cx: number, cy: number): number {
  const dx = cx - ax,
    dy = cy - ay;
  const len2 = dx * dx + dy * dy;
  const u = len2 > 0 ? Math.min(1, Math.max(0, -(ax * dx + ay * dy) / len2)) : 0;
  const x = ax + u * dx,
    y = ay + u * dy;
  return x * x + y * y;
}

/**
 * Whether the camera (the origin) is inside a ring (points i0 … i1 − 1 of `xy`, closed) or within `tolerance` metres
 * of its outline: the building it is mounted on.
 */
function ringHoldsOrigin(xy: Float64Array, i0: number, i1: number, tolerance: number): boolean {
  // Unchecked, as viewPolygon's vertex loops: i0 … i1 − 1 are points the caller has just written to xy.
  let inside = false;
  const t2 = tolerance * tolerance;
  for (let i = i0 + 1; i < i1; i++) {
    const ax = xy[2 * i - 2] ?? 0,
      ay = xy[2 * i - 1] ?? 0,
      cx = xy[2 * i] ?? 0,
      cy = xy[2 * i + 1] ?? 0;
    if (segmentDistance2(ax, ay, cx, cy) <= t2) return true;
    if (ay > 0 !== cy > 0 && 0 < ((cx - ax) * -ay) / (cy - ay) + ax) inside = !inside;
  }
  return inside;
}
