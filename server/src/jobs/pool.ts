import { availableParallelism } from 'node:os';
import { MessageChannel, type Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { TaskEnvelope, TaskProgress, WorkerResults, WorkerTask } from './task-types.js';

/**
 * Threads: one per core (the HTTP thread mostly waits on I/O), at least one; GRIDPATROL_WORKERS overrides. Leaving a
 * core to the HTTP thread was measured (load bench, 2 cores, server DB, 4 placement/patrol jobs, machine load 23):
 * health p99 894 ms with 1 thread vs 1,303 ms with 2, but 4.1× vs 3.7× the idle window measured just before each —
 * no clear gain under that load, and half the throughput for placements, so one per core stays.
 */
export function poolSize(): number {
  const env = Number(process.env.GRIDPATROL_WORKERS);
  return Number.isInteger(env) && env > 0 ? env : Math.max(1, availableParallelism());
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (p: TaskProgress) => void;
}

/**
 * The worker-thread pool heavy engine work runs in (piscina). Tasks carry plain data; an aborted task's thread is
 * terminated by piscina, so a cancelled job stops at once wherever its loop is.
 */
export class WorkerPool {
  private readonly piscina: Piscina<TaskEnvelope, unknown>;

  constructor(readonly size = poolSize()) {
    this.piscina = new Piscina({
      filename: new URL('./worker-entry.mjs', import.meta.url).href,
      minThreads: 0,
      maxThreads: size,
      // Threads stay a while for the next job (starting one loads tsx and the engines, ~0.5 s), then go, so an idle
      // process holds no threads and a test process can exit.
      idleTimeout: 60_000,
      // A queued task waits for a thread; none is refused.
      maxQueue: Infinity,
    });
  }

  async run<T extends WorkerTask>(task: T, opts: RunOptions = {}): Promise<WorkerResults[T['kind']]> {
    let port: MessageChannel | undefined;
    if (opts.onProgress) {
      port = new MessageChannel();
      const onProgress = opts.onProgress;
      port.port1.on('message', (m: TaskProgress) => onProgress(m));
      port.port1.unref();
    }
    try {
      return (await this.piscina.run(port ? { task, port: port.port2 } : { task }, {
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(port ? { transferList: [port.port2] } : {}),
      })) as WorkerResults[T['kind']];
    } finally {
      port?.port1.close();
    }
  }

  /** Tasks running or waiting. */
  get busy(): number {
    return this.piscina.queueSize + this.piscina.threads.length - this.piscina.idleThreads;
  }

  /** The live threads (for tests and metrics: their ids and event-loop utilisation). */
  get workers(): readonly Worker[] {
    return this.piscina.threads;
  }

  async close(): Promise<void> {
    await this.piscina.destroy();
  }
}

let shared: WorkerPool | undefined;

/** The process's one pool, made on first use. */
export function sharedPool(): WorkerPool {
  shared ??= new WorkerPool();
  return shared;
}
