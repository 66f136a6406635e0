import * as polyclip from 'polyclip-ts';
import { breakIntersections, computeViewport, inPolygon, type Segments } from 'visibility-polygon';
import {
  effectiveFovDeg,
  localProjection,
  sectorRing,
  signedArea,
  type BuildingIndex,
  type CameraInput,
  type LocalPoint,
  type ViewPolygon,
} from '../../src/engines/coverage/index.js';
import { nearestOnSegment } from '../../src/engines/shared/geo.js';

/**
 * A camera's occluded view the way it was computed before the views were sped up (kept here as the reference of the
 * tests and the bench, not in src): every edge of every building within the range circle's box into the visibility
 * sweep over the whole ±(range + 1 m) box, then polyclip-ts's general intersection with the sector.
 */
export function referenceView(camera: CameraInput, buildings: BuildingIndex, arcSteps = 64): ViewPolygon {
  const proj = localProjection(camera.lon, camera.lat);
  const r = camera.rangeM;
  const sector = sectorRing(camera.headingDeg, effectiveFovDeg(camera), r, arcSteps);
  const sectorAreaM2 = Math.abs(signedArea(sector));
  const segments: Segments = [];
  let occluders = 0;
  for (const b of buildings.near(camera.lon, camera.lat, r)) {
    const rings = b.polygons.flatMap((poly) => poly.map((ring) => ring.map(([lon, lat]) => proj.toLocal(lon, lat))));
    if (rings.some((ring) => inPolygon([0, 0], ring) || distanceToRing(ring) <= 1)) continue;
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
    local = polyclip.intersection([sector], [ring]);
  }
  const first = local[0]?.[0]?.[0];
  const multi = (Array.isArray(first) ? local : [local]) as [number, number][][][];
  let areaM2 = 0;
  for (const poly of multi) {
    poly.forEach((ring, k) => {
      areaM2 += (k === 0 ? 1 : -1) * Math.abs(signedArea(ring));
    });
  }
  return {
    cameraId: camera.id,
    coordinates: multi.map((poly) => poly.map((ring) => ring.map((p) => proj.toLonLat(p)))),
    areaM2,
    sectorAreaM2,
    occluders,
  };
}

function distanceToRing(ring: readonly LocalPoint[]): number {
  let best = Infinity;
  for (let i = 1; i < ring.length; i++) {
    const [ax, ay] = ring[i - 1] as LocalPoint;
    const [bx, by] = ring[i] as LocalPoint;
    best = Math.min(best, nearestOnSegment(ax, ay, bx, by).distance);
  }
  return best;
}

/** Area in m² of the symmetric difference of two views of one camera, in its local metres (polyclip-ts xor). */
export function symmetricDifferenceM2(
  camera: Pick<CameraInput, 'lon' | 'lat'>,
  a: Pick<ViewPolygon, 'coordinates'>,
  b: Pick<ViewPolygon, 'coordinates'>,
): number {
  const proj = localProjection(camera.lon, camera.lat);
  const local = (v: Pick<ViewPolygon, 'coordinates'>) =>
    v.coordinates.map((p) => p.map((ring) => ring.map(([x, y]) => proj.toLocal(x, y)))) as polyclip.Geom;
  const xor = polyclip.xor(local(a), local(b)) as [number, number][][][];
  let area = 0;
  for (const poly of xor) {
    poly.forEach((ring, k) => {
      area += (k === 0 ? 1 : -1) * Math.abs(signedArea(ring));
    });
  }
  return area;
}
