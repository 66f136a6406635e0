import type { Geometry } from 'geojson';
import type { Db, Queryable } from '../db/client.js';
import {
  beatShapes,
  gridBeatOverlaps,
  measureShapes,
  stationGridGraph,
  unionOfGrids,
  type BeatMeasures,
} from '../db/repos/beat-workload.repo.js';
import { setBeatsFromGrids } from '../db/repos/area-edits.repo.js';
import { beatsOfGrids, groundLeftOut } from '../db/repos/beat-fence.repo.js';
import { DEFAULT_SLIVER_M2, problemFeatures } from '../db/repos/topology.repo.js';
import { balanceOf, type Balance } from '../engines/districting/index.js';
import { nameBeats } from '../engines/districting/draft-jobs.js';
import { inProcess, type TaskRunner } from '../jobs/runner.js';
import type { RunOptions } from '../jobs/pool.js';
import { UnprocessableError } from '../errors.js';
import type { SignedInUser } from './auth.service.js';
import { assertBeatsInScope } from './scope.service.js';

/** Weights of incident categories in the workload; unlisted categories weigh `default` (1). */
export type CategoryWeights = Readonly<Record<string, number>>;

export interface BeatWorkload extends BeatMeasures {
  /** Σ weight(category) × incidents of the last 365 days. */
  weightedIncidents: number;
  /** 4πA / P² (1 for a circle). */
  polsbyPopper: number;
  /** Area / area of the convex hull. */
  convexHullRatio: number;
  contiguous: boolean;
}

const MEASURES = ['weightedIncidents', 'population', 'households', 'roadM', 'areaM2', 'keyPlaces', 'cameras'] as const;
type Measure = (typeof MEASURES)[number];

function withScores(m: BeatMeasures, weights: CategoryWeights): BeatWorkload {
  const weightedIncidents = Object.entries(m.incidentsByCategory).reduce(
    (s, [c, n]) => s + (weights[c] ?? weights.default ?? 1) * n,
    0,
  );
  return {
    ...m,
    weightedIncidents,
    polsbyPopper: m.perimeterM > 0 ? (4 * Math.PI * m.areaM2) / m.perimeterM ** 2 : 0,
    convexHullRatio: m.convexHullM2 > 0 ? m.areaM2 / m.convexHullM2 : 0,
    contiguous: m.parts === 1,
  };
}

/** Balance of each measure over a set of beats: max/mean and coefficient of variation. */
function balances(beats: readonly BeatWorkload[]): Balance[] {
  return MEASURES.map((k: Measure) =>
    balanceOf(
      k,
      beats.map((b) => b[k]),
    ),
  );
}

export interface WorkloadAnswer {
  beats: BeatWorkload[];
  /** Per station (and `all`): balance of each measure across its beats. */
  balance: { stationId: number | 'all'; beats: number; measures: Balance[] }[];
  note: string;
}

/** Workload per beat and balance per station, with compactness and contiguity, as a territory designer reads them. */
export async function beatWorkload(
  db: Db,
  opts: { stationId?: number; weights?: CategoryWeights } = {},
): Promise<WorkloadAnswer> {
  const shapes = await beatShapes(db, opts.stationId);
  const beats = (await measureShapes(db, shapes)).map((m) => withScores(m, opts.weights ?? {}));
  const stations = [...new Set(beats.map((b) => b.stationId ?? 0))].sort((a, b) => a - b);
  return {
    beats,
    balance: [
      ...stations.map((s) => {
        const of = beats.filter((b) => (b.stationId ?? 0) === s);
        return { stationId: s, beats: of.length, measures: balances(of) };
      }),
      { stationId: 'all' as const, beats: beats.length, measures: balances(beats) },
    ],
    note: 'farthestStraightM is the straight line from the station to the farthest point of the beat, not travel time',
  };
}

export interface CutGrid {
  gridCode: string;
  gridM2: number;
  /** The beats the grid lies in, largest share first. */
  beats: { beatCode: string; m2: number; share: number; households: number; incidents: number }[];
}

