import type { Db } from '../db/client.js';
import { inForce } from '../db/repos/plans.repo.js';
import type { GridUnit, ObjectiveWeights } from '../engines/districting/index.js';
import type { DraftJobInput } from '../engines/districting/draft-jobs.js';
import { edgeReachFraction, RESPONSE_LIMITS_SECONDS, travelTimes } from '../engines/routing/index.js';
import { UnprocessableError } from '../errors.js';
import { scoreContext, type CategoryWeights, type ScoreContext } from './plan-scorecard.service.js';

export interface DraftRequest {
  stationId: number;
  /** Beats to draw (default: as many as the station has). */
  beats?: number;
  /** Category weights of incidents in the workload (unlisted: `default`, 1). */
  categoryWeights?: CategoryWeights;
  /** Weights of the workload measures: incidents (weighted), population, households, roadKm, keyPlaces. */
  loadWeights?: Readonly<Record<string, number>>;
  tolerance?: number;
  objective?: Partial<ObjectiveWeights>;
  lockedBeats?: readonly string[];
  recom?: false | { cycles?: number; proposals?: number; regionAware?: boolean; seed?: number };
}

export type { DraftJobInput, DraftJobResult } from '../engines/districting/draft-jobs.js';
export { runDraft } from '../engines/districting/draft-jobs.js';

export const DEFAULT_LOAD_WEIGHTS = { incidents: 1, population: 0.01 } as const;

/**
 * Reads a station's grids for a draft: the workload of each grid, its community, road seen by cameras, and the road
 * reached within 1, 3 and 5 minutes from each of the station's origins alone (the station, the posts in its grids),
 * searched on the routing service's graph.
 */
export async function draftInputs(
  db: Db,
  req: DraftRequest,
): Promise<{ job: DraftJobInput; ctx: ScoreContext; inForce: Map<string, string> }> {
  const now = await inForce(db, req.stationId);
  const gridCodes = [...now.assignment.keys()].sort();
  if (gridCodes.length === 0)
    throw new UnprocessableError(`Station ${req.stationId} has no beats with grids`, [
      { path: 'stationId', message: 'no grids' },
    ]);
  const beatCodes = [...new Set(now.assignment.values())].sort();
  const ctx = await scoreContext(db, gridCodes, beatCodes);
  const cw = req.categoryWeights ?? {};
  const units: GridUnit[] = gridCodes.map((code) => {
    const m = ctx.grids.get(code);
    const incidents = Object.entries(m?.incidentsByCategory ?? {}).reduce(
      (s, [c, n]) => s + (cw[c] ?? cw.default ?? 1) * n,
      0,
    );
    return {
      id: code,
      areaM2: m?.areaM2 ?? 0,
      perimeterM: m?.perimeterM ?? 0,
      load: {
        incidents,
        population: m?.population ?? 0,
        households: m?.households ?? 0,
        roadKm: (m?.roadM ?? 0) / 1000,
        keyPlaces: m?.keyPlaces ?? 0,
      },
    };
  });
  const adjacency = ctx.graph.units.flatMap((u, i) =>
    (ctx.graph.neighbours[i] ?? [])
      .filter(([j]) => j > i)
      .map(([j, m]) => ({ a: u.id, b: ctx.graph.units[j]?.id ?? '', sharedBoundaryM: m })),
  );
  // Origins: the station (in every beat) and each post standing in one of the station's grids.
  const idx = new Map(gridCodes.map((c, i) => [c, i]));
  const origins = [
    { unit: null as number | null, starts: ctx.stationOrigins.get(req.stationId) ?? [] },
    ...gridCodes.flatMap((c) =>
      (ctx.postsByGrid.get(c) ?? []).map((p) => ({ unit: idx.get(c) ?? null, starts: p.origins })),
    ),
  ];
  const T = RESPONSE_LIMITS_SECONDS.length;
  const limit = Math.max(...RESPONSE_LIMITS_SECONDS);
  const roadM = gridCodes.map((c) =>
    (ctx.edgesByGrid.get(c) ?? []).reduce((s, e) => s + (ctx.roads.edgeLengthMeters[e] ?? 0), 0),
  );
  const reachedM = gridCodes.map(() => new Array<number>(origins.length * T).fill(0));
  origins.forEach((o, oi) => {
    if (o.starts.length === 0) return;
    const t = travelTimes(ctx.roads, o.starts, { limitSeconds: limit }).seconds;
    gridCodes.forEach((c, u) => {
      const row = reachedM[u] as number[];
      for (const e of ctx.edgesByGrid.get(c) ?? []) {
        const ts = t[ctx.roads.edgeSource[e] ?? 0] ?? Infinity,
          tt = t[ctx.roads.edgeTarget[e] ?? 0] ?? Infinity;
        if (ts > limit && tt > limit) continue;
        const len = ctx.roads.edgeLengthMeters[e] ?? 0;
        RESPONSE_LIMITS_SECONDS.forEach((l, x) => {
          row[oi * T + x] = (row[oi * T + x] ?? 0) + edgeReachFraction(ctx.roads, e, ts, tt, l) * len;
        });
      }
    });
  });
  const lockedBeats = (req.lockedBeats ?? []).map((code, i) => {
    const b = beatCodes.indexOf(code);
    if (b < 0)
      throw new UnprocessableError(`Beat ${code} is not a beat of station ${req.stationId}`, [
        { path: `lockedBeats[${i}]`, message: 'unknown beat' },
      ]);
    return b;
  });
  const beats = req.beats ?? beatCodes.length;
  if (lockedBeats.length && beats !== beatCodes.length) {
    throw new UnprocessableError("Locked beats keep the station's number of beats", [
      { path: 'beats', message: `must be ${beatCodes.length} with locked beats` },
    ]);
  }
  return {
    ctx,
    inForce: now.assignment,
    job: {
      units,
      adjacency,
      beatCodes,
      current: gridCodes.map((c) => beatCodes.indexOf(now.assignment.get(c) ?? '')),
      lockedBeats,
      inputs: {
        community: gridCodes.map((c) => ctx.grids.get(c)?.communityCode ?? null),
        coverage: {
          roadM: gridCodes.map((c) => ctx.coverageByGrid.get(c)?.roadMeters ?? 0),
          seenM: gridCodes.map((c) => ctx.coverageByGrid.get(c)?.seenMeters ?? 0),
        },
        reach: {
          tiersSeconds: [...RESPONSE_LIMITS_SECONDS],
          origins: origins.map((o) => ({ unit: o.unit })),
          roadM,
          reachedM,
        },
      },
      beats,
      loadWeights: { ...(req.loadWeights ?? DEFAULT_LOAD_WEIGHTS) },
      tolerance: req.tolerance ?? 0.1,
      objective: { ...req.objective },
      recom: req.recom,
    },
  };
}
