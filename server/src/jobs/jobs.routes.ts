import type { Response } from 'express';
import { z } from 'zod';
import { RouteGroup, SENT } from '../api/route.js';
import { UnauthorizedError } from '../errors.js';
import type { SignedInUser } from '../services/auth.service.js';
import { JobLimitError } from './job-errors.js';
import type { JobManager, JobView } from './job-manager.js';

const submitBody = z.strictObject({
  kind: z.string().min(1).max(40),
  params: z.unknown().optional(),
  /** Deadline of this job; default 10 minutes. */
  deadlineSeconds: z.number().int().min(1).max(3600).optional(),
});
const listQuery = z.strictObject({
  kind: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const idParams = z.strictObject({ id: z.string().min(1).max(64) });

const jobView = z
  .object({
    id: z.string(),
    kind: z.string(),
    ownerId: z.number().int(),
    state: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
    progress: z.number().min(0).max(1),
    stage: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    deadlineMs: z.number(),
    cached: z
      .boolean()
      .optional()
      .meta({ description: 'answered from a kept result of the same parameters on the same data' }),
    result: z.unknown().optional(),
    error: z
      .looseObject({ type: z.string(), title: z.string(), status: z.number().int() })
      .optional()
      .meta({ description: 'problem+json' }),
  })
  .meta({ id: 'Job' });

/** A done job's result: one of the answers of the kinds this manager runs (each with its own schema id). */
function resultOfAnyKind(jobs: JobManager): z.ZodType {
  const answers = jobs.kindNames().map((k) => jobs.answerOf(k) ?? z.never());
  const [first, second, ...rest] = answers;
  if (!first) return z.never();
  return second ? z.union([first, second, ...rest]) : first;
}

function userOf(user: SignedInUser | undefined): SignedInUser {
  if (!user) throw new UnauthorizedError('Sign in first');
  return user;
}

/** 429 with Retry-After for the per-user job limit; other errors go to the central handler. */
export async function submitOrLimit(res: Response, submit: () => Promise<JobView>): Promise<JobView> {
  try {
    return await submit();
  } catch (err) {
    if (err instanceof JobLimitError) res.set('Retry-After', String(err.retryAfterSeconds));
    throw err;
  }
}

/** Sends a finished job's outcome as the synchronous endpoint would, or 202 with the job while it runs. */
export function answerJob(res: Response, job: JobView): typeof SENT {
  if (job.state === 'done') res.json(job.result);
  else if (job.state === 'failed' && job.error)
    res.status(job.error.status).type('application/problem+json').json(job.error);
  else res.status(202).location(`/api/v1/jobs/${job.id}`).json(job);
  return SENT;
}

/**
 * A synchronous analysis endpoint through the pool: its request runs as a job of `kind`; when the job ends within
 * the manager's syncWaitMs (5 s; or is answered from a kept result) the answer is the job's result (`send` may write it otherwise, e.g.
 * GPX) or its problem+json; past that, 202 with the job and its Location.
 */
export async function answerViaJob(
  jobs: JobManager,
  res: Response,
  user: SignedInUser | undefined,
  kind: string,
  params: unknown,
  send?: (result: unknown, job: JobView) => typeof SENT,
): Promise<typeof SENT> {
  const job = await submitOrLimit(res, () => jobs.submit(userOf(user), kind, params));
  const settled =
    job.state === 'queued' || job.state === 'running' ? ((await jobs.waitFor(job.id, jobs.syncWaitMs)) ?? job) : job;
  if (settled.state === 'done' && send) return send(settled.result, settled);
  return answerJob(res, settled);
}

/** The jobs API under /api/v1/jobs: every signed-in user runs and sees their own jobs (each kind checks its permission). */
export function jobRoutes(jobs: JobManager): RouteGroup {
  return new RouteGroup('jobs')
    .add(
      {
        method: 'post',
        path: '/jobs',
        permission: 'read',
        summary:
          "Start a job: { kind, params (the synchronous endpoint's body), deadlineSeconds? } → 202 { id } + Location",
        request: { body: submitBody },
        response: { status: 202, schema: jobView },
        problems: { 429: 'too many jobs of this user at once' },
      },
      async ({ body: b }, { res, user }): Promise<typeof SENT> => {
        const job = await submitOrLimit(res, () =>
          jobs.submit(
            userOf(user),
            b.kind,
            b.params,
            b.deadlineSeconds ? { deadlineMs: b.deadlineSeconds * 1000 } : {},
          ),
        );
        res
          .status(job.state === 'done' ? 200 : 202)
          .location(`/api/v1/jobs/${job.id}`)
          .json(job);
        return SENT;
      },
    )
    .add(
      {
        method: 'get',
        path: '/jobs',
        permission: 'read',
        summary: 'My jobs (an admin: all), newest first',
        request: { query: listQuery },
        response: { schema: z.object({ jobs: z.array(jobView) }) },
      },
      async ({ query: q }, { user }) => ({
        jobs: await jobs.list(userOf(user), { ...(q.kind ? { kind: q.kind } : {}), limit: q.limit }),
      }),
    )
    .add(
      {
        method: 'get',
        path: '/jobs/:id',
        permission: 'read',
        summary: 'A job: state, progress 0…1, stage, times, result or error (problem+json)',
        request: { params: idParams },
        response: { schema: jobView },
        problems: { 404: 'no such job of this user' },
      },
      async ({ params }, { user }) => jobs.get(userOf(user), params.id),
    )
    .add(
      {
        method: 'get',
        path: '/jobs/:id/result',
        permission: 'read',
        summary: "The result of a finished job; a failed job's problem+json",
        request: { params: idParams },
        // One of the kinds' answers: the synchronous endpoint's (POST /analysis/placement, /plans/districting, …).
        response: { schema: resultOfAnyKind(jobs), description: 'the result as the synchronous endpoint answers it' },
        problems: { 404: 'no such job of this user', 409: 'the job has not finished' },
      },
      async ({ params }, { req, res, user }) => {
        const job = await jobs.get(userOf(user), params.id);
        if (job.state === 'done' || (job.state === 'failed' && job.error)) return answerJob(res, job);
        res
          .status(409)
          .type('application/problem+json')
          .json({
            type: 'https://gridpatrol.dev/problems/job-not-done',
            title: `The job is ${job.state}`,
            status: 409,
            code: 'job.not_done',
            instance: req.originalUrl,
            state: job.state,
          });
        return SENT;
      },
    )
    .add(
      {
        method: 'get',
        path: '/jobs/:id/events',
        permission: 'read',
        summary: 'The same as Server-Sent Events until the job ends',
        request: { params: idParams },
        response: { contentType: 'text/event-stream', description: 'events `job` with the job as data' },
      },
      async ({ params }, { req, res, user }) => {
        const me = userOf(user);
        const first = await jobs.get(me, params.id);
        res
          .status(200)
          .set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
        res.flushHeaders();
        const send = (v: JobView) => res.write(`event: job\ndata: ${JSON.stringify(v)}\n\n`);
        const finish = async () => {
          send(await jobs.get(me, first.id));
          res.end();
        };
        const stop = jobs.subscribe(first.id, send, () => void finish());
        if (!stop) {
          await finish();
          return SENT;
        }
        send(first);
        req.on('close', stop);
        return SENT;
      },
    )
    .add(
      {
        method: 'delete',
        path: '/jobs/:id',
        permission: 'read',
        summary: 'Cancel: the worker stops, nothing of the job is kept',
        request: { params: idParams },
        response: { schema: jobView },
      },
      async ({ params }, { user }) => jobs.cancel(userOf(user), params.id),
    );
}