/** Grids cut by a beat boundary (网格+警格: a beat should be whole grids), with how much lies in each beat. */
export async function nestingCheck(
  db: Db,
  opts: { stationId?: number; sliverM2?: number } = {},
): Promise<{ grids: number; cut: CutGrid[] }> {
  const sliver = opts.sliverM2 ?? DEFAULT_SLIVER_M2;
  const rows = (await gridBeatOverlaps(db, opts.stationId)).filter((r) => r.m2 > sliver);
  const byGrid = new Map<string, typeof rows>();
  for (const r of rows) byGrid.set(r.gridCode, [...(byGrid.get(r.gridCode) ?? []), r]);
  const cut: CutGrid[] = [];
  for (const [gridCode, parts] of byGrid) {
    if (parts.length < 2) continue;
    const gridM2 = parts[0]?.gridM2 ?? 0;
    cut.push({
      gridCode,
      gridM2,
      beats: parts
        .map((p) => ({
          beatCode: p.beatCode,
          m2: p.m2,
          share: gridM2 > 0 ? p.m2 / gridM2 : 0,
          households: gridM2 > 0 ? (p.households * p.m2) / gridM2 : 0,
          incidents: p.incidents,
        }))
        .sort((a, b) => b.m2 - a.m2),
    });
  }
  return { grids: byGrid.size, cut };
}

export interface AlignProposal {
  by: 'area' | 'incidents';
  /** Grid → beat for every grid that is cut (the others stay where they are). */
  moves: { gridCode: string; toBeat: string }[];
  beats: {
    code: string;
    version: number;
    gridCodes: string[];
    geometry: Geometry | null;
    before: BeatWorkload;
    after: BeatWorkload | null;
  }[];
}

/**
 * Moves every beat boundary onto grid boundaries: each grid goes wholly to the beat holding most of its area (or most
 * of its incidents), and each beat becomes the union of its grids. A preview with the workload before and after; apply
 * it with `applyAlign` (the versions it was made from are checked).
 */
export async function alignProposal(
  db: Db,
  opts: { stationId?: number; by?: 'area' | 'incidents'; weights?: CategoryWeights; sliverM2?: number } = {},
): Promise<AlignProposal> {
  const by = opts.by ?? 'area';
  const sliver = opts.sliverM2 ?? DEFAULT_SLIVER_M2;
  const rows = (await gridBeatOverlaps(db, opts.stationId)).filter((r) => r.m2 > sliver);
  const best = new Map<string, { beat: string; score: number; m2: number; parts: number }>();
  for (const r of rows) {
    const score = by === 'area' ? r.m2 : r.incidents;
    const cur = best.get(r.gridCode);
    // Ties (e.g. no incidents either side) go to the larger area.
    if (!cur || score > cur.score || (score === cur.score && r.m2 > cur.m2))
      best.set(r.gridCode, { beat: r.beatCode, score, m2: r.m2, parts: (cur?.parts ?? 0) + 1 });
    else cur.parts++;
  }
  const shapes = await beatShapes(db, opts.stationId);
  const groups = new Map<string, string[]>(shapes.map((s) => [s.code, []]));
  for (const [grid, b] of best) groups.get(b.beat)?.push(grid);
  const unions = await unionOfGrids(db, groups);
  const before = new Map((await measureShapes(db, shapes)).map((m) => [m.code, withScores(m, opts.weights ?? {})]));
  const proposed = shapes.flatMap((s) => {
    const g = unions.get(s.code);
    return g ? [{ code: s.code, stationId: s.stationId, geometry: g }] : [];
  });
  const after = new Map((await measureShapes(db, proposed)).map((m) => [m.code, withScores(m, opts.weights ?? {})]));
  return {
    by,
    moves: [...best]
      .filter(([, b]) => b.parts > 1)
      .map(([gridCode, b]) => ({ gridCode, toBeat: b.beat }))
      .sort((a, b) => a.gridCode.localeCompare(b.gridCode)),
    beats: shapes.map((s) => ({
      code: s.code,
      version: s.version,
      gridCodes: (groups.get(s.code) ?? []).sort(),
      geometry: unions.get(s.code) ?? null,
      before: before.get(s.code) as BeatWorkload,
      after: after.get(s.code) ?? null,
    })),
  };
}

