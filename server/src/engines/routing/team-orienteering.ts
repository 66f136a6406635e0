import { at } from '../shared/checked.js';
import { Tour, type TourModel } from './orienteering.js';
import { TourSearch } from './tour-search.js';

/**
 * The team orienteering problem (Chao, Golden & Wasil 1996): `tours` units leave one start and reach one end, each
 * within the same time limit, and no stop is scored twice; most prize wins. The same search as a patrol (tour-search.ts)
 * over several tours at once, with relocation between them.
 */
export interface TeamProblem {
  /** Travel seconds [from][to] over places: 0 the start, i + 1 stop i, `endPlace` the end (0 when back to the start). */
  seconds: readonly Float64Array[];
  endPlace: number;
  tours: number;
  limitSeconds: number;
  prize: readonly number[];
  dwellSeconds?: readonly number[];
}

export interface TeamPlan {
  /** Stop indices of each tour, in order. */
  tours: number[][];
  prize: number;
  seconds: number[];
}

export interface TeamOptions {
  /** Shakes at most and in a row without improvement (defaults 2,000 and 400), and a time budget (default 5,000 ms). */
  iterations?: number;
  stale?: number;
  searchMs?: number;
  signal?: AbortSignal;
}

export function planTeam(p: TeamProblem, opts: TeamOptions = {}): TeamPlan {
  const n = p.prize.length;
  const model: TourModel = {
    seconds: p.seconds,
    endPlace: p.endPlace,
    limitSeconds: p.limitSeconds,
    dwellSeconds: Float64Array.from({ length: n }, (_, i) => p.dwellSeconds?.[i] ?? 0),
    prizeAt: (i) => at(p.prize, i, 'place'),
    staticPrize: Float64Array.from(p.prize),
    bonus: new Float64Array(n),
    windowOpen: new Float64Array(n).fill(-Infinity),
    windowClose: new Float64Array(n).fill(Infinity),
    group: new Int32Array(n).fill(-1),
    maxGapSeconds: new Float64Array(n).fill(Infinity),
    optional: new Uint8Array(n).fill(1),
  };
  const search = new TourSearch(
    model,
    Array.from({ length: p.tours }, () => new Tour(model, [])),
  );
  search.iterate({
    iterations: opts.iterations ?? 2000,
    stale: opts.stale ?? 400,
    deadlineMs: performance.now() + (opts.searchMs ?? 5000),
    shake: 'random',
    seed: 20261202,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const tours = search.tours.map((t) => [...t.seq]);
  return {
    tours,
    prize: search.tours.reduce((s, t) => s + t.walk.prize, 0),
    seconds: search.tours.map((t) => t.walk.seconds),
  };
}
