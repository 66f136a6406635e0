import { bandAsView, type BandPolygon } from './bands.js';
import { DORI_BANDS, type DoriBand } from './dori.js';
import { PlaceCoverage, type KeyPlaceInput } from './place-coverage.js';
import { placeCameras, type PlacementStep } from './placement.js';
import type { CameraView } from './road-coverage.js';
import type { CameraInput } from './camera-view.js';
import { bandRingM, doriDistances, type CameraOptics } from './dori.js';
import { metersPerDegree } from '../shared/geo.js';

/** A point that must be seen at a band (a school gate at identify, a bank entrance at identify, …), with a weight. */
export interface BandTarget {
  place: KeyPlaceInput;
  band: DoriBand;
  weight?: number;
}

/**
 * Which targets each candidate camera would see at the band each needs: a target is covered when the candidate's
 * cumulative polygon of that band (see `viewBands` with `cumulative`) comes within `pointRadiusM` of it.
 * @param candidates per candidate, its cumulative band polygons
 */
export function bandFootprints(
  targets: readonly BandTarget[],
  candidates: readonly (readonly BandPolygon[])[],
  pointRadiusM = 3,
): number[][] {
  const perBand = new Map<DoriBand, { cov: PlaceCoverage; index: number[] }>();
  for (const b of DORI_BANDS) {
    const index = targets.flatMap((t, i) => (t.band === b ? [i] : []));
    perBand.set(b, {
      cov: new PlaceCoverage(
        index.map((i) => (targets[i] as BandTarget).place),
        { pointRadiusM },
      ),
      index,
    });
  }
  return candidates.map((bands) => {
    const out: number[] = [];
    for (const [b, { cov, index }] of perBand) {
      const poly = bands.find((p) => p.band === b);
      if (!poly || poly.coordinates.length === 0 || index.length === 0) continue;
      for (const k of cov.placesUnder(bandAsView(poly))) out.push(index[k] as number);
    }
    return out.sort((x, y) => x - y);
  });
}

/**
 * "Place k cameras so every school gate is seen at identify" (any band/target mix): lazy greedy maximal covering of
 * the targets' weights over the candidates' footprints, targets already covered (by existing cameras) not counting.
 */
export function placeForBands(
  targets: readonly BandTarget[],
  footprints: readonly (readonly number[])[],
  k: number,
  alreadyCovered: ReadonlySet<number> = new Set(),
): { steps: PlacementStep[]; covered: Set<number> } {
  const covered = new Set(alreadyCovered);
  const weight = (i: number) => targets[i]?.weight ?? 1;
  // The greedy works on views; here a view is only its candidate's index, its footprint is looked up.
  const views: CameraView[] = footprints.map((_, i) => ({ cameraId: i, coordinates: [] }));
  const steps = placeCameras(
    {
      gainOf: (v) => (footprints[v.cameraId] ?? []).reduce((s, t) => s + (covered.has(t) ? 0 : weight(t)), 0),
      setCamera: (v) => {
        for (const t of footprints[v.cameraId] ?? []) covered.add(t);
      },
    },
    views,
    k,
  );
  return { steps, covered };
}

/** The camera a placement would mount: its optics (resolution, lens, height, tilt) are the same at every site. */
export type CandidateOptics = CameraOptics & Pick<CameraInput, 'cameraType'>;

/** Where a target is looked at from: its point, or the first vertex of its grounds (a gate is usually on the outline). */
export function targetAnchor(t: BandTarget): [number, number] {
  const g = t.place.geometry;
  if (g.type === 'Point') return [g.coordinates[0], g.coordinates[1]];
  const first = g.coordinates[0]?.[0]?.[0];
  if (!first) throw new Error(`key place ${t.place.id} has an empty outline`);
  return [first[0], first[1]];
}

/**
 * Candidate sites for quality placement, around each target rather than along the roads: a target needs a camera
 * within the band's reach (about 7 m for identify with a 1080p 60° lens), far closer than road candidates are spaced.
 * Per target, rings at `fractions` of the distance between the near blind zone and the outer edge of its band, each at
 * `bearings` evenly spread bearings, the camera looking back at the target. Ids are negative from `firstId` down.
 */
export function targetCandidates(
  targets: readonly BandTarget[],
  optics: CandidateOptics,
  opts: { bearings?: number; fractions?: readonly number[]; firstId?: number } = {},
): CameraInput[] {
  const bearings = opts.bearings ?? 8;
  const fractions = opts.fractions ?? [0.35, 0.65, 0.9];
  const d = doriDistances(optics);
  const out: CameraInput[] = [];
  const seen = new Set<string>();
  let id = opts.firstId ?? -1;
  for (const t of targets) {
    const [inner, outer] = bandRingM(d, t.band, true);
    if (outer <= inner) continue; // this camera cannot see the band at all
    const [lon0, lat0] = targetAnchor(t);
    const m = metersPerDegree(lat0);
    for (const f of fractions) {
      const r = inner + f * (outer - inner);
      for (let b = 0; b < bearings; b++) {
        const a = (2 * Math.PI * b) / bearings;
        const lon = lon0 + (r * Math.sin(a)) / m.lon;
        const lat = lat0 + (r * Math.cos(a)) / m.lat;
        const key = `${lon.toFixed(6)},${lat.toFixed(6)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        // Looking back at the target: the bearing from the site to it is the site's bearing from it plus 180°.
        const headingDeg = ((b * 360) / bearings + 180) % 360;
        out.push({
          id: id--,
          lon,
          lat,
          headingDeg,
          fovDeg: optics.fovDeg,
          rangeM: optics.rangeM,
          heightM: optics.heightM,
          cameraType: optics.cameraType,
          status: 'working',
          networked: true,
        });
      }
    }
  }
  return out;
}