/** A plan applied by a user (the route's caller): fenced and checked as a whole (applyBeatPlan). */
export async function applyBeatPlanAs(
  db: Db,
  who: { user: SignedInUser | undefined; actor: string },
  change: 'align' | 'district',
  beats: readonly { code: string; version: number; gridCodes: readonly string[] }[],
): Promise<{ code: string; version: number; changed: boolean }[]> {
  return applyBeatPlan(db, who.user, who.actor, change, beats);
}

/**
 * Writes an align proposal or a districting draft (any beats-from-grids plan) as one versioned edit, checked as a whole
 * inside its transaction: every beat of the plan is the planner's (403); afterwards no grid of the plan lies in a
 * second beat (403 when that beat is another station's, else 422: name it in the plan); and the ground the plan's
 * beats hold now all goes to beats of the plan (else 422: it would be left with no beat).
 */
export async function applyBeatPlan(
  db: Db,
  user: SignedInUser | undefined,
  actor: string,
  change: 'align' | 'district',
  beats: readonly { code: string; version: number; gridCodes: readonly string[] }[],
  /** More writes in the same transaction (a stored plan marked applied). */
  alsoInTransaction?: (tx: Queryable) => Promise<void>,
): Promise<{ code: string; version: number; changed: boolean }[]> {
  const empty = beats.filter((b) => b.gridCodes.length === 0);
  if (empty.length)
    throw new UnprocessableError(
      'A beat would have no grids',
      empty.map((b) => ({ path: `beats.${b.code}`, message: 'no grids' })),
    );
  const all = beats.flatMap((b) => b.gridCodes);
  if (new Set(all).size !== all.length)
    throw new UnprocessableError('A grid is in two beats of the plan', [{ path: 'beats', message: 'each grid once' }]);
  const codes = beats.map((b) => b.code);
  return db.transaction(async (tx) => {
    await assertBeatsInScope(tx, user, { codes });
    const left = await groundLeftOut(tx, codes, all);
    if (!left)
      throw new UnprocessableError('The plan could not be checked: the geometry engine failed on these shapes', [
        { path: 'beats', message: 'check failed' },
      ]);
    if (left.m2 > DEFAULT_SLIVER_M2) {
      throw new UnprocessableError(
        `The plan leaves ${left.m2.toFixed(0)} m² of its beats' ground with no beat: give it to a beat of the plan`,
        [{ path: 'beats', message: `${left.m2.toFixed(1)} m² left without a beat` }],
        {
          code: 'beat.ground_left',
          problems: problemFeatures([
            { kind: 'gap', message: 'ground left without a beat', areaM2: left.m2, geometry: left.geometry },
          ]),
        },
      );
    }
    const out = await setBeatsFromGrids(
      { tx, actor },
      change,
      new Map(beats.map((b) => [b.code, b.gridCodes])),
      Object.fromEntries(beats.map((b) => [b.code, b.version])),
    );
    await assertGridsInOneBeat(tx, user, all);
    await alsoInTransaction?.(tx);
    return out;
  });
}

