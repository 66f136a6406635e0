import type { CameraInput } from './camera-view.js';
import { bandRingM, DORI_BANDS, type DoriBand, type DoriDistances } from './dori.js';
import { localProjection, signedArea, type LocalPoint } from './local-projection.js';
import type { CameraView } from './road-coverage.js';

/** One band of one camera's occluded view: the view ∩ the ring [innerM, outerM] around the camera. */
export interface BandPolygon {
  cameraId: number;
  band: DoriBand;
  innerM: number;
  outerM: number;
  /** [lon, lat] MultiPolygon coordinates (empty when the band is). */
  coordinates: [number, number][][][];
  areaM2: number;
}

export interface BandOptions {
  /** Angle between vertices of the arcs the rings add, degrees (default 2: chord area error < 0.02 %). */
  arcStepDeg?: number;
}

type Ring = LocalPoint[];
interface Piece {
  a: LocalPoint;
  b: LocalPoint;
  inside: boolean;
}

const TAU = 2 * Math.PI;
const angleOf = (p: LocalPoint) => Math.atan2(p[1], p[0]);
const len = (p: LocalPoint) => Math.hypot(p[0], p[1]);

/**
 * A ring's edges cut where they cross the circle of radius r around the origin, each piece marked inside or outside
 * by its midpoint.
 */
function cutAtCircle(ring: Ring, r: number): Piece[] {
  const out: Piece[] = [];
  for (let i = 1; i < ring.length; i++) {
    const a = ring[i - 1] as LocalPoint,
      b = ring[i] as LocalPoint;
    const dx = b[0] - a[0],
      dy = b[1] - a[1];
    // |a + t·d|² = r²: t² (d·d) + 2t (a·d) + a·a − r² = 0.
    const A = dx * dx + dy * dy;
    if (A === 0) continue;
    const B = a[0] * dx + a[1] * dy,
      C = a[0] * a[0] + a[1] * a[1] - r * r;
    const disc = B * B - A * C;
    const ts: number[] = [];
    if (disc > 0) {
      const s = Math.sqrt(disc);
      for (const t of [(-B - s) / A, (-B + s) / A]) if (t > 1e-12 && t < 1 - 1e-12) ts.push(t);
    }
    let prev = a;
    for (const t of [...ts, 1]) {
      const p: LocalPoint = t === 1 ? b : [a[0] + t * dx, a[1] + t * dy];
      const mid: LocalPoint = [(prev[0] + p[0]) / 2, (prev[1] + p[1]) / 2];
      out.push({ a: prev, b: p, inside: len(mid) <= r });
      prev = p;
    }
  }
  return out;
}

/** Arc vertices of radius r strictly between angles from and from + sweep (sweep signed: > 0 counter-clockwise). */
function arc(r: number, from: number, sweep: number, step: number): LocalPoint[] {
  const n = Math.ceil(Math.abs(sweep) / step);
  const pts: LocalPoint[] = [];
  for (let k = 1; k < n; k++) {
    const a = from + (sweep * k) / n;
    pts.push([r * Math.cos(a), r * Math.sin(a)]);
  }
  return pts;
}

const ccwSweep = (from: number, to: number) => {
  const d = (((to - from) % TAU) + TAU) % TAU;
  // The same angle reached again after a radial edge: no arc, not a full turn.
  return d > TAU - 1e-9 ? 0 : d;
};

function circle(r: number, step: number): Ring {
  const pts = [[r, 0] as LocalPoint, ...arc(r, 0, TAU, step)];
  pts.push([r, 0]);
  return pts;
}

/**
 * A counter-clockwise ring that is star-shaped about the origin (every view is: it is what the camera at the origin
 * sees) intersected with the disc of radius r. Along each bearing the boundary is at min(ρ(θ), r), so every stretch of
 * the boundary outside the disc is replaced by the arc between where it leaves and where it comes back.
 */
