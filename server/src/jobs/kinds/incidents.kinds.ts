import type { z } from 'zod';
import { workloadAnswer, workloadQuery } from '../../contract/editing.js';
import { toIncidentFilter } from '../../contract/incident-filter.js';
import {
  hotspotsAnswer,
  hotspotsQuery,
  nearRepeatAnswer,
  nearRepeatQuery,
  trendsAnswer,
  trendsQuery,
} from '../../contract/incidents.js';
import { beatWorkload } from '../../services/beat-planning.service.js';
import { incidentHotspots, incidentTrends, nearRepeat } from '../../services/incidents.service.js';
import type { JobKind } from '../job-manager.js';
import { runOn } from './routing.kinds.js';

/** Incident counts per cell and the study area (districts) are all a hot-spot or trend answer reads. */
const INCIDENT_READS = ['incident', 'admin_area'] as const;

type HotspotParams = z.output<typeof hotspotsQuery>;

/** Params as the query string of GET /incidents/hotspots. */
export const hotspotsKind: JobKind<HotspotParams> = {
  kind: 'hotspots',
  params: hotspotsQuery,
  answer: hotspotsAnswer,
  permission: 'read',
  reads: () => INCIDENT_READS,
  run: async (ctx, q) => {
    ctx.progress(0, '读取警情');
    return incidentHotspots(ctx.db, q.res, q.k, toIncidentFilter(q), ...runOn(ctx, 'Gi* 热点', 0.3, 1));
  },
};

type TrendParams = z.output<typeof trendsQuery>;

/** Params as the query string of GET /incidents/trends. */
export const trendsKind: JobKind<TrendParams> = {
  kind: 'trends',
  params: trendsQuery,
  answer: trendsAnswer,
  permission: 'read',
  reads: () => INCIDENT_READS,
  run: async (ctx, q) => {
    ctx.progress(0, '读取警情');
    return incidentTrends(ctx.db, q.res, q.weeks, toIncidentFilter(q), ...runOn(ctx, '逐周 Gi*', 0.3, 1));
  },
};

type NearRepeatParams = z.output<typeof nearRepeatQuery>;

/** Params as the query string of GET /incidents/near-repeat. */
export const nearRepeatKind: JobKind<NearRepeatParams> = {
  kind: 'near-repeat',
  params: nearRepeatQuery,
  answer: nearRepeatAnswer,
  permission: 'read',
  reads: () => ['incident'],
  run: async (ctx, q) => {
    ctx.progress(0, '读取警情');
    const [run, opts] = runOn(ctx, 'Knox 检验', 0.3, 1);
    const result = await nearRepeat(
      ctx.db,
      toIncidentFilter(q),
      { spaceMeters: q.space, timeDays: q.time, permutations: q.permutations, seed: q.seed },
      run,
      opts,
    );
    return { spaceMeters: q.space, timeDays: q.time, seed: q.seed, ...result };
  },
};

type WorkloadParams = z.output<typeof workloadQuery>;

/**
 * Beat workload (GET /planning/workload). Its cost is SQL (areas, intersections and counts per beat, in PostGIS: on
 * the server's backend, or embedded on the database's own thread), its JS part a few sums per beat; as a job it gets
 * the 202-past-a-wait answer, a kept result on unchanged data, and fair use like the other analyses.
 */
export const workloadKind: JobKind<WorkloadParams> = {
  kind: 'workload',
  params: workloadQuery,
  answer: workloadAnswer,
  permission: 'read',
  reads: () => ['beat', 'grid', 'road', 'key_place', 'camera', 'incident', 'station'],
  run: async (ctx, q) => {
    ctx.progress(0, '统计警格工作量');
    return beatWorkload(ctx.db, {
      ...(q.stationId ? { stationId: q.stationId } : {}),
      ...(q.weights ? { weights: q.weights } : {}),
    });
  },
};
