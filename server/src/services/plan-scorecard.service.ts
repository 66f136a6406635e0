import type { Db } from '../db/client.js';
import {
  beatsByCode,
  edgeGrids,
  gridMeasures,
  pointsInGrids,
  stationPoints,
  type GridMeasures,
} from '../db/repos/plans.repo.js';
import {
  balanceOf,
  beatShape,
  gridGraph,
  isContiguous,
  type Balance,
  type GridGraph,
} from '../engines/districting/index.js';
import {
  AT_JUNCTION,
  edgeReachFraction,
  originsFor,
  RESPONSE_LIMITS_SECONDS,
  travelTimes,
  type Origin,
  type RoadGraph,
  type SnappedPoint,
} from '../engines/routing/index.js';
import { meetsBand } from '../engines/coverage/dori.js';
import { SCHOOL_KINDS } from '../engines/coverage/place-coverage.js';
import { bandedPlaceStatus } from './banded-coverage.service.js';
import { areaCoverage } from './coverage.service.js';
import { network } from './routing.service.js';

/** Weights of incident categories in the workload; unlisted categories weigh `default` (1). */
export type CategoryWeights = Readonly<Record<string, number>>;
const MAX_SNAP_M = 500;

export interface BeatScore {
  code: string;
  stationId: number | null;
  grids: number;
  workload: {
    weightedIncidents: number;
    incidents: number;
    population: number;
    households: number;
    roadKm: number;
    keyPlaces: number;
  };
  /** Per tier (1, 3, 5 minutes): share of the beat's road and of its key places reached from its own posts and station. */
  reach: { origins: number; tiers: { limitMinutes: number; roadShare: number | null; keyPlaceShare: number | null }[] };
  coverage: {
    roadM: number;
    seenRoadM: number;
    roadRate: number | null;
    keyPlaces: number;
    keyPlacesSeen: number;
    keyPlaceRate: number | null;
    schools: number;
    schoolsSeen: number;
    /** Schools whose best band among the working cameras is identify (识别, DORI 250 px/m), the band a gate needs. */
    schoolsIdentified: number;
  };
  shape: { areaM2: number; perimeterM: number; polsbyPopper: number; onePiece: boolean };
  /** Communities with grids in this beat. */
  communities: number;
}

export interface Scorecard {
  beats: BeatScore[];
  plan: {
    beats: number;
    grids: number;
    balance: Balance[];
    reach: { limitMinutes: number; roadShare: number | null; keyPlaceShare: number | null }[];
    coverage: {
      roadRate: number | null;
      keyPlaceRate: number | null;
      schoolRate: number | null;
      /** Schools of the plan's beats seen at identify level or better, and their share of the plan's schools. */
      schoolsIdentified: number;
      schoolIdentifyRate: number | null;
      minBeatRoadRate: number | null;
    };
    nesting: {
      /** Grids cut by a beat boundary (0 for a stored plan, made of whole grids by construction). */
      gridsCut: number;
      communities: number;
      /** Communities whose grids lie in more than one beat, and the pieces (connected runs per beat) they fall into. */
      communitiesSplit: number;
      pieces: number;
      split: { community: string; beats: number; pieces: number }[];
    };
    shape: { meanPolsbyPopper: number; minPolsbyPopper: number; beatsInPieces: number };
    /** Against the plan in force (absent when this is the plan in force). */
    change: { gridsMoved: number; residentsMoved: number; householdsMoved: number; beatsChanged: number } | null;
  };
}

/** What a scorecard reads of the city, loaded once for the grids of the plans it scores. */
export interface ScoreContext {
  grids: Map<string, GridMeasures>;
  graph: GridGraph;
  coverageByGrid: Map<
    string,
    {
      roadMeters: number;
      seenMeters: number;
      keyPlaces: number;
      keyPlacesSeen: number;
      schools: number;
      schoolsSeen: number;
    }
  >;
  /** Per grid: schools seen at identify level or better (banded coverage). */
  schoolsIdentifiedByGrid: Map<string, number>;
  roads: RoadGraph;
  snap: (lon: number, lat: number) => SnappedPoint | undefined;
  edgesByGrid: Map<string, number[]>;
  postsByGrid: Map<string, { id: number; origins: Origin[] }[]>;
  placesByGrid: Map<string, { id: number; at: SnappedPoint | undefined }[]>;
  stationOrigins: Map<number, Origin[]>;
  beatStation: Map<string, number | null>;
}

