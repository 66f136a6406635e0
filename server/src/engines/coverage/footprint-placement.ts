import { at, checkIndexes } from '../shared/checked.js';
import FlatQueue from 'flatqueue';
import type { GroundCoverage } from './ground-coverage.js';
import type { PlaceCoverage } from './place-coverage.js';
import type { CameraView, RoadCoverage } from './road-coverage.js';
import { mergeIntervals, unionLength, type Interval } from './segment-clip.js';

/**
 * What candidate views cover, for many candidates at once, in flat typed arrays (compressed rows, so a set moves
 * between worker threads as a few transferable buffers): per candidate its road segments with the parameter intervals
 * seen on each, the key places it reaches, and (when ground counts) the lattice cells it sees.
 */
export interface FootprintSet {
  count: number;
  /** Candidate c's segment entries are entries candEntry[c] … candEntry[c + 1] − 1. */
  candEntry: Int32Array;
  entrySeg: Int32Array;
  /** Entry e's intervals are entryIv[e] … entryIv[e + 1] − 1 of ivFrom / ivTo. */
  entryIv: Int32Array;
  ivFrom: Float64Array;
  ivTo: Float64Array;
  candPlace: Int32Array;
  places: Int32Array;
  candCell: Int32Array;
  cells: Int32Array;
}

/**
 * Footprints of views against a city's road segments, key places and (optionally) ground lattice: each view is
 * clipped once here, so greedy rounds never clip again.
 */
export function footprintsOf(
  views: readonly CameraView[],
  road: RoadCoverage,
  places: PlaceCoverage,
  ground?: GroundCoverage,
  onEach?: (done: number) => void,
  signal?: AbortSignal,
): FootprintSet {
  const candEntry = [0],
    entrySeg: number[] = [],
    entryIv = [0],
    from: number[] = [],
    to: number[] = [];
  const candPlace = [0],
    placeIds: number[] = [],
    candCell = [0],
    cellIds: number[] = [];
  views.forEach((v, i) => {
    if ((i & 255) === 0) signal?.throwIfAborted();
    for (const [s, ivs] of road.footprint(v)) {
      entrySeg.push(s);
      for (const [a, b] of ivs) {
        from.push(a);
        to.push(b);
      }
      entryIv.push(from.length);
    }
    candEntry.push(entrySeg.length);
    placeIds.push(...places.placesUnder(v));
    candPlace.push(placeIds.length);
    if (ground) for (const c of ground.cellsUnder(v)) cellIds.push(c);
    candCell.push(cellIds.length);
    onEach?.(i + 1);
  });
  return {
    count: views.length,
    candEntry: Int32Array.from(candEntry),
    entrySeg: Int32Array.from(entrySeg),
    entryIv: Int32Array.from(entryIv),
    ivFrom: Float64Array.from(from),
    ivTo: Float64Array.from(to),
    candPlace: Int32Array.from(candPlace),
    places: Int32Array.from(placeIds),
    candCell: Int32Array.from(candCell),
    cells: Int32Array.from(cellIds),
  };
}

/** Footprint sets of consecutive candidate ranges joined into one, in order. */
export function concatFootprints(parts: readonly FootprintSet[]): FootprintSet {
  const sum = (f: (p: FootprintSet) => number) => parts.reduce((s, p) => s + f(p), 0);
  const out: FootprintSet = {
    count: sum((p) => p.count),
    candEntry: new Int32Array(sum((p) => p.count) + 1),
    entrySeg: new Int32Array(sum((p) => p.entrySeg.length)),
    entryIv: new Int32Array(sum((p) => p.entrySeg.length) + 1),
    ivFrom: new Float64Array(sum((p) => p.ivFrom.length)),
    ivTo: new Float64Array(sum((p) => p.ivTo.length)),
    candPlace: new Int32Array(sum((p) => p.count) + 1),
    places: new Int32Array(sum((p) => p.places.length)),
    candCell: new Int32Array(sum((p) => p.count) + 1),
    cells: new Int32Array(sum((p) => p.cells.length)),
  };
  let c = 0,
    e = 0,
    iv = 0,
    pl = 0,
    ce = 0;
  for (const p of parts) {
    for (let i = 1; i <= p.count; i++) {
      out.candEntry[c + i] = e + at(p.candEntry, i);
      out.candPlace[c + i] = pl + at(p.candPlace, i);
      out.candCell[c + i] = ce + at(p.candCell, i);
    }
    for (let j = 1; j < p.entryIv.length; j++) out.entryIv[e + j] = iv + at(p.entryIv, j);
    out.entrySeg.set(p.entrySeg, e);
    out.ivFrom.set(p.ivFrom, iv);
    out.ivTo.set(p.ivTo, iv);
    out.places.set(p.places, pl);
    out.cells.set(p.cells, ce);
    c += p.count;
    e += p.entrySeg.length;
    iv += p.ivFrom.length;
    pl += p.places.length;
    ce += p.cells.length;
  }
  return out;
}

