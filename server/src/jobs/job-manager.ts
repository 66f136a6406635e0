import type { ProblemCode } from '../contract/problem-codes.js';
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { z } from 'zod';
import type { Permission } from '../auth/policy.js';
import { can } from '../auth/policy.js';
import type { Db } from '../db/client.js';
import {
  dataVersions,
  failOrphanedJobs,
  findJob,
  findResult,
  insertJob,
  listJobs,
  resultById,
  saveResult,
  updateJob,
  type JobRow,
  type JobState,
} from '../db/repos/jobs.repo.js';
import { AppError, ForbiddenError, NotFoundError } from '../errors.js';
import type { SignedInUser } from '../services/auth.service.js';
import { JobLimitError, problemOf, type JobProblem } from './job-errors.js';
import type { WorkerPool } from './pool.js';

/** What a running job gets: the database (main thread), the pool, its signal, and where to report progress. */
export interface JobContext {
  db: Db;
  pool: WorkerPool;
  signal: AbortSignal;
  user: SignedInUser;
  /** fraction 0…1 of the whole job and the stage shown beside it ("计算视域 1,240 / 40,736"). */
  progress(fraction: number, stage: string): void;
}

/** One kind of job: its parameters (the body of the synchronous endpoint), who may run it, what it reads, the work. */
export interface JobKind<P = unknown> {
  kind: string;
  params: z.ZodType<P>;
  /** The answer of the synchronous endpoint this kind stands for: what GET /jobs/{id}/result sends when it is done. */
  answer: z.ZodType;
  permission: Permission;
  /** Tables the result depends on: their table_version counters key the kept result. None: never kept. */
  reads(params: P): readonly string[];
  run(ctx: JobContext, params: P): Promise<unknown>;
}

/** A job as the API shows it. */
export interface JobView {
  id: string;
  kind: string;
  ownerId: number;
  state: JobState;
  progress: number;
  stage: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  deadlineMs: number;
  /** Answered from a kept result of the same parameters on the same data. */
  cached?: boolean;
  result?: unknown;
  error?: JobProblem;
}

interface LiveJob {
  view: JobView;
  controller: AbortController;
  events: EventEmitter;
  finished: Promise<void>;
}

export interface JobManagerOptions {
  /** Default deadline per job. 10 minutes. */
  deadlineMs?: number;
  /** Jobs one user may have queued or running at once. 2. */
  perUserLimit?: number;
  /** How long a synchronous endpoint waits for its job before answering 202 with it. 5 s. */
  syncWaitMs?: number;
}

const TERMINAL: ReadonlySet<JobState> = new Set(['done', 'failed', 'cancelled']);

/** Canonical JSON (keys sorted) of parsed parameters: the same question gives the same key whatever the key order. */
export function paramsKey(kind: string, params: unknown): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(`${kind}\n${JSON.stringify(canon(params))}`)
    .digest('hex');
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/**
 * Jobs: validated and queued on the HTTP thread, run by their kind (which sends the heavy part to the worker pool),
 * tracked in memory while alive and in the `job` table for good. A cancelled job's worker threads are terminated and
 * nothing of it is kept; a finished job's result is kept in `analysis_result` under its parameters and the versions
 * of the tables it read, and the same request on unchanged data is answered from there.
 */
export class JobManager {
  private readonly kinds = new Map<string, JobKind<never>>();
  private readonly live = new Map<string, LiveJob>();
  readonly deadlineMs: number;
  readonly perUserLimit: number;
  readonly syncWaitMs: number;

  constructor(
    private readonly db: Db,
    readonly pool: WorkerPool,
    kinds: readonly JobKind<never>[],
    opts: JobManagerOptions = {},
  ) {
    for (const k of kinds) this.kinds.set(k.kind, k);
    this.deadlineMs = opts.deadlineMs ?? 10 * 60_000;
    this.perUserLimit = opts.perUserLimit ?? 2;
    this.syncWaitMs = opts.syncWaitMs ?? 5_000;
  }

  kindNames(): string[] {
    return [...this.kinds.keys()];
  }

  /** Each kind's answer schema (what a done job's result is), for the API document and the tests. */
  answerOf(kindName: string): z.ZodType | undefined {
    return this.kinds.get(kindName)?.answer;
  }

  /** Marks jobs a previous process left running as failed (they cannot finish). */
  async recover(): Promise<number> {
    return failOrphanedJobs(this.db);
  }