/** After a write: each grid lies in exactly one beat; a second beat is another station's (403) or not named (422). */
export async function assertGridsInOneBeat(
  tx: Queryable,
  user: SignedInUser | undefined,
  gridCodes: readonly string[],
): Promise<void> {
  const held = await beatsOfGrids(tx, gridCodes);
  if (held.length !== new Set(gridCodes).size)
    throw new UnprocessableError('Some grids of the plan do not exist', [
      { path: 'beats', message: `found ${held.length} of ${gridCodes.length}` },
    ]);
  const doubled = held.filter((h) => h.beats.length > 1);
  if (doubled.length === 0) return;
  await assertBeatsInScope(tx, user, { codes: [...new Set(doubled.flatMap((h) => h.beats.map((b) => b.code)))] });
  throw new UnprocessableError(
    `Grid ${doubled.map((h) => h.gridCode).join(', ')} would lie in two beats: name every beat that gives up grids in the plan`,
    doubled.map((h) => ({ path: `grids.${h.gridCode}`, message: `in beats ${h.beats.map((b) => b.code).join(', ')}` })),
    { code: 'beat.overlap' },
  );
}

export interface DistrictDraft {
  stationId: number;
  beats: {
    code: string;
    version: number;
    gridCodes: string[];
    load: number;
    polsbyPopper: number;
    contiguous: boolean;
  }[];
  /** The same objective on the beats as they are (each grid in the beat holding its inside point). */
  current: { objective: number; balance: Balance; withinTolerance: boolean };
  draft: { objective: number; initialObjective: number; balance: Balance; withinTolerance: boolean };
  weights: Readonly<Record<string, number>>;
  tolerance: number;
}

/**
 * A draft beat plan for a station (never applied here): its grids regrouped into the same number of beats (or
 * `beats`), contiguous, balanced on the weighted workload within the tolerance where possible, compact — region growing
 * then tabu search (engines/districting), run on a worker thread when `run` is the pool's. Locked beats keep their
 * grids. Compared with the current plan on the same objective.
 */
export async function districtDraft(
  db: Db,
  opts: {
    stationId: number;
    beats?: number;
    weights?: Readonly<Record<string, number>>;
    tolerance?: number;
    lockedBeats?: readonly string[];
    compactnessWeight?: number;
  },
  run: TaskRunner = inProcess,
  runOpts: RunOptions = {},
): Promise<DistrictDraft> {
  const { units, adjacency, beatOf } = await stationGridGraph(db, opts.stationId);
  if (units.length === 0)
    throw new UnprocessableError(`Station ${opts.stationId} has no beats with grids`, [
      { path: 'stationId', message: 'no grids' },
    ]);
  const shapes = await beatShapes(db, opts.stationId);
  const codes = shapes.map((s) => s.code);
  const k = opts.beats ?? codes.length;
  const weights = opts.weights ?? { incidents: 1, population: 0.01 };
  const tolerance = opts.tolerance ?? 0.1;
  (opts.lockedBeats ?? []).forEach((code, b) => {
    if (!units.some((u) => beatOf.get(u.id) === code))
      throw new UnprocessableError(`Beat ${code} is not a beat of station ${opts.stationId}`, [
        { path: `lockedBeats[${b}]`, message: 'unknown beat' },
      ]);
  });
  const out = await run(
    {
      kind: 'district',
      job: {
        units,
        adjacency,
        codes,
        currentAssignment: units.map((u) => codes.indexOf(beatOf.get(u.id) ?? '')),
        beats: k,
        weights: { ...weights },
        tolerance,
        ...(opts.compactnessWeight === undefined ? {} : { compactnessWeight: opts.compactnessWeight }),
        lockedBeats: [...(opts.lockedBeats ?? [])],
        beatOf: [...beatOf],
      },
    },
    runOpts,
  );
  const { plan } = out;
  return {
    stationId: opts.stationId,
    beats: out.beats.map((b, i) => ({
      code: b.code,
      version: shapes.find((s) => s.code === b.code)?.version ?? 0,
      gridCodes: b.gridCodes,
      load: plan.loads[i] ?? 0,
      polsbyPopper: plan.polsbyPopper[i] ?? 0,
      contiguous: b.contiguous,
    })),
    current: out.current,
    draft: {
      objective: plan.objective,
      initialObjective: plan.initialObjective,
      balance: plan.balance,
      withinTolerance: plan.withinTolerance,
    },
    weights,
    tolerance,
  };
}

export { nameBeats };
