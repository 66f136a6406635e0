import { at } from '../shared/checked.js';
import FlatQueue from 'flatqueue';
import type { CameraView } from './road-coverage.js';

/** Anything placement can grow: it tells what a view would add and takes a chosen view. */
export interface MarginalCoverage {
  gainOf(view: CameraView): number;
  setCamera(view: CameraView): void;
}

export interface PlacementStep {
  /** Index into the candidates. */
  candidate: number;
  /** Weighted metres of newly seen road this camera adds, given the ones chosen before it. */
  marginalGain: number;
}

/**
 * Maximal covering by lazy greedy (Minoux 1978; "CELF", Leskovec et al. 2007): coverage is submodular — a camera
 * never adds more once others are placed — so a candidate's last computed gain is an upper bound, and only the top of
 * the queue needs recomputing. Greedy is within 1 − 1/e of the optimum in the worst case and, in practice (and in the
 * tests against the exact optimum), much closer. Commits each chosen view into `coverage`.
 * @param coverage current coverage (existing working cameras already set); mutated: chosen views are added
 * @param candidates views of candidate camera sites and headings; their cameraIds must not clash with existing ones
 * @param k how many cameras to place
 */
export function placeCameras(
  coverage: MarginalCoverage,
  candidates: readonly CameraView[],
  k: number,
  signal?: AbortSignal,
): PlacementStep[] {
  const queue = new FlatQueue<number>();
  const fresh = new Int32Array(candidates.length); // the round in which each bound was last computed
  const bound = new Float64Array(candidates.length);
  // FlatQueue is a min-queue: store negated gains.
  candidates.forEach((c, i) => {
    const b = coverage.gainOf(c);
    bound[i] = b;
    queue.push(i, -b);
  });
  const chosen: PlacementStep[] = [];
  for (let round = 0; round < k && queue.length > 0; ) {
    signal?.throwIfAborted();
    const i = queue.pop();
    if (i === undefined) break;
    const view = at(candidates, i, 'candidate');
    if (fresh[i] === round) {
      // Its gain is current and no other bound is higher: it is the best camera of this round.
      const gain = at(bound, i, 'candidate');
      if (gain <= 0) break;
      coverage.setCamera(view);
      chosen.push({ candidate: i, marginalGain: gain });
      round++;
    } else {
      fresh[i] = round;
      const b = coverage.gainOf(view);
      bound[i] = b;
      queue.push(i, -b);
    }
  }
  return chosen;
}