  /**
   * Validates and starts a job. Params are parsed by the kind's schema (errors under `params.…`); over the per-user
   * limit → JobLimitError (429).
   */
  async submit(
    user: SignedInUser,
    kindName: string,
    rawParams: unknown,
    opts: { deadlineMs?: number } = {},
  ): Promise<JobView> {
    const kind = this.kinds.get(kindName) as JobKind<unknown> | undefined;
    if (!kind)
      throw new NotFoundError(`No job kind "${kindName}"`, [
        { path: 'kind', message: `one of ${this.kindNames().join(', ')}` },
      ]);
    if (!can(user.role, kind.permission)) {
      throw new ForbiddenError(`The ${user.role} role may not run ${kindName} jobs`, [
        { path: 'kind', message: `needs ${kind.permission}` },
      ]);
    }
    const parsed = kind.params.safeParse(rawParams ?? {});
    if (!parsed.success) {
      throw new ValidationJobError(
        `Invalid ${kindName} parameters`,
        parsed.error.issues.map((i) => ({
          path: ['params', ...i.path.map(String)].join('.'),
          message: i.message,
        })),
      );
    }
    const params = parsed.data;
    const mine = [...this.live.values()].filter((j) => j.view.ownerId === user.id).length;
    if (mine >= this.perUserLimit) throw new JobLimitError(this.perUserLimit);

    const id = randomUUID();
    const deadlineMs = opts.deadlineMs ?? this.deadlineMs;
    const tables = kind.reads(params);
    const key = paramsKey(kindName, params);
    const versions = tables.length ? await dataVersions(this.db, tables) : '';
    await insertJob(this.db, { id, kind: kindName, ownerId: user.id, params, deadlineMs });
    const now = new Date();
    const view: JobView = {
      id,
      kind: kindName,
      ownerId: user.id,
      state: 'queued',
      progress: 0,
      stage: null,
      createdAt: now.toISOString(),
      startedAt: null,
      finishedAt: null,
      deadlineMs,
    };
    if (tables.length) {
      const kept = await findResult(this.db, kindName, key, versions);
      if (kept) {
        await updateJob(this.db, id, {
          state: 'done',
          progress: 1,
          stage: 'cached',
          startedAt: now,
          finishedAt: now,
          resultId: kept.id,
        });
        return {
          ...view,
          state: 'done',
          progress: 1,
          stage: 'cached',
          startedAt: now.toISOString(),
          finishedAt: now.toISOString(),
          cached: true,
          result: kept.result,
        };
      }
    }
    const controller = new AbortController();
    const events = new EventEmitter();
    const job: LiveJob = { view, controller, events, finished: Promise.resolve() };
    this.live.set(id, job);
    job.finished = this.runJob(job, kind, params, user, { tables, key, versions });
    return { ...view };
  }

  private emit(job: LiveJob): void {
    job.events.emit('update', { ...job.view });
  }

