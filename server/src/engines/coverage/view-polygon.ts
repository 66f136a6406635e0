import * as polyclip from 'polyclip-ts';
import { nearestOnSegment } from '../shared/geo.js';
import { breakIntersections, computeViewport, inPolygon, type Segments } from 'visibility-polygon';
import type { BuildingIndex } from './building-index.js';
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
  /** Buildings that took part (within range). */
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
  /**
   * `convex` (default): a convex sector clips the visibility polygon directly (see `clipByConvex`); `general`: always
   * polyclip-ts's overlay, the way views were computed before (kept as the tests' and the bench's reference).
   */
  overlay?: 'convex' | 'general';
}

/**
 * The ground a camera sees: its view sector (see `effectiveFovDeg` for domes and PTZ) with every building inside the
 * range treated as an opaque wall in 2D, computed in metres around the camera. Occlusion is the visibility polygon
 * (Knoll's O(n log n) angular sweep, the `visibility-polygon` package) over the building edges near the camera,
 * intersected with the sector (polyclip-ts). Heights are not used: a building lower than the camera still hides the
 * ground right behind it, and at street-camera heights (≤ 10 m) the hidden strip is most of what lies behind.
 */
export function viewPolygon(camera: CameraInput, buildings: BuildingIndex, opts: ViewPolygonOptions = {}): ViewPolygon {
  const proj = localProjection(camera.lon, camera.lat, opts.earth);
  const r = camera.rangeM;
  const sector = sectorRing(camera.headingDeg, effectiveFovDeg(camera), r, opts.arcSteps ?? 64);
  const sectorAreaM2 = Math.abs(signedArea(sector));
  const tolerance = opts.mountToleranceM ?? 1;
  const segments: Segments = [];
  let occluders = 0;
  for (const b of buildings.near(camera.lon, camera.lat, r)) {
    const rings = b.polygons.flatMap((poly) => poly.map((ring) => ring.map(([lon, lat]) => proj.toLocal(lon, lat))));
    if (rings.some((ring) => inPolygon([0, 0], ring) || distanceToRing(ring) <= tolerance)) continue;
    occluders++;
    for (const ring of rings) {
      for (let i = 1; i < ring.length; i++) {
        const a = ring[i - 1] as LocalPoint,
          c = ring[i] as LocalPoint;
        if (a[0] !== c[0] || a[1] !== c[1]) segments.push([a, c]);
      }
    }
  }
  let local: polyclip.Geom;
  if (segments.length === 0) {
    local = [[sector]];
  } else {
    const m = r + 1;
    const visible = computeViewport([0, 0], breakIntersections(segments), [-m, -m], [m, m]);
    const ring = visible.map(([x, y]) => [x, y] as [number, number]);
    ring.push(ring[0] ?? [0, 0]);
    // A sector of ≤ 180° (or a full circle) is convex: clip the visibility polygon by it directly; a wider bullet
    // sector is not, and goes through the general overlay.
    if (opts.overlay !== 'general' && (effectiveFovDeg(camera) <= 180 || effectiveFovDeg(camera) >= 360)) {
      const clipped = clipByConvex(ring, sector);
      local = clipped.length > 0 ? [[clipped]] : [];
    } else {
      local = polyclip.intersection([sector], [ring]);
    }
  }
  const multi = (isMulti(local) ? local : [local]) as [number, number][][][];
  let areaM2 = 0;
  for (const poly of multi) poly.forEach((ring, k) => (areaM2 += (k === 0 ? 1 : -1) * Math.abs(signedArea(ring))));
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

/** Distance in metres from the local origin (the camera) to a ring's outline. */
function distanceToRing(ring: readonly LocalPoint[]): number {
  let best = Infinity;
  for (let i = 1; i < ring.length; i++) {
    const [ax, ay] = ring[i - 1] as LocalPoint;
    const [bx, by] = ring[i] as LocalPoint;
    best = Math.min(best, nearestOnSegment(ax, ay, bx, by).distance);
  }
  return best;
}