export async function scoreContext(
  db: Db,
  gridCodes: readonly string[],
  beatCodes: readonly string[],
): Promise<ScoreContext> {
  const codes = [...new Set(gridCodes)].sort();
  const { grids, adjacency } = await gridMeasures(db, codes);
  const graph = gridGraph(
    grids.map((g) => ({ id: g.code, areaM2: g.areaM2, perimeterM: g.perimeterM, load: {} })),
    adjacency.map((e) => ({ a: e.a, b: e.b, sharedBoundaryM: e.m })),
  );
  const coverage = await areaCoverage(db, 'grid');
  const schoolsIdentifiedByGrid = new Map<string, number>();
  for (const p of await bandedPlaceStatus(db, 'grid'))
    if (SCHOOL_KINDS.has(p.kind) && meetsBand(p.bestBand, 'identify'))
      schoolsIdentifiedByGrid.set(p.areaId, (schoolsIdentifiedByGrid.get(p.areaId) ?? 0) + 1);
  const net = await network(db, 'car');
  const snap = (lon: number, lat: number) => net.index.snap(lon, lat, MAX_SNAP_M);
  const edgesByGrid = new Map<string, number[]>();
  for (const { edge, grid } of await edgeGrids(db, 'car', codes))
    edgesByGrid.set(grid, [...(edgesByGrid.get(grid) ?? []), edge]);
  const postsByGrid = new Map<string, { id: number; origins: Origin[] }[]>();
  const placesByGrid = new Map<string, { id: number; at: SnappedPoint | undefined }[]>();
  for (const p of await pointsInGrids(db, codes)) {
    const at = snap(p.lon, p.lat);
    if (p.kind === 'post')
      postsByGrid.set(p.grid, [
        ...(postsByGrid.get(p.grid) ?? []),
        { id: p.id, origins: at ? originsFor(net.graph, at) : [] },
      ]);
    else placesByGrid.set(p.grid, [...(placesByGrid.get(p.grid) ?? []), { id: p.id, at }]);
  }
  const stationOrigins = new Map<number, Origin[]>();
  for (const [id, s] of await stationPoints(db)) {
    const at = snap(s.lon, s.lat);
    stationOrigins.set(id, at ? originsFor(net.graph, at) : []);
  }
  const beats = await beatsByCode(db, beatCodes);
  return {
    grids: new Map(grids.map((g) => [g.code, g])),
    graph,
    coverageByGrid: new Map(coverage.map((c) => [c.areaId, c])),
    schoolsIdentifiedByGrid,
    roads: net.graph,
    snap,
    edgesByGrid,
    postsByGrid,
    placesByGrid,
    stationOrigins,
    beatStation: new Map(beatCodes.map((c) => [c, beats.get(c)?.stationId ?? null])),
  };
}

/** Seconds to a snapped point from node times (via whichever end of its edge is sooner), Infinity if unreached. */
export function secondsTo(g: RoadGraph, seconds: Float64Array, p: SnappedPoint): number {
  const fwd = g.edgeCost[p.edge] ?? -1,
    rev = g.edgeReverseCost[p.edge] ?? -1;
  const ts = seconds[g.edgeSource[p.edge] ?? 0] ?? Infinity,
    tt = seconds[g.edgeTarget[p.edge] ?? 0] ?? Infinity;
  const viaSource = p.fraction <= AT_JUNCTION ? ts : fwd >= 0 ? ts + p.fraction * fwd : Infinity;
  const viaTarget = p.fraction >= 1 - AT_JUNCTION ? tt : rev >= 0 ? tt + (1 - p.fraction) * rev : Infinity;
  return Math.min(viaSource, viaTarget);
}

const weighted = (m: GridMeasures, w: CategoryWeights) =>
  Object.entries(m.incidentsByCategory).reduce((s, [c, n]) => s + (w[c] ?? w.default ?? 1) * n, 0);