  private async runJob(
    job: LiveJob,
    kind: JobKind<unknown>,
    params: unknown,
    user: SignedInUser,
    keep: { tables: readonly string[]; key: string; versions: string },
  ): Promise<void> {
    const { view, controller } = job;
    const deadline = setTimeout(() => controller.abort(new DeadlineError(view.deadlineMs)), view.deadlineMs);
    deadline.unref();
    const started = new Date();
    Object.assign(view, { state: 'running', startedAt: started.toISOString(), stage: 'start' });
    let lastEmit = 0;
    const ctx: JobContext = {
      db: this.db,
      pool: this.pool,
      signal: controller.signal,
      user,
      progress: (fraction, stage) => {
        if (controller.signal.aborted) return;
        // Never backwards: stages run in order and each reports its share of the whole.
        view.progress = Math.max(view.progress, Math.min(1, Math.max(0, fraction)));
        view.stage = stage;
        const t = performance.now();
        if (t - lastEmit > 100) {
          lastEmit = t;
          this.emit(job);
        }
      },
    };
    try {
      await updateJob(this.db, view.id, { state: 'running', progress: 0, stage: 'start', startedAt: started });
      this.emit(job);
      const result = await kind.run(ctx, params);
      controller.signal.throwIfAborted();
      const resultId = await saveResult(this.db, {
        kind: view.kind,
        paramsKey: keep.key,
        params,
        versions: keep.tables.length ? keep.versions : `job:${view.id}`,
        result,
        createdBy: user.id,
      });
      Object.assign(view, { state: 'done', progress: 1, stage: 'done', finishedAt: new Date().toISOString(), result });
      await updateJob(this.db, view.id, {
        state: 'done',
        progress: 1,
        stage: 'done',
        finishedAt: new Date(),
        resultId,
      });
    } catch (err) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : err;
      if (reason instanceof CancelledError) {
        Object.assign(view, { state: 'cancelled', finishedAt: new Date().toISOString() });
        await updateJob(this.db, view.id, {
          state: 'cancelled',
          progress: view.progress,
          stage: view.stage,
          finishedAt: new Date(),
        });
      } else {
        const problem = problemOf(reason, `/api/v1/jobs/${view.id}`);
        Object.assign(view, { state: 'failed', finishedAt: new Date().toISOString(), error: problem });
        await updateJob(this.db, view.id, {
          state: 'failed',
          progress: view.progress,
          stage: view.stage,
          finishedAt: new Date(),
          error: problem,
        });
      }
    } finally {
      clearTimeout(deadline);
      this.live.delete(view.id);
      this.emit(job);
      job.events.emit('end');
    }
  }

  /** The job if the user may see it (their own; an admin's: any), else NotFound (others' jobs do not exist for them). */
  async get(user: SignedInUser, id: string): Promise<JobView> {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new NotFoundError(`No job ${id}`);
    const live = this.live.get(id);
    if (live) {
      if (!this.maysee(user, live.view.ownerId)) throw new NotFoundError(`No job ${id}`);
      return { ...live.view };
    }
    const row = await findJob(this.db, id);
    if (!row || !this.maysee(user, row.ownerId)) throw new NotFoundError(`No job ${id}`);
    return this.viewOf(row, true);
  }

  async list(user: SignedInUser, opts: { kind?: string; limit?: number } = {}): Promise<JobView[]> {
    const rows = await listJobs(this.db, {
      ...(user.role === 'admin' ? {} : { ownerId: user.id }),
      ...(opts.kind ? { kind: opts.kind } : {}),
      limit: opts.limit ?? 50,
    });
    return Promise.all(
      rows.map((r) =>
        this.live.get(r.id)?.view ? { ...(this.live.get(r.id) as LiveJob).view } : this.viewOf(r, false),
      ),
    );
  }

  private maysee(user: SignedInUser, ownerId: number): boolean {
    return user.role === 'admin' || user.id === ownerId;
  }

  private async viewOf(row: JobRow, withResult: boolean): Promise<JobView> {
    const view: JobView = {
      id: row.id,
      kind: row.kind,
      ownerId: row.ownerId,
      state: row.state,
      progress: row.progress,
      stage: row.stage,
      createdAt: iso(row.createdAt) ?? '',
      startedAt: iso(row.startedAt),
      finishedAt: iso(row.finishedAt),
      deadlineMs: row.deadlineMs,
    };
    if (row.stage === 'cached') view.cached = true;
    if (row.error) view.error = row.error as JobProblem;
    if (withResult && row.state === 'done' && row.resultId !== null)
      view.result = await resultById(this.db, row.resultId);
    return view;
  }

  /** Cancels a queued or running job: its worker threads are terminated, nothing of it is kept. */
  async cancel(user: SignedInUser, id: string): Promise<JobView> {
    const view = await this.get(user, id);
    const live = this.live.get(id);
    if (live) {
      live.controller.abort(new CancelledError());
      await live.finished;
    }
    return this.get(user, view.id);
  }

  /** Resolves with the job once it ends, or with undefined after `ms` (the synchronous endpoints' wait). */
  async waitFor(id: string, ms: number): Promise<JobView | undefined> {
    const live = this.live.get(id);
    if (!live) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      live.finished.then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
    clearTimeout(timer);
    return ended ? { ...live.view } : undefined;
  }

  /** Calls `onUpdate` with every change of a live job until it ends; answers an unsubscribe, or undefined if not live. */
  subscribe(id: string, onUpdate: (v: JobView) => void, onEnd: () => void): (() => void) | undefined {
    const live = this.live.get(id);
    if (!live) return undefined;
    live.events.on('update', onUpdate);
    live.events.once('end', onEnd);
    return () => {
      live.events.off('update', onUpdate);
      live.events.off('end', onEnd);
    };
  }

  /** Live jobs (queued or running) of a user. */
  running(userId: number): number {
    return [...this.live.values()].filter((j) => j.view.ownerId === userId).length;
  }
}

/** Why a job stopped when its user cancelled it. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** A job ran past its deadline. */
export class DeadlineError extends AppError {
  static readonly defaultCode: ProblemCode = 'job.deadline';
  readonly status = 504;
  readonly type = 'job-deadline';
  constructor(deadlineMs: number) {
    super(`The job ran past its deadline of ${Math.round(deadlineMs / 1000)} s`, [
      { path: 'deadlineSeconds', message: 'raise it or narrow the request' },
    ]);
  }
}

class ValidationJobError extends AppError {
  static readonly defaultCode: ProblemCode = 'request.invalid';
  readonly status = 400;
  readonly type = 'validation-error';
}
