import { bandAsView, type BandPolygon } from './bands.js';
import { DORI_BANDS, type DoriBand } from './dori.js';
import { PlaceCoverage, type KeyPlaceInput } from './place-coverage.js';
import { placeCameras, type PlacementStep } from './placement.js';
import type { CameraView } from './road-coverage.js';

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
