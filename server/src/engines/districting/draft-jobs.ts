import { at } from '../shared/checked.js';
import { autoDistrict, scoreAssignment, type DistrictPlan } from './auto-district.js';
import { gridGraph, isContiguous, type GridAdjacency, type GridGraph, type GridUnit } from './grid-graph.js';
import type { ObjectiveWeights, PlanInputs } from './plan-state.js';
import { draftPlan, type DraftProgress, type DraftResult } from './plan-search.js';
import type { Balance } from './scores.js';

/**
 * The districting runs a job hands a worker thread: plain, structured-cloneable inputs (read from the database on the
 * main thread), plain outputs (written there). No database, no globals.
 */

/** Everything the whole-scorecard engine needs for a station's draft. */
export interface DraftJobInput {
  units: GridUnit[];
  adjacency: GridAdjacency[];
  beatCodes: string[];
  current: number[];
  lockedBeats: number[];
  inputs: PlanInputs;
  beats: number;
  loadWeights: Record<string, number>;
  tolerance: number;
  objective: Partial<ObjectiveWeights>;
  recom: false | { cycles?: number; proposals?: number; regionAware?: boolean; seed?: number } | undefined;
}

export interface DraftJobResult {
  /** Grid code → drafted beat code (each drafted beat named after the current beat it shares most grids with). */
  assignment: [string, string][];
  engine: Omit<DraftResult, 'assignment'>;
}

/**
 * Names drafted beats after the current beat each shares most grids with (locked beats keep theirs); a drafted beat
 * that shares no grid with a free code still takes one, so the station keeps its beat codes.
 */
export function nameBeats(
  draft: readonly number[],
  current: readonly number[],
  k: number,
  codes: readonly string[],
  locked: readonly string[],
): (string | undefined)[] {
  const names: (string | undefined)[] = Array.from({ length: k }, (_, b) => locked[b]);
  const taken = new Set(locked);
  const pairs: { b: number; c: number; n: number }[] = [];
  for (let b = locked.length; b < k; b++) {
    for (let c = 0; c < codes.length; c++) {
      const n = draft.filter((a, i) => a === b && current[i] === c).length;
      if (n > 0) pairs.push({ b, c, n });
    }
  }
  pairs.sort((x, y) => y.n - x.n);
  for (const { b, c } of pairs) {
    const code = codes[c];
    if (names[b] !== undefined || code === undefined || taken.has(code)) continue;
    names[b] = code;
    taken.add(code);
  }
  const free = codes.filter((c) => !taken.has(c));
  for (let b = 0; b < k; b++) if (names[b] === undefined) names[b] = free.shift();
  return names;
}

/** Runs the whole-scorecard engine on the plain input (in a worker or in-process). */
export function runDraft(
  job: DraftJobInput,
  signal?: AbortSignal,
  onProgress?: (p: DraftProgress) => void,
): DraftJobResult {
  const g = gridGraph(job.units, job.adjacency);
  const sameCount = job.beats === job.beatCodes.length && job.current.every((b) => b >= 0);
  const result = draftPlan(g, {
    beats: job.beats,
    weights: job.loadWeights,
    tolerance: job.tolerance,
    objective: job.objective,
    inputs: job.inputs,
    ...(sameCount ? { current: job.current } : {}),
    ...(job.lockedBeats.length ? { lockedBeats: job.lockedBeats } : {}),
    ...(job.recom === undefined ? {} : { recom: job.recom }),
    ...(signal ? { signal } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
  // Locked beats keep their index (the current plan's), so their codes; the others take the code they share most grids with.
  const locked = job.lockedBeats.map((b) => job.beatCodes[b] as string);
  const order = [
    ...job.lockedBeats,
    ...Array.from({ length: job.beats }, (_, b) => b).filter((b) => !job.lockedBeats.includes(b)),
  ];
  const remapped = result.assignment.map((b) => order.indexOf(b));
  const names = nameBeats(remapped, job.current, job.beats, job.beatCodes, locked);
  const { assignment, ...engine } = result;
  void assignment;
  return {
    assignment: job.units.map((u, i) => [u.id, names[at(remapped, i)] ?? `new-${at(remapped, i) + 1}`]),
    engine,
  };
}

/** A region-growing + tabu draft of a station's beats (the planning preview), and the plan in force on the same objective. */
export interface DistrictJobInput {
  units: GridUnit[];
  adjacency: GridAdjacency[];
  /** The station's beat codes (current index = position). */
  codes: string[];
  /** Current beat index per grid (−1: in none). */
  currentAssignment: number[];
  beats: number;
  weights: Record<string, number>;
  tolerance: number;
  compactnessWeight?: number;
  /** Beat codes kept as they are, in seed order. */
  lockedBeats: string[];
  /** Current beat code per grid id. */
  beatOf: [string, string][];
}

export interface DistrictJobResult {
  plan: DistrictPlan;
  current: { objective: number; balance: Balance; withinTolerance: boolean };
  /** Per drafted beat: its code, its grid ids (sorted), whether it is contiguous. */
  beats: { code: string; gridCodes: string[]; contiguous: boolean }[];
}

/** Seeds for the beats after the locked ones: grids far from those chosen (engine picks when none are locked). */
function completeSeeds(g: GridGraph, seeds: readonly string[], k: number): string[] {
  const out = [...seeds];
  for (const u of g.units) {
    if (out.length >= k) break;
    if (!out.includes(u.id)) out.push(u.id);
  }
  return out;
}

/** Runs the preview districting. Locked beats unknown among the grids are the caller's to refuse before. */
export function runDistrict(job: DistrictJobInput, signal?: AbortSignal): DistrictJobResult {
  const g = gridGraph(job.units, job.adjacency);
  const beatOf = new Map(job.beatOf);
  const k = job.beats;
  const cw = job.compactnessWeight === undefined ? {} : { compactnessWeight: job.compactnessWeight };
  const current = scoreAssignment(g, job.currentAssignment, job.codes.length, {
    weights: job.weights,
    tolerance: job.tolerance,
    ...cw,
  });
  const locked = new Map<string, number>();
  const seeds: string[] = [];
  job.lockedBeats.forEach((code, b) => {
    const own = job.units.filter((u) => beatOf.get(u.id) === code).map((u) => u.id);
    for (const id of own) locked.set(id, b);
    if (own[0] !== undefined) seeds.push(own[0]);
  });
  const plan = autoDistrict(g, {
    beats: k,
    weights: job.weights,
    tolerance: job.tolerance,
    ...cw,
    // Same number of beats and every grid in one: the search also starts from the plan in force.
    ...(k === job.codes.length && locked.size === 0 && job.currentAssignment.every((a) => a >= 0)
      ? { current: job.currentAssignment }
      : {}),
    ...(locked.size ? { locked, seeds: completeSeeds(g, seeds, k) } : {}),
    ...(signal ? { signal } : {}),
  });
  const names = nameBeats(plan.assignment, job.currentAssignment, k, job.codes, job.lockedBeats);
  return {
    plan,
    current: { objective: current.objective, balance: current.balance, withinTolerance: current.withinTolerance },
    beats: Array.from({ length: k }, (_, b) => {
      const members = new Set(plan.assignment.flatMap((a, i) => (a === b ? [i] : [])));
      return {
        code: names[b] ?? `new-${b + 1}`,
        gridCodes: [...members].map((i) => job.units[i]?.id ?? '').sort(),
        contiguous: isContiguous(g, members),
      };
    }),
  };
}
