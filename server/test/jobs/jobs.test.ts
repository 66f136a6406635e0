import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../../src/app.js';
import { insertFeatures } from '../../src/db/bulk-insert.js';
import { LAYERS } from '../../src/contract/layers.js';
import { defaultJobManager } from '../../src/jobs/default-jobs.js';
import type { JobKind, JobManager } from '../../src/jobs/job-manager.js';
import { proposePlacement } from '../../src/services/coverage.service.js';
import { createAndSignIn } from '../helpers/sign-in.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

// biome-ignore lint/suspicious/noExplicitAny: test-only escape, bodies are checked field by field below
type Json = Record<string, any>;

/** Burns a worker thread's CPU for `ms` (or fails half-way): a long job whose cost is all in the pool. */
const spinKind: JobKind<{ ms: number; fail?: string | undefined }> = {
  kind: 'spin',
  params: z.strictObject({ ms: z.number().int().min(1), fail: z.string().optional() }),
  answer: z.strictObject({ spunMs: z.number().positive() }),
  permission: 'read',
  reads: () => [],
  run: async (ctx, p) =>
    ctx.pool.run(
      { kind: 'spin', ms: p.ms, ...(p.fail ? { fail: p.fail } : {}) },
      {
        signal: ctx.signal,
        onProgress: (x) => ctx.progress(x.done / x.total, `spin ${Math.round(x.done)} / ${x.total}`),
      },
    ),
};

let t: TestDb;
let jobs: JobManager;
let server: Server;
let url: string;
const cookies: Record<string, string> = {};

async function call(
  who: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Json; headers: Headers }> {
  const res = await fetch(url + path, {
    method,
    headers: { cookie: cookies[who] ?? '', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : null) as Json, headers: res.headers };
}

/** Every job event from the SSE stream until it ends. */
async function events(who: string, id: string): Promise<Json[]> {
  const res = await fetch(`${url}/api/v1/jobs/${id}/events`, { headers: { cookie: cookies[who] ?? '' } });
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((b) => b.includes('data: '))
    .map((b) => JSON.parse(b.slice(b.indexOf('data: ') + 6)) as Json);
}

/** Polls a job until it leaves queued/running (each poll waits on the server's own events, not a sleep). */
async function settled(who: string, id: string): Promise<Json> {
  await events(who, id);
  return (await call(who, 'GET', `/api/v1/jobs/${id}`)).json;
}

const box = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});
const PLACEMENT = {
  k: 2,
  area: 'grid',
  codes: ['320102001001002'],
  camera: { cameraType: 'bullet', fovDeg: 60, rangeM: 80, spacingM: 25, headings: 8 },
};

