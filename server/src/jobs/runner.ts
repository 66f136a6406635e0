import type { RunOptions, WorkerPool } from './pool.js';
import type { WorkerResults, WorkerTask } from './task-types.js';
import { runTask } from './worker-tasks.js';

/** Runs one engine task: on the worker pool (jobs, the HTTP routes) or on this thread (scripts, benches' references). */
export type TaskRunner = <T extends WorkerTask>(task: T, opts?: RunOptions) => Promise<WorkerResults[T['kind']]>;

/** The pool's runner. */
export function poolRunner(pool: WorkerPool): TaskRunner {
  return (task, opts) => pool.run(task, opts);
}

/** The same task on the calling thread (no progress port; the signal is checked between stages). */
export const inProcess: TaskRunner = async <T extends WorkerTask>(task: T, opts: RunOptions = {}) => {
  opts.signal?.throwIfAborted();
  const out = await runTask({ task, ...(opts.signal ? { signal: opts.signal } : {}) });
  opts.signal?.throwIfAborted();
  return out as WorkerResults[T['kind']];
};