const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/**
 * The scorecard of a plan (grid code → beat code): workload and its balance, 1-3-5 reach from each beat's own posts
 * and station over the road graph the routing service searches, camera coverage of the beat's grids, nesting
 * (community splits), shape, and the change from the plan in force.
 * @param stationId the station a beat of the plan belongs to when no stored beat has its code
 */
export function scorePlan(
  ctx: ScoreContext,
  assignment: ReadonlyMap<string, string>,
  opts: {
    stationId: number | null;
    weights?: CategoryWeights;
    inForce?: ReadonlyMap<string, string>;
    gridsCut?: number;
  },
): Scorecard {
  const w = opts.weights ?? {};
  const byBeat = new Map<string, string[]>();
  for (const [grid, beat] of assignment) if (ctx.grids.has(grid)) byBeat.set(beat, [...(byBeat.get(beat) ?? []), grid]);
  const codes = [...byBeat.keys()].sort();
  const limits = RESPONSE_LIMITS_SECONDS;
  const plainTotals = { road: 0, reached: limits.map(() => 0), places: 0, placesReached: limits.map(() => 0) };
  const beats: BeatScore[] = codes.map((code) => {
    const grids = (byBeat.get(code) ?? []).sort();
    const ms = grids.map((g) => ctx.grids.get(g) as GridMeasures);
    const sum = (f: (m: GridMeasures) => number) => ms.reduce((s, m) => s + f(m), 0);
    const stationId = ctx.beatStation.get(code) ?? opts.stationId;
    // Reach: one search from the beat's station and the posts standing in its grids.
    const origins = [
      ...(stationId === null ? [] : (ctx.stationOrigins.get(stationId) ?? [])),
      ...grids.flatMap((g) => (ctx.postsByGrid.get(g) ?? []).flatMap((p) => p.origins)),
    ];
    const times = travelTimes(ctx.roads, origins, { limitSeconds: Math.max(...limits) }).seconds;
    let roadM = 0;
    const reached = limits.map(() => 0);
    for (const g of grids) {
      for (const e of ctx.edgesByGrid.get(g) ?? []) {
        const len = ctx.roads.edgeLengthMeters[e] ?? 0;
        roadM += len;
        const ts = times[ctx.roads.edgeSource[e] ?? 0] ?? Infinity,
          tt = times[ctx.roads.edgeTarget[e] ?? 0] ?? Infinity;
        limits.forEach((l, t) => {
          reached[t] = (reached[t] ?? 0) + edgeReachFraction(ctx.roads, e, ts, tt, l) * len;
        });
      }
    }
    const places = grids.flatMap((g) => ctx.placesByGrid.get(g) ?? []);
    const placeSeconds = places.map((p) => (p.at ? secondsTo(ctx.roads, times, p.at) : Infinity));
    const placesReached = limits.map((l) => placeSeconds.filter((s) => s <= l).length);
    plainTotals.road += roadM;
    plainTotals.places += places.length;
    reached.forEach((r, t) => {
      plainTotals.reached[t] = (plainTotals.reached[t] ?? 0) + r;
    });
    placesReached.forEach((r, t) => {
      plainTotals.placesReached[t] = (plainTotals.placesReached[t] ?? 0) + r;
    });
    const cov = grids.map((g) => ctx.coverageByGrid.get(g));
    const csum = (f: (c: NonNullable<(typeof cov)[number]>) => number) => cov.reduce((s, c) => s + (c ? f(c) : 0), 0);
    const members = new Set(grids.map((g) => ctx.graph.index.get(g) ?? -1));
    const shape = beatShape(ctx.graph, members);
    return {
      code,
      stationId,
      grids: grids.length,
      workload: {
        weightedIncidents: sum((m) => weighted(m, w)),
        incidents: sum((m) => Object.values(m.incidentsByCategory).reduce((s, n) => s + n, 0)),
        population: sum((m) => m.population),
        households: sum((m) => m.households),
        roadKm: sum((m) => m.roadM) / 1000,
        keyPlaces: sum((m) => m.keyPlaces),
      },
      reach: {
        origins: origins.length,
        tiers: limits.map((l, t) => ({
          limitMinutes: l / 60,
          roadShare: share(reached[t] ?? 0, roadM),
          keyPlaceShare: share(placesReached[t] ?? 0, places.length),
        })),
      },
      coverage: {
        roadM: csum((c) => c.roadMeters),
        seenRoadM: csum((c) => c.seenMeters),
        roadRate: share(
          csum((c) => c.seenMeters),
          csum((c) => c.roadMeters),
        ),
        keyPlaces: csum((c) => c.keyPlaces),
        keyPlacesSeen: csum((c) => c.keyPlacesSeen),
        keyPlaceRate: share(
          csum((c) => c.keyPlacesSeen),
          csum((c) => c.keyPlaces),
        ),
        schools: csum((c) => c.schools),
        schoolsSeen: csum((c) => c.schoolsSeen),
        schoolsIdentified: grids.reduce((s, g) => s + (ctx.schoolsIdentifiedByGrid.get(g) ?? 0), 0),
      },
      shape: {
        areaM2: shape.areaM2,
        perimeterM: shape.perimeterM,
        polsbyPopper: shape.polsbyPopper,
        onePiece: isContiguous(ctx.graph, members),
      },
      communities: new Set(ms.map((m) => m.communityCode)).size,
    };
  });
  const measures = ['weightedIncidents', 'incidents', 'population', 'households', 'roadKm', 'keyPlaces'] as const;
  const split = communitySplits(ctx, assignment);
  const pp = beats.map((b) => b.shape.polsbyPopper);
  const cov = beats.reduce(
    (s, b) => ({
      road: s.road + b.coverage.roadM,
      seen: s.seen + b.coverage.seenRoadM,
      kp: s.kp + b.coverage.keyPlaces,
      kps: s.kps + b.coverage.keyPlacesSeen,
      sc: s.sc + b.coverage.schools,
      scs: s.scs + b.coverage.schoolsSeen,
      sci: s.sci + b.coverage.schoolsIdentified,
    }),
    { road: 0, seen: 0, kp: 0, kps: 0, sc: 0, scs: 0, sci: 0 },
  );
  const rates = beats.map((b) => b.coverage.roadRate).filter((r): r is number => r !== null);
  return {
    beats,
    plan: {
      beats: beats.length,
      grids: beats.reduce((s, b) => s + b.grids, 0),
      balance: measures.map((k) =>
        balanceOf(
          k,
          beats.map((b) => b.workload[k]),
        ),
      ),
      reach: limits.map((l, t) => ({
        limitMinutes: l / 60,
        roadShare: share(plainTotals.reached[t] ?? 0, plainTotals.road),
        keyPlaceShare: share(plainTotals.placesReached[t] ?? 0, plainTotals.places),
      })),
      coverage: {
        roadRate: share(cov.seen, cov.road),
        keyPlaceRate: share(cov.kps, cov.kp),
        schoolRate: share(cov.scs, cov.sc),
        schoolsIdentified: cov.sci,
        schoolIdentifyRate: share(cov.sci, cov.sc),
        minBeatRoadRate: rates.length ? Math.min(...rates) : null,
      },
      nesting: {
        gridsCut: opts.gridsCut ?? 0,
        communities: split.communities,
        communitiesSplit: split.list.length,
        pieces: split.pieces,
        split: split.list,
      },
      shape: {
        meanPolsbyPopper: pp.length ? pp.reduce((s, v) => s + v, 0) / pp.length : 0,
        minPolsbyPopper: pp.length ? Math.min(...pp) : 0,
        beatsInPieces: beats.filter((b) => !b.shape.onePiece).length,
      },
      change: opts.inForce ? changeFrom(ctx, assignment, opts.inForce) : null,
    },
  };
}