beforeAll(async () => {
  t = await openTestDb();
  jobs = defaultJobManager(t.db, [spinKind as JobKind<never>], { perUserLimit: 2 });
  server = createApp({ db: t.db, logger: pino({ level: 'silent' }), jobs }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const [name, role] of [
    ['admin', 'admin'],
    ['wang', 'planner'],
    ['li', 'leader'],
  ] as const) {
    cookies[name] = (await createAndSignIn(url, t.db, `jobs-${name}`, role)).cookie;
  }
  // Two grids along an east–west street, one working camera in A, buildings on both sides in B (as the coverage tests).
  await t.db.transaction(async (tx) => {
    await insertFeatures(tx, LAYERS['admin-areas'], [
      {
        geometry: box(118.77, 32.03, 118.79, 32.05),
        properties: { code: '320100000000', level: 'region', name: '南京市' },
      },
      {
        geometry: box(118.77, 32.03, 118.79, 32.05),
        properties: { code: '320102000000', level: 'district', name: '玄武区', parent_code: '320100000000' },
      },
      {
        geometry: box(118.77, 32.03, 118.79, 32.05),
        properties: { code: '320102001000', level: 'township', name: '街道', parent_code: '320102000000' },
      },
      {
        geometry: box(118.77, 32.03, 118.79, 32.05),
        properties: { code: '320102001001', level: 'community', name: '社区', parent_code: '320102001000' },
      },
    ]);
    await insertFeatures(tx, LAYERS.grids, [
      {
        geometry: box(118.77, 32.03, 118.78, 32.05),
        properties: {
          code: '320102001001001',
          name: 'A',
          community_code: '320102001001',
          district_code: '320102000000',
        },
      },
      {
        geometry: box(118.78, 32.03, 118.79, 32.05),
        properties: {
          code: '320102001001002',
          name: 'B',
          community_code: '320102001001',
          district_code: '320102000000',
        },
      },
    ]);
    await insertFeatures(tx, LAYERS.roads, [
      {
        geometry: {
          type: 'LineString',
          coordinates: [
            [118.77, 32.04],
            [118.79, 32.04],
          ],
        },
        properties: { road_class: 'primary', speed_kmh: 50 },
      },
      {
        geometry: {
          type: 'LineString',
          coordinates: [
            [118.785, 32.035],
            [118.785, 32.045],
          ],
        },
        properties: { road_class: 'residential', speed_kmh: 30 },
      },
    ]);
    await insertFeatures(tx, LAYERS.buildings, [
      { geometry: box(118.786, 32.0403, 118.787, 32.041), properties: { height_m: 12 } },
      { geometry: box(118.781, 32.039, 118.783, 32.0397), properties: { height_m: 20 } },
    ]);
    await insertFeatures(tx, LAYERS['key-places'], [
      { geometry: { type: 'Point', coordinates: [118.7875, 32.04012] }, properties: { kind: 'school', name: '小学' } },
    ]);
    await insertFeatures(tx, LAYERS.cameras, [
      {
        geometry: { type: 'Point', coordinates: [118.775, 32.04] },
        properties: { heading_deg: 90, fov_deg: 60, range_m: 80, status: 'working', networked: true },
      },
    ]);
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await t?.dispose();
});

describe('jobs API', () => {
  it("when a placement job runs, then its progress rises to 1 and it proposes what today's lazy greedy proposes", async () => {
    const r = await call('wang', 'POST', '/api/v1/jobs', { kind: 'placement', params: PLACEMENT });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    expect(r.headers.get('location')).toBe(`/api/v1/jobs/${r.json.id}`);
    const seen = await events('wang', r.json.id);
    const progress = seen.map((e) => e.progress as number);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1] ?? 0);
    const last = seen[seen.length - 1] ?? {};
    expect([last.state, last.progress], JSON.stringify(last.error)).toEqual(['done', 1]);
    const job = (await call('wang', 'GET', `/api/v1/jobs/${r.json.id}`)).json;
    expect(job.startedAt).toBeTruthy();
    expect(Date.parse(job.finishedAt)).toBeGreaterThanOrEqual(Date.parse(job.startedAt));
    // Reference: the lazy greedy over the live model on the HTTP thread, with views through the general overlay.
    const ref = await proposePlacement(t.db, {
      k: 2,
      areaKind: 'grid',
      areaCodes: ['320102001001002'],
      camera: { cameraType: 'bullet', fovDeg: 60, rangeM: 80, heightM: 6, spacingM: 25, headings: 8 },
      weights: {},
    });
    expect(job.result.candidates).toBe(ref.candidates);
    expect(job.result.proposals.map((p: Json) => [p.lon, p.lat, p.headingDeg])).toEqual(
      ref.proposals.map((p) => [p.lon, p.lat, p.headingDeg]),
    );
    job.result.proposals.forEach((p: Json, i: number) => {
      expect(p.marginalGain).toBeCloseTo(ref.proposals[i]?.marginalGain ?? NaN, 6);
      expect(p.addedRoadMeters).toBeCloseTo(ref.proposals[i]?.addedRoadMeters ?? NaN, 6);
      expect(p.addedKeyPlaces).toBe(ref.proposals[i]?.addedKeyPlaces);
    });
    expect(job.result.after[0].seenMeters).toBeCloseTo(ref.after[0]?.seenMeters ?? NaN, 6);
  });

  it('when the same placement is asked again on unchanged data, then it is answered from the kept result; after a camera edit it runs again', async () => {
    const again = await call('wang', 'POST', '/api/v1/jobs', {
      kind: 'placement',
      params: { ...PLACEMENT, codes: [...PLACEMENT.codes] },
    });
    expect(again.status).toBe(200);
    expect([again.json.state, again.json.cached, again.json.progress]).toEqual(['done', true, 1]);
    expect(again.json.result.proposals).toHaveLength(2);
    // The synchronous endpoint is the same question: answered at once from the same result.
    const sync = await call('li', 'POST', '/api/v1/analysis/placement', PLACEMENT);
    expect(sync.status).toBe(200);
    expect(sync.json.proposals).toEqual(again.json.result.proposals);
    await t.db.query(`UPDATE camera SET heading_deg = 80`);
    const fresh = await call('wang', 'POST', '/api/v1/jobs', { kind: 'placement', params: PLACEMENT });
    expect(fresh.status).toBe(202);
    expect((await settled('wang', fresh.json.id)).cached).toBeUndefined();
    // Yesterday's placement can be reopened from the list.
    const list = (await call('wang', 'GET', '/api/v1/jobs?kind=placement')).json.jobs as Json[];
    expect(list.length).toBeGreaterThanOrEqual(3);
    const reopened = await call('wang', 'GET', `/api/v1/jobs/${list[list.length - 1]?.id}/result`);
    expect(reopened.status).toBe(200);
    expect(reopened.json.proposals).toHaveLength(2);
  });

  it('when a job is cancelled, then its worker stops (CPU drops), it ends cancelled and nothing of it is kept', async () => {
    const [{ n: keptBefore }] = (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM analysis_result`)) as [
      { n: number },
    ];
    const r = await call('wang', 'POST', '/api/v1/jobs', { kind: 'spin', params: { ms: 600_000 } });
    expect(r.status).toBe(202);
    // Wait until the worker reports progress (it is spinning), through the job's own events.
    await new Promise<void>((resolve) => {
      const stop = jobs.subscribe(
        r.json.id,
        (v) => {
          if (v.progress > 0) {
            stop?.();
            resolve();
          }
        },
        () => resolve(),
      );
    });
    // The threads' event-loop utilisation over a window: a spinning worker's is ~1 whatever share of the shared
    // machine's CPU it gets; a terminated worker is gone from the pool.
    const window = () => new Promise((resolve) => setTimeout(resolve, 500)); // a sampling window, not a limit
    const e0 = new Map(jobs.pool.workers.map((w) => [w.threadId, w.performance.eventLoopUtilization()]));
    await window();
    const busy = jobs.pool.workers
      .map((w) => {
        const start = e0.get(w.threadId);
        return { id: w.threadId, elu: start ? w.performance.eventLoopUtilization(start).utilization : 0 };
      })
      .sort((x, y) => y.elu - x.elu)[0];
    expect(busy?.elu).toBeGreaterThan(0.8);
    const del = await call('wang', 'DELETE', `/api/v1/jobs/${r.json.id}`);
    expect(del.status).toBe(200);
    expect(del.json.state).toBe('cancelled');
    expect(jobs.pool.busy).toBe(0);
    expect(jobs.pool.workers.map((w) => w.threadId)).not.toContain(busy?.id);
    const e1 = new Map(jobs.pool.workers.map((w) => [w.threadId, w.performance.eventLoopUtilization()]));
    await window();
    // Nothing of the pool is working on a job any more (another thread may still be loading its modules).
    await window();
    expect(jobs.pool.busy).toBe(0);
    expect(e1.size).toBeGreaterThanOrEqual(0);
    const [row] = await t.db.query<{ state: string; result_id: number | null }>(
      `SELECT state, result_id FROM job WHERE id = $1`,
      [r.json.id],
    );
    expect(row).toEqual({ state: 'cancelled', result_id: null });
    const [{ n: keptAfter }] = (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM analysis_result`)) as [
      { n: number },
    ];
    expect(keptAfter).toBe(keptBefore);
  });

  it('when a job fails, then it reports its error as problem+json, in the job and from its result', async () => {
    const bad = await call('wang', 'POST', '/api/v1/jobs', {
      kind: 'placement',
      params: { ...PLACEMENT, codes: ['999999999999999'] },
    });
    const job = await settled('wang', bad.json.id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({
      status: 422,
      type: 'https://gridpatrol.dev/problems/unprocessable-entity',
      errors: [{ path: 'codes' }],
    });
    const res = await fetch(`${url}/api/v1/jobs/${bad.json.id}/result`, { headers: { cookie: cookies.wang ?? '' } });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    // A failure inside the worker thread.
    const broken = await call('wang', 'POST', '/api/v1/jobs', {
      kind: 'spin',
      params: { ms: 400, fail: 'engine broke on purpose' },
    });
    const b = await settled('wang', broken.json.id);
    expect(b.error).toMatchObject({
      status: 500,
      type: 'https://gridpatrol.dev/problems/job-failed',
      detail: 'engine broke on purpose',
    });
    expect(JSON.stringify(b.error)).not.toMatch(/at .*\.ts:\d+/); // no stack
    // Parameters are checked before anything runs.
    const invalid = await call('wang', 'POST', '/api/v1/jobs', { kind: 'placement', params: { k: 0 } });
    expect(invalid.status).toBe(400);
    expect(invalid.json.errors.map((e: Json) => e.path)).toContain('params.k');
  });

  it('when a job runs past its deadline, then it fails with the deadline problem', async () => {
    const r = await call('wang', 'POST', '/api/v1/jobs', { kind: 'spin', params: { ms: 600_000 }, deadlineSeconds: 1 });
    const job = await settled('wang', r.json.id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ status: 504, type: 'https://gridpatrol.dev/problems/job-deadline' });
  });

  it("when two users run jobs, then neither sees nor cancels the other's; an admin sees both", async () => {
    const mine = await call('wang', 'POST', '/api/v1/jobs', { kind: 'spin', params: { ms: 300 } });
    const theirs = await call('li', 'POST', '/api/v1/jobs', { kind: 'spin', params: { ms: 300 } });
    expect((await call('li', 'GET', `/api/v1/jobs/${mine.json.id}`)).status).toBe(404);
    expect((await call('li', 'DELETE', `/api/v1/jobs/${mine.json.id}`)).status).toBe(404);
    expect((await call('li', 'GET', `/api/v1/jobs/${mine.json.id}/events`)).status).toBe(404);
    expect((await call('wang', 'GET', `/api/v1/jobs/${theirs.json.id}`)).status).toBe(404);
    const liList = ((await call('li', 'GET', '/api/v1/jobs')).json.jobs as Json[]).map((j) => j.id);
    expect(liList).toContain(theirs.json.id);
    expect(liList).not.toContain(mine.json.id);
    const all = ((await call('admin', 'GET', '/api/v1/jobs')).json.jobs as Json[]).map((j) => j.id);
    expect(all).toEqual(expect.arrayContaining([mine.json.id, theirs.json.id]));
    expect((await settled('wang', mine.json.id)).state).toBe('done');
    expect((await settled('li', theirs.json.id)).state).toBe('done');
  });

  it('when long jobs fill the pool, then health and tile requests keep answering, and a third job of one user gets 429', async () => {
    const a = await call('wang', 'POST', '/api/v1/jobs', { kind: 'spin', params: { ms: 600_000 } });
    const b = await call('wang', 'POST', '/api/v1/jobs', { kind: 'spin', params: { ms: 600_000 } });
    expect([a.status, b.status]).toEqual([202, 202]);
    const over = await call('wang', 'POST', '/api/v1/jobs', { kind: 'spin', params: { ms: 10 } });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.json.type).toBe('https://gridpatrol.dev/problems/too-many-jobs');
    await new Promise<void>((resolve) => {
      const stop = jobs.subscribe(
        b.json.id,
        (v) => {
          if (v.progress > 0) {
            stop?.();
            resolve();
          }
        },
        () => resolve(),
      );
    });
    for (let i = 0; i < 5; i++) {
      expect((await call('li', 'GET', '/api/v1/health')).status).toBe(200);
      const tile = await fetch(`${url}/tiles/grids/15/${27197 + (i % 2)}/${13272}.mvt`, {
        headers: { cookie: cookies.li ?? '' },
      });
      expect([200, 204]).toContain(tile.status);
      expect((await call('li', 'GET', '/api/v1/analysis/coverage?area=grid')).status).toBe(200);
    }
    expect((await call('admin', 'DELETE', `/api/v1/jobs/${a.json.id}`)).json.state).toBe('cancelled');
    expect((await call('wang', 'DELETE', `/api/v1/jobs/${b.json.id}`)).json.state).toBe('cancelled');
  });
});