export function clipToDisc(ring: Ring, r: number, step: number): Ring | null {
  if (ring.every((p) => len(p) <= r)) return ring;
  const pieces = cutAtCircle(ring, r);
  const first = pieces.findIndex((p) => p.inside);
  // No boundary inside: the origin is inside the view (a dome's full circle reaching past r everywhere).
  if (first < 0) return circle(r, step);
  const out: Ring = [];
  let leftAt: LocalPoint | null = null;
  for (let k = 0; k < pieces.length; k++) {
    const p = pieces[(first + k) % pieces.length] as Piece;
    if (p.inside) {
      if (leftAt) {
        out.push(leftAt, ...arc(r, angleOf(leftAt), ccwSweep(angleOf(leftAt), angleOf(p.a)), step));
        leftAt = null;
      }
      out.push(p.a);
    } else if (!leftAt) leftAt = p.a;
  }
  if (leftAt) {
    const back = (pieces[first] as Piece).a;
    out.push(leftAt, ...arc(r, angleOf(leftAt), ccwSweep(angleOf(leftAt), angleOf(back)), step));
  }
  out.push(out[0] as LocalPoint);
  return out.length >= 4 ? out : null;
}

/**
 * A star-shaped counter-clockwise ring minus the disc of radius r: one polygon per bearing interval where the view
 * reaches past r (its boundary out there, closed by the arc of radius r back, clockwise), or the ring with a circular
 * hole when it reaches past r on every bearing.
 */
export function cutOutDisc(ring: Ring, r: number, step: number): Ring[][] {
  if (r <= 0) return [[ring]];
  const pieces = cutAtCircle(ring, r);
  const firstIn = pieces.findIndex((p) => p.inside);
  if (firstIn < 0) {
    const hole = circle(r, step).reverse();
    return [[ring, hole]];
  }
  const polys: Ring[][] = [];
  let run: Ring | null = null;
  const close = (run: Ring, end: LocalPoint) => {
    const start = run[0] as LocalPoint;
    run.push(end, ...arc(r, angleOf(end), -ccwSweep(angleOf(start), angleOf(end)), step), start);
    if (run.length >= 4) polys.push([run]);
  };
  for (let k = 1; k <= pieces.length; k++) {
    const p = pieces[(firstIn + k) % pieces.length] as Piece;
    if (!p.inside) {
      if (!run) run = [p.a];
      else run.push(p.a);
    } else if (run) {
      close(run, p.a);
      run = null;
    }
  }
  return polys;
}

const ringArea = (polys: Ring[][]) =>
  polys.reduce((s, poly) => s + poly.reduce((t, ring, k) => t + (k === 0 ? 1 : -1) * Math.abs(signedArea(ring)), 0), 0);

/** The part of a view between innerM and outerM from the camera, in local metres. */
function ringOfView(local: Ring[], innerM: number, outerM: number, step: number): Ring[][] {
  if (outerM <= innerM) return [];
  const out: Ring[][] = [];
  for (const ring of local) {
    const q = clipToDisc(ring, outerM, step);
    if (q) out.push(...cutOutDisc(q, innerM, step));
  }
  return out;
}

/**
 * Splits a camera's occluded view (from `viewPolygon`) into its DORI bands, each the view ∩ the band's ring
 * (see `bandRingM`); with `cumulative`, each band is "at least this good" (from the blind zone out to its edge).
 */
export function viewBands(
  camera: Pick<CameraInput, 'id' | 'lon' | 'lat'>,
  view: CameraView,
  distances: DoriDistances,
  opts: BandOptions & { cumulative?: boolean; bands?: readonly DoriBand[] } = {},
): BandPolygon[] {
  const proj = localProjection(camera.lon, camera.lat);
  const step = ((opts.arcStepDeg ?? 2) * Math.PI) / 180;
  // Outer rings only: a view is star-shaped about its camera, so it has no holes.
  const local = view.coordinates.map((poly) => toCcw((poly[0] ?? []).map(([x, y]) => proj.toLocal(x, y))));
  return (opts.bands ?? DORI_BANDS).map((band) => {
    const [innerM, outerM] = bandRingM(distances, band, opts.cumulative);
    const polys = ringOfView(local, innerM, outerM, step);
    return {
      cameraId: view.cameraId,
      band,
      innerM,
      outerM,
      coordinates: polys.map((poly) => poly.map((ring) => ring.map((p) => proj.toLonLat(p)))),
      areaM2: ringArea(polys),
    };
  });
}

function toCcw(ring: Ring): Ring {
  return signedArea(ring) < 0 ? [...ring].reverse() : ring;
}

/** A band polygon as a view the road and place coverage engines take (its camera's id). */
export const bandAsView = (b: BandPolygon): CameraView => ({ cameraId: b.cameraId, coordinates: b.coordinates });
