import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { defaultJobManager } from '../../src/jobs/default-jobs.js';
import type { JobManager } from '../../src/jobs/job-manager.js';
import { beatWorkload } from '../../src/services/beat-planning.service.js';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { incidentHotspots, incidentTrends, nearRepeat } from '../../src/services/incidents.service.js';
import { createAndSignIn } from '../helpers/sign-in.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

/**
 * Gi* hot spots, trends, the Knox test and beat workload as jobs in the worker pool, and through their synchronous
 * endpoints. The reference of each answer is the same service with its engine on this thread (the default runner);
 * the answers' own correctness (Gi* formula, brute-force Knox pairs, turf counts) is checked in test/api.
 */
type Json = Record<string, any>; // test-only escape: bodies are checked field by field below

let t: TestDb;
let jobs: JobManager;
let server: Server;
let url: string;
let cookie = '';

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : null) as Json };
}

/** Runs a job through the API to its end: progress never falls and ends at 1; answers the job with its result. */
async function runJob(kind: string, params: unknown): Promise<Json> {
  const r = await call('POST', '/api/v1/jobs', { kind, params });
  expect(r.status, JSON.stringify(r.json).slice(0, 300)).toBe(202);
  const res = await fetch(`${url}/api/v1/jobs/${r.json.id}/events`, { headers: { cookie } });
  const seen = (await res.text())
    .split('\n\n')
    .filter((b) => b.includes('data: '))
    .map((b) => JSON.parse(b.slice(b.indexOf('data: ') + 6)) as Json);
  const progress = seen.map((e) => e.progress as number);
  for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1] ?? 0);
  const last = seen[seen.length - 1] ?? {};
  expect([last.state, last.progress], JSON.stringify(last.error)).toEqual(['done', 1]);
  const job = (await call('GET', `/api/v1/jobs/${r.json.id}`)).json;
  // The result route sends the result, and it is what the kind's answer schema (the synchronous endpoint's) says.
  const result = await call('GET', `/api/v1/jobs/${r.json.id}/result`);
  expect(result.json).toEqual(job.result);
  expect(jobs.answerOf(kind)?.safeParse(result.json).error, `${kind} answer`).toBeUndefined();
  return job;
}

beforeAll(async () => {
  t = await openTestDb();
  await loadDemoCity(t.db, { seed: 5, incidents: 2_000 });
  jobs = defaultJobManager(t.db, [], { perUserLimit: 2, syncWaitMs: 0 });
  server = createApp({ db: t.db, logger: pino({ level: 'silent' }), jobs }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cookie = (await createAndSignIn(url, t.db, 'ij-leader', 'leader')).cookie;
}, 600_000);
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await t?.dispose();
});

describe('hot spots, trends, near repeat and workload as jobs in the pool', () => {
  it('when a hot-spot job runs, then its progress ends at 1 and its cells equal the service on this thread', async () => {
    const job = await runJob('hotspots', { res: '9', k: '2' });
    const ref = await incidentHotspots(t.db, 9, 2, {});
    expect(job.result.studyCells).toBe(ref.studyCells);
    expect(ref.cells.some((c) => c.bin !== 0)).toBe(true);
    expect(job.result).toEqual(JSON.parse(JSON.stringify(ref)));
    // The synchronous endpoint: the same question on the same data, so the kept result at once.
    const sync = await call('GET', '/api/v1/incidents/hotspots?res=9&k=2');
    expect(sync.status).toBe(200);
    expect(sync.json).toEqual(job.result);
    // A new question is a new job: 202 with it (the manager here never waits).
    const other = await call('GET', '/api/v1/incidents/hotspots?res=8');
    expect(other.status).toBe(202);
    await jobs.waitFor(other.json.id, 600_000);
  });

  it('when a trend job runs, then its weeks and cells equal the service on this thread', async () => {
    const job = await runJob('trends', { res: '8', weeks: '8' });
    const ref = await incidentTrends(t.db, 8, 8, {});
    expect(ref.cells.length).toBeGreaterThan(0);
    expect(job.result).toEqual(JSON.parse(JSON.stringify(ref)));
    const sync = await call('GET', '/api/v1/incidents/trends?res=8&weeks=8');
    expect([sync.status, sync.json]).toEqual([200, job.result]);
  });

  it('when a near-repeat job runs, then observed, expected and p equal the service with the same seed', async () => {
    const job = await runJob('near-repeat', { space: '300', time: '10', permutations: '49', seed: '7' });
    const ref = await nearRepeat(t.db, {}, { spaceMeters: 300, timeDays: 10, permutations: 49, seed: 7 });
    expect(ref.events).toBeGreaterThan(100);
    expect(job.result).toEqual({ spaceMeters: 300, timeDays: 10, seed: 7, ...ref });
  });

  it('when a workload job runs, then every beat and balance equals the service', async () => {
    const job = await runJob('workload', { weights: '盗窃:2' });
    const ref = await beatWorkload(t.db, { weights: { 盗窃: 2 } });
    expect(ref.beats.length).toBeGreaterThan(0);
    expect(job.result).toEqual(JSON.parse(JSON.stringify(ref)));
    const sync = await call('GET', `/api/v1/planning/workload?weights=${encodeURIComponent('盗窃:2')}`);
    expect([sync.status, sync.json]).toEqual([200, job.result]);
  });

  it('when a job is asked with bad parameters, then it is refused with their path', async () => {
    const r = await call('POST', '/api/v1/jobs', { kind: 'trends', params: { weeks: '2' } });
    expect(r.status).toBe(400);
    expect(r.json.errors[0].path).toBe('params.weeks');
  });
});
