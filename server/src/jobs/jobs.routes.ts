import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { parseOrThrow } from '../api/contract/features.js';
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
const listQuery = z.strictObject({ kind: z.string().max(40).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });

export const JOB_PATHS = [
  { method: 'post', path: '/api/v1/jobs', summary: 'Start a job: { kind, params (the synchronous endpoint\'s body), deadlineSeconds? } → 202 { id } + Location', body: submitBody },
  { method: 'get', path: '/api/v1/jobs', summary: 'My jobs (an admin: all), newest first', query: listQuery },
  { method: 'get', path: '/api/v1/jobs/{id}', summary: 'A job: state, progress 0…1, stage, times, result or error (problem+json)' },
  { method: 'get', path: '/api/v1/jobs/{id}/events', summary: 'The same as Server-Sent Events until the job ends' },
  { method: 'get', path: '/api/v1/jobs/{id}/result', summary: 'The result of a finished job; a failed job\'s problem+json' },
  { method: 'delete', path: '/api/v1/jobs/{id}', summary: 'Cancel: the worker stops, nothing of the job is kept' },
] as const;

function userOf(req: Request): SignedInUser {
  if (!req.user) throw new UnauthorizedError('Sign in first');
  return req.user;
}

/** 429 with Retry-After for the per-user job limit; other errors go to the central handler. */
export async function submitOrLimit(res: Response, submit: () => Promise<JobView>): Promise<JobView | undefined> {
  try {
    return await submit();
  } catch (err) {
    if (err instanceof JobLimitError) res.set('Retry-After', String(err.retryAfterSeconds));
    throw err;
  }
}

/** Sends a finished job's outcome as the synchronous endpoint would, or 202 with the job while it runs. */
export function answerJob(res: Response, job: JobView): void {
  if (job.state === 'done') { res.json(job.result); return; }
  if (job.state === 'failed' && job.error) { res.status(job.error.status).type('application/problem+json').json(job.error); return; }
  res.status(202).location(`/api/v1/jobs/${job.id}`).json(job);
}

/** The jobs API under /api/v1/jobs. */
export function jobRoutes(jobs: JobManager): Router {
  const router = Router();

  router.post('/jobs', async (req, res) => {
    const b = parseOrThrow(submitBody, req.body, 'job');
    const job = await submitOrLimit(res, () => jobs.submit(userOf(req), b.kind, b.params, b.deadlineSeconds ? { deadlineMs: b.deadlineSeconds * 1000 } : {}));
    if (!job) return;
    res.status(job.state === 'done' ? 200 : 202).location(`/api/v1/jobs/${job.id}`).json(job);
  });

  router.get('/jobs', async (req, res) => {
    const q = parseOrThrow(listQuery, req.query, 'query', 'query');
    res.json({ jobs: await jobs.list(userOf(req), { ...(q.kind ? { kind: q.kind } : {}), limit: q.limit }) });
  });

  router.get('/jobs/:id', async (req, res) => {
    res.json(await jobs.get(userOf(req), req.params.id));
  });

  router.get('/jobs/:id/result', async (req, res) => {
    const job = await jobs.get(userOf(req), req.params.id);
    if (job.state === 'done' || (job.state === 'failed' && job.error)) { answerJob(res, job); return; }
    res.status(409).type('application/problem+json').json({
      type: 'https://gridpatrol.dev/problems/job-not-done', title: `The job is ${job.state}`, status: 409, instance: req.originalUrl, state: job.state,
    });
  });

  router.get('/jobs/:id/events', async (req, res) => {
    const user = userOf(req);
    const first = await jobs.get(user, req.params.id);
    res.status(200).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    const send = (v: JobView) => res.write(`event: job\ndata: ${JSON.stringify(v)}\n\n`);
    const finish = async () => {
      send(await jobs.get(user, first.id));
      res.end();
    };
    const stop = jobs.subscribe(first.id, send, () => void finish());
    if (!stop) { await finish(); return; }
    send(first);
    req.on('close', stop);
  });

  router.delete('/jobs/:id', async (req, res) => {
    res.json(await jobs.cancel(userOf(req), req.params.id));
  });
  return router;
}
