import type { z } from 'zod';
import { fieldLocator, withFieldsLocated } from '../../api/field-paths.js';
import {
  isochroneAnswer,
  isochroneQuery,
  patrolAnswer,
  patrolBody,
  patrolQuery,
  reachAnswer,
  reachQuery,
} from '../../contract/routing.js';
import {
  isochrone,
  isochroneGeoJson,
  planPatrolsWithInputs,
  reachMap,
  reachMapAnswer,
  type PatrolRequest,
} from '../../services/routing.service.js';
import type { JobContext, JobKind } from '../job-manager.js';
import type { RunOptions } from '../pool.js';
import { poolRunner } from '../runner.js';

/** The pool's runner for a job, with its signal and its progress as `stage done / total`. */
export function runOn(ctx: JobContext, stage: string, from = 0, to = 1): [ReturnType<typeof poolRunner>, RunOptions] {
  return [
    poolRunner(ctx.pool),
    {
      signal: ctx.signal,
      onProgress: (p) =>
        ctx.progress(from + (to - from) * (p.done / Math.max(1, p.total)), `${stage} ${p.done} / ${p.total}`),
    },
  ];
}

/** Every table a kept result may depend on (routing and planning answers read most of them). */
export const ALL_DATA_TABLES = [
  'admin_area',
  'grid',
  'station',
  'beat',
  'camera',
  'key_place',
  'post',
  'checkpoint',
  'incident',
  'road',
  'building',
] as const;

type PatrolBody = z.output<typeof patrolBody>;

/** The synchronous endpoint's body as the service's request. */
export function patrolRequestOf(b: PatrolBody, actor?: string): PatrolRequest {
  return {
    ...(actor ? { actor } : {}),
    ...(b.dosage ? { dosage: b.dosage } : {}),
    ...(b.schoolGates ? { schoolGates: b.schoolGates } : {}),
    profile: b.profile,
    base: b.base,
    startHour: b.startHour,
    hours: b.hours,
    units: b.units,
    prizeCells: b.prizeCells,
    prizeDwellMinutes: b.prizeDwellMinutes,
    incidentWeight: b.incidentWeight,
    blindSpotWeight: b.blindSpotWeight,
    ...(b.beatId ? { beatId: b.beatId } : {}),
    ...(b.checkpointIds ? { checkpointIds: b.checkpointIds } : {}),
  };
}

// A failed job names fields as the synchronous endpoint would (`body.base.id`, `query.lon`), also when submitted to /jobs.
const patrolFields = fieldLocator({ query: patrolQuery, body: patrolBody, bodyPath: 'body' });
const isochroneFields = fieldLocator({ query: isochroneQuery });
const reachFields = fieldLocator({ query: reachQuery });

export const patrolKind: JobKind<PatrolBody> = {
  kind: 'patrol',
  params: patrolBody,
  answer: patrolAnswer,
  permission: 'analyse',
  reads: () => ALL_DATA_TABLES,
  run: (ctx, p) =>
    withFieldsLocated(patrolFields, async () => {
      ctx.progress(0, '读取巡逻点');
      const units = await planPatrolsWithInputs(
        ctx.db,
        patrolRequestOf(p, ctx.user.username),
        ...runOn(ctx, '规划巡逻', 0.1, 1),
      );
      return { units };
    }),
};

type IsochroneParams = z.output<typeof isochroneQuery>;

/** Params as the query string of GET /routing/isochrone (`minutes` "1,3,5"). */
export const isochroneKind: JobKind<IsochroneParams> = {
  kind: 'isochrone',
  params: isochroneQuery,
  answer: isochroneAnswer,
  permission: 'read',
  reads: () => ['road'],
  run: (ctx, p) =>
    withFieldsLocated(isochroneFields, async () => {
      ctx.progress(0, '路网');
      const a = await isochrone(ctx.db, p.profile, p.lon, p.lat, p.minutes, ...runOn(ctx, '等时圈', 0.1, 0.8));
      return isochroneGeoJson(a);
    }),
};

type ReachParams = z.output<typeof reachQuery>;

export const reachKind: JobKind<ReachParams> = {
  kind: 'reach',
  params: reachQuery,
  answer: reachAnswer,
  permission: 'read',
  reads: () => ['road', 'post', 'station', 'grid', 'key_place'],
  run: (ctx, p) =>
    withFieldsLocated(reachFields, async () => {
      ctx.progress(0, '路网');
      return reachMapAnswer(await reachMap(ctx.db, p.profile, ...runOn(ctx, '1-3-5 分钟可达', 0.1, 1)), p.format);
    }),
};
