import type { Db } from '../db/client.js';
import { bandedPlacementKind, coverageKind, placementKind } from './kinds/coverage.kinds.js';
import { districtingDraftKind, districtingKind } from './kinds/districting.kinds.js';
import { hotspotsKind, nearRepeatKind, trendsKind, workloadKind } from './kinds/incidents.kinds.js';
import { isochroneKind, patrolKind, reachKind } from './kinds/routing.kinds.js';
import { JobManager, type JobKind, type JobManagerOptions } from './job-manager.js';
import { sharedPool } from './pool.js';

/** Every job kind the API offers. */
export const JOB_KINDS: readonly JobKind<never>[] = [
  placementKind as JobKind<never>,
  bandedPlacementKind as JobKind<never>,
  coverageKind as JobKind<never>,
  patrolKind as JobKind<never>,
  reachKind as JobKind<never>,
  isochroneKind as JobKind<never>,
  districtingKind as JobKind<never>,
  districtingDraftKind as JobKind<never>,
  hotspotsKind as JobKind<never>,
  trendsKind as JobKind<never>,
  nearRepeatKind as JobKind<never>,
  workloadKind as JobKind<never>,
];

/**
 * Deadline, per-user limit and the synchronous endpoints' wait from the environment (GRIDPATROL_JOB_DEADLINE_S,
 * GRIDPATROL_JOBS_PER_USER, GRIDPATROL_SYNC_WAIT_S).
 */
function envOptions(): JobManagerOptions {
  const deadline = Number(process.env.GRIDPATROL_JOB_DEADLINE_S);
  const perUser = Number(process.env.GRIDPATROL_JOBS_PER_USER);
  const syncWait = Number(process.env.GRIDPATROL_SYNC_WAIT_S);
  return {
    ...(Number.isFinite(syncWait) && syncWait >= 0 && process.env.GRIDPATROL_SYNC_WAIT_S
      ? { syncWaitMs: syncWait * 1000 }
      : {}),
    ...(Number.isInteger(deadline) && deadline > 0 ? { deadlineMs: deadline * 1000 } : {}),
    ...(Number.isInteger(perUser) && perUser > 0 ? { perUserLimit: perUser } : {}),
  };
}

export function defaultJobManager(
  db: Db,
  extra: readonly JobKind<never>[] = [],
  opts: JobManagerOptions = {},
): JobManager {
  return new JobManager(db, sharedPool(), [...JOB_KINDS, ...extra], { ...envOptions(), ...opts });
}
