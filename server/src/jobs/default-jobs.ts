import type { Db } from '../db/client.js';
import { coverageKind, placementKind } from './kinds/coverage.kinds.js';
import { JobManager, type JobKind, type JobManagerOptions } from './job-manager.js';
import { sharedPool } from './pool.js';

/** Every job kind the API offers. */
export const JOB_KINDS: readonly JobKind<never>[] = [placementKind as JobKind<never>, coverageKind as JobKind<never>];

/** Deadline and per-user limit from the environment (GRIDPATROL_JOB_DEADLINE_S, GRIDPATROL_JOBS_PER_USER). */
function envOptions(): JobManagerOptions {
  const deadline = Number(process.env.GRIDPATROL_JOB_DEADLINE_S);
  const perUser = Number(process.env.GRIDPATROL_JOBS_PER_USER);
  return {
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