/** The city's coverage now, as greedy needs it: plain arrays, structured-clone-able. */
export interface CoverageState {
  segLengthM: Float64Array;
  segWeight: Float64Array;
  /** 1 for segments in the areas placed in (they count in the added road metres). */
  segInScope: Uint8Array;
  /** Merged seen intervals per segment. */
  segSeen: Interval[][];
  placeWeight: Float64Array;
  placeSeen: Uint8Array;
  placeInScope: Uint8Array;
  groundPerM2: number;
  cellM2: number;
  cellOpen?: Uint8Array;
  cellSeen?: Uint8Array;
}

export interface GreedyStep {
  candidate: number;
  /** Weighted gain (road metres by class, places by weight, ground) given the steps before it. */
  marginalGain: number;
  /** Road metres in scope newly seen. */
  addedRoadMeters: number;
  /** Key places in scope newly seen. */
  addedKeyPlaces: number;
}

/** Every offset and index of `fp` is in range of its own arrays and of `state`'s. */
function checkFootprints(fp: FootprintSet, state: CoverageState): void {
  at(fp.candEntry, fp.count, 'candidate');
  at(fp.candPlace, fp.count, 'candidate');
  at(fp.candCell, fp.count, 'candidate');
  checkIndexes(fp.candEntry, fp.entrySeg.length + 1, 'footprint entry offset');
  checkIndexes(fp.entryIv, Math.min(fp.ivFrom.length, fp.ivTo.length) + 1, 'footprint interval offset');
  at(fp.entryIv, fp.entrySeg.length, 'footprint entry');
  checkIndexes(fp.candPlace, fp.places.length + 1, 'footprint place offset');
  checkIndexes(fp.candCell, fp.cells.length + 1, 'footprint cell offset');
  checkIndexes(fp.entrySeg, Math.min(state.segLengthM.length, state.segWeight.length), 'footprint segment');
  checkIndexes(fp.places, Math.min(state.placeWeight.length, state.placeSeen.length), 'footprint place');
  if (state.cellOpen && state.cellSeen) {
    checkIndexes(fp.cells, Math.min(state.cellOpen.length, state.cellSeen.length), 'footprint cell');
  }
}

/**
 * Lazy greedy maximal covering (as `placeCameras`: a candidate's last gain bounds its gain now, so only the top of the
 * queue is recomputed) over precomputed footprints. A gain is the same sum, term by term and in the same order, as
 * `CoverageModel.gainOf` on the view, so the picks are those of `placeCameras` on the model; what is cheaper is that
 * no view is clipped twice. `state` is mutated (chosen cameras are committed into it).
 */