/** Per community: the beats its grids lie in, and the connected runs of its grids within one beat. */
function communitySplits(ctx: ScoreContext, assignment: ReadonlyMap<string, string>) {
  const byComm = new Map<string, number[]>();
  for (const [code, m] of ctx.grids)
    if (assignment.has(code))
      byComm.set(m.communityCode, [...(byComm.get(m.communityCode) ?? []), ctx.graph.index.get(code) ?? -1]);
  const beatOf = (i: number) => assignment.get(ctx.graph.units[i]?.id ?? '');
  let pieces = 0;
  const list: { community: string; beats: number; pieces: number }[] = [];
  for (const [community, units] of [...byComm].sort((a, b) => a[0].localeCompare(b[0]))) {
    const inComm = new Set(units),
      seen = new Set<number>();
    let p = 0;
    for (const s of units) {
      if (seen.has(s)) continue;
      p++;
      seen.add(s);
      const stack = [s];
      while (stack.length) {
        const v = stack.pop() as number;
        for (const [x] of ctx.graph.neighbours[v] ?? [])
          if (inComm.has(x) && !seen.has(x) && beatOf(x) === beatOf(v)) {
            seen.add(x);
            stack.push(x);
          }
      }
    }
    pieces += p;
    const beats = new Set(units.map(beatOf)).size;
    if (beats > 1 || p > 1) list.push({ community, beats, pieces: p });
  }
  return { communities: byComm.size, pieces, list };
}