export function greedyOverFootprints(
  fp: FootprintSet,
  state: CoverageState,
  k: number,
  opts: { signal?: AbortSignal; onRound?: (round: number, evaluations: number) => void } = {},
): GreedyStep[] {
  // gainOf and commit are the hot loop (every candidate, every stale round) and read unchecked (`?? 0` never taken):
  // the CSR offsets and indexes are footprintsOf()'s, and are checked here once against `state` (O(entries)), so a
  // footprint set of another city or scope fails here, naming the index, instead of scoring plausible zeros.
  checkFootprints(fp, state);
  const gainOf = (c: number): number => {
    let road = 0;
    for (let e = fp.candEntry[c] ?? 0, e1 = fp.candEntry[c + 1] ?? 0; e < e1; e++) {
      const s = fp.entrySeg[e] ?? 0,
        len = state.segLengthM[s] ?? 0;
      const seen = state.segSeen[s] ?? [];
      const mine: Interval[] = [];
      for (let j = fp.entryIv[e] ?? 0, j1 = fp.entryIv[e + 1] ?? 0; j < j1; j++)
        mine.push([fp.ivFrom[j] ?? 0, fp.ivTo[j] ?? 0]);
      const before = unionLength(seen) * len;
      const after = unionLength([...seen, ...mine]) * len;
      road += (state.segWeight[s] ?? 0) * (after - before);
    }
    let place = 0;
    for (let j = fp.candPlace[c] ?? 0, j1 = fp.candPlace[c + 1] ?? 0; j < j1; j++) {
      const p = fp.places[j] ?? 0;
      if (!state.placeSeen[p]) place += state.placeWeight[p] ?? 0;
    }
    let gain = road + place;
    if (state.groundPerM2 && state.cellOpen && state.cellSeen) {
      let n = 0;
      for (let j = fp.candCell[c] ?? 0, j1 = fp.candCell[c + 1] ?? 0; j < j1; j++) {
        const cell = fp.cells[j] ?? 0;
        if (state.cellOpen[cell] && !state.cellSeen[cell]) n++;
      }
      gain += state.groundPerM2 * (n * state.cellM2);
    }
    return gain;
  };
  const commit = (c: number): { roadM: number; places: number } => {
    let roadM = 0,
      places = 0;
    for (let e = fp.candEntry[c] ?? 0, e1 = fp.candEntry[c + 1] ?? 0; e < e1; e++) {
      const s = fp.entrySeg[e] ?? 0,
        len = state.segLengthM[s] ?? 0;
      const seen = state.segSeen[s] ?? [];
      const mine: Interval[] = [];
      for (let j = fp.entryIv[e] ?? 0, j1 = fp.entryIv[e + 1] ?? 0; j < j1; j++)
        mine.push([fp.ivFrom[j] ?? 0, fp.ivTo[j] ?? 0]);
      const merged = mergeIntervals([...seen, ...mine]);
      if (state.segInScope[s]) roadM += (unionLength(merged) - unionLength(seen)) * len;
      state.segSeen[s] = merged;
    }
    for (let j = fp.candPlace[c] ?? 0, j1 = fp.candPlace[c + 1] ?? 0; j < j1; j++) {
      const p = fp.places[j] ?? 0;
      if (!state.placeSeen[p] && state.placeInScope[p]) places++;
      state.placeSeen[p] = 1;
    }
    if (state.cellSeen)
      for (let j = fp.candCell[c] ?? 0, j1 = fp.candCell[c + 1] ?? 0; j < j1; j++) state.cellSeen[fp.cells[j] ?? 0] = 1;
    return { roadM, places };
  };

  const queue = new FlatQueue<number>();
  const fresh = new Int32Array(fp.count);
  const bound = new Float64Array(fp.count);
  let evaluations = 0;
  for (let i = 0; i < fp.count; i++) {
    if ((i & 1023) === 0) opts.signal?.throwIfAborted();
    const b = gainOf(i);
    bound[i] = b;
    evaluations++;
    queue.push(i, -b);
  }
  const chosen: GreedyStep[] = [];
  for (let round = 0; round < k && queue.length > 0; ) {
    if ((evaluations & 255) === 0) opts.signal?.throwIfAborted();
    const i = queue.pop();
    if (i === undefined) break;
    if (fresh[i] === round) {
      const gain = at(bound, i, 'candidate');
      if (gain <= 0) break;
      const added = commit(i);
      chosen.push({ candidate: i, marginalGain: gain, addedRoadMeters: added.roadM, addedKeyPlaces: added.places });
      round++;
      opts.onRound?.(round, evaluations);
    } else {
      fresh[i] = round;
      const b = gainOf(i);
      bound[i] = b;
      evaluations++;
      queue.push(i, -b);
    }
  }
  return chosen;
}