function changeFrom(ctx: ScoreContext, a: ReadonlyMap<string, string>, inForce: ReadonlyMap<string, string>) {
  let gridsMoved = 0,
    residentsMoved = 0,
    householdsMoved = 0;
  const changed = new Set<string>();
  for (const [grid, beat] of a) {
    const before = inForce.get(grid);
    if (before === beat) continue;
    gridsMoved++;
    residentsMoved += ctx.grids.get(grid)?.population ?? 0;
    householdsMoved += ctx.grids.get(grid)?.households ?? 0;
    changed.add(beat);
    if (before) changed.add(before);
  }
  return { gridsMoved, residentsMoved, householdsMoved, beatsChanged: changed.size };
}

/** Two scorecards and their differences (b − a) on every plan-level figure, and the grids that change beat. */
export function comparePlans(
  a: Scorecard,
  b: Scorecard,
  assignA: ReadonlyMap<string, string>,
  assignB: ReadonlyMap<string, string>,
) {
  const diff = (x: number | null, y: number | null) => (x === null || y === null ? null : y - x);
  const moved = [...assignB]
    .filter(([g, beat]) => assignA.has(g) && assignA.get(g) !== beat)
    .map(([gridCode, beat]) => ({ gridCode, from: assignA.get(gridCode) as string, to: beat }));
  return {
    a,
    b,
    moved,
    differences: {
      balance: a.plan.balance.map((x, i) => ({
        measure: x.measure,
        maxOverMean: diff(x.maxOverMean, b.plan.balance[i]?.maxOverMean ?? null),
        cv: diff(x.cv, b.plan.balance[i]?.cv ?? null),
      })),
      reach: a.plan.reach.map((x, i) => ({
        limitMinutes: x.limitMinutes,
        roadShare: diff(x.roadShare, b.plan.reach[i]?.roadShare ?? null),
        keyPlaceShare: diff(x.keyPlaceShare, b.plan.reach[i]?.keyPlaceShare ?? null),
      })),
      coverage: {
        roadRate: diff(a.plan.coverage.roadRate, b.plan.coverage.roadRate),
        minBeatRoadRate: diff(a.plan.coverage.minBeatRoadRate, b.plan.coverage.minBeatRoadRate),
        schoolsIdentified: b.plan.coverage.schoolsIdentified - a.plan.coverage.schoolsIdentified,
        schoolIdentifyRate: diff(a.plan.coverage.schoolIdentifyRate, b.plan.coverage.schoolIdentifyRate),
      },
      nesting: {
        gridsCut: b.plan.nesting.gridsCut - a.plan.nesting.gridsCut,
        communitiesSplit: b.plan.nesting.communitiesSplit - a.plan.nesting.communitiesSplit,
        pieces: b.plan.nesting.pieces - a.plan.nesting.pieces,
      },
      shape: {
        meanPolsbyPopper: b.plan.shape.meanPolsbyPopper - a.plan.shape.meanPolsbyPopper,
        beatsInPieces: b.plan.shape.beatsInPieces - a.plan.shape.beatsInPieces,
      },
      gridsMoved: moved.length,
    },
  };
}
