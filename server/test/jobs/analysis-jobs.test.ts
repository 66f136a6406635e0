import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { defaultJobManager } from '../../src/jobs/default-jobs.js';
import type { JobManager, JobView } from '../../src/jobs/job-manager.js';
import { districtDraft } from '../../src/services/beat-planning.service.js';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { isochrone, isochroneGeoJson, planPatrolsWithInputs, reachMap } from '../../src/services/routing.service.js';
import { createAndSignIn } from '../helpers/sign-in.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

/**
 * The patrol, reach, isochrone and districting kinds in the worker pool, through the jobs API and through their
 * synchronous endpoints. The reference of each answer is the same service with its engine on this thread (inProcess).
 * The jobs here never wait synchronously (syncWaitMs 0): a synchronous endpoint answers 202 with its job unless the same
 * question on the same data was answered before, which is then answered at once.
 */
type Json = Record<string, any>; // test-only escape: bodies are checked field by field below

let t: TestDb;
let jobs: JobManager;
let server: Server;
let url: string;
const cookies: Record<string, string> = {};
let station: number;
let beat: { id: number; station_id: number };

async function call(who: string, method: string, path: string, body?: unknown) {
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
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((b) => b.includes('data: '))
    .map((b) => JSON.parse(b.slice(b.indexOf('data: ') + 6)) as Json);
}

/** Runs a job to its end through the API: its events (progress never falls, ends at 1) and the job with its result. */
async function runJob(who: string, kind: string, params: unknown): Promise<Json> {
  const r = await call(who, 'POST', '/api/v1/jobs', { kind, params });
  expect(r.status, JSON.stringify(r.json).slice(0, 300)).toBe(202);
  const seen = await events(who, r.json.id);
  const progress = seen.map((e) => e.progress as number);
  for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1] ?? 0);
  const last = seen[seen.length - 1] ?? {};
  expect([last.state, last.progress], JSON.stringify(last.error)).toEqual(['done', 1]);
  const job = (await call(who, 'GET', `/api/v1/jobs/${r.json.id}`)).json;
  // The result route sends the result, and it is what the kind's answer schema (the synchronous endpoint's) says.
  const result = await call(who, 'GET', `/api/v1/jobs/${r.json.id}/result`);
  expect(result.json).toEqual(job.result);
  expect(jobs.answerOf(kind)?.safeParse(result.json).error, `${kind} answer`).toBeUndefined();
  return job;
}

/** Resolves once the live job reports progress above `p` (or ends). */
const progressed = (id: string, p: number) =>
  new Promise<void>((resolve) => {
    const stop = jobs.subscribe(
      id,
      (v: JobView) => {
        if (v.progress > p) {
          stop?.();
          resolve();
        }
      },
      () => resolve(),
    );
    if (!stop) resolve();
  });

const count = async (sql: string) => ((await t.db.query<{ n: number }>(sql))[0] as { n: number }).n;

beforeAll(async () => {
  t = await openTestDb();
  await loadDemoCity(t.db, { seed: 11, incidents: 3_000 });
  jobs = defaultJobManager(t.db, [], { perUserLimit: 2, syncWaitMs: 0 });
  server = createApp({ db: t.db, logger: pino({ level: 'silent' }), jobs }).listen(0, '127.0.0.1');
  server.keepAliveTimeout = 600_000;
  await new Promise<void>((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  [beat] = (await t.db.query<{ id: number; station_id: number }>(
    `SELECT b.id, b.station_id FROM beat b JOIN checkpoint c ON ST_Contains(b.geom, c.geom)
     GROUP BY b.id ORDER BY count(c.id) DESC, b.id LIMIT 1`,
  )) as [{ id: number; station_id: number }];
  station = beat.station_id;
  // The planner belongs to the station whose beats the tests plan and draft (drafts are fenced by station).
  for (const [name, role, stationId] of [
    ['admin', 'admin', null],
    ['wang', 'planner', station],
    ['li', 'leader', null],
  ] as const) {
    cookies[name] = (await createAndSignIn(url, t.db, `aj-${name}`, role, stationId)).cookie;
  }
}, 600_000);
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await t?.dispose();
});

const PATROL = () => ({
  base: { kind: 'station', id: station },
  beatId: beat.id,
  units: 2,
  hours: 4,
  startHour: 19,
  profile: 'foot',
});

describe('patrol, reach, isochrone and districting as jobs in the pool', () => {
  it('when a patrol job runs, then its progress rises to 1 and it plans what the same service plans on this thread', async () => {
    const job = await runJob('wang', 'patrol', PATROL());
    const ref = await planPatrolsWithInputs(t.db, {
      profile: 'foot',
      base: { kind: 'station', id: station },
      beatId: beat.id,
      units: 2,
      hours: 4,
      startHour: 19,
      prizeCells: 20,
      prizeDwellMinutes: 10,
      incidentWeight: 1,
      blindSpotWeight: 0.3,
    });
    expect(job.result.units).toHaveLength(2);
    expect(job.result.units.map((u: Json) => u.stops.map((s: Json) => s.id))).toEqual(
      ref.map((u) => u.stops.map((s) => s.id)),
    );
    job.result.units.forEach((u: Json, i: number) => {
      expect(u.minutes).toBeCloseTo(ref[i]?.minutes ?? NaN, 9);
      expect(u.minutesOutside).toBeCloseTo(ref[i]?.minutesOutside ?? NaN, 9);
      expect(u.line).toEqual(ref[i]?.line);
    });
  });

  it('when the synchronous patrol endpoint is asked, then it answers 202 with its job, and the same question again at once from the kept result', async () => {
    const first = await call('wang', 'POST', '/api/v1/routing/patrol', { ...PATROL(), units: 1 });
    expect(first.status).toBe(202);
    expect(first.headers.get('location')).toBe(`/api/v1/jobs/${first.json.id}`);
    await events('wang', first.json.id);
    const kept = await call('wang', 'GET', `/api/v1/jobs/${first.json.id}/result`);
    expect(kept.status).toBe(200);
    const again = await call('wang', 'POST', '/api/v1/routing/patrol', { ...PATROL(), units: 1 });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(kept.json);
    // GPX from the same kept result.
    const gpx = await fetch(`${url}/api/v1/routing/patrol?format=gpx`, {
      method: 'POST',
      headers: { cookie: cookies.wang ?? '', 'content-type': 'application/json' },
      body: JSON.stringify({ ...PATROL(), units: 1 }),
    });
    expect(gpx.status).toBe(200);
    expect(gpx.headers.get('content-type')).toMatch(/gpx/);
    expect((await gpx.text()).match(/<trk>/g)).toHaveLength(1);
  });

  it('when reach and isochrone jobs run, then they answer what the synchronous services answer on this thread', async () => {
    const reach = await runJob('li', 'reach', { profile: 'car' });
    const ref = await reachMap(t.db, 'car');
    expect(reach.result.edges).toBe(ref.edges.length);
    expect(reach.result.shares).toEqual(ref.shares);
    expect(reach.result.grids).toEqual(ref.grids);
    expect(reach.result.roads).toEqual(ref.roads);
    // Through the synchronous endpoint: the same question, so the kept result, at once.
    const sync = await call('li', 'GET', '/api/v1/routing/reach?profile=car');
    expect(sync.status).toBe(200);
    expect(sync.json).toEqual(reach.result);

    const iso = await runJob('li', 'isochrone', { lon: 118.785, lat: 32.038, minutes: '1,3' });
    const isoRef = isochroneGeoJson(await isochrone(t.db, 'car', 118.785, 32.038, [1, 3]));
    expect(iso.result.snapped).toEqual(isoRef.snapped);
    expect(iso.result.features.map((f: Json) => f.properties)).toEqual(isoRef.features.map((f) => f.properties));
    expect(iso.result.features[1].geometry).toEqual(isoRef.features[1]?.geometry);
    const isoSync = await call('li', 'GET', '/api/v1/routing/isochrone?lon=118.785&lat=32.038&minutes=1,3');
    expect(isoSync.status).toBe(200);
    expect(isoSync.json.features.map((f: Json) => f.properties)).toEqual(isoRef.features.map((f) => f.properties));
  });

  it('when a districting preview and a districting draft run as jobs, then the preview equals the service on this thread and the draft is stored once', async () => {
    const preview = await runJob('wang', 'districting', { stationId: station });
    const ref = await districtDraft(t.db, { stationId: station, tolerance: 0.1 });
    expect(preview.result.beats).toEqual(ref.beats);
    expect(preview.result.draft.objective).toBeCloseTo(ref.draft.objective, 12);
    const plansBefore = await count('SELECT count(*)::int AS n FROM plan');
    const draft = await runJob('wang', 'districting-draft', {
      name: '作业方案',
      stationId: station,
      recom: false,
    });
    expect(draft.result.plan.kind).toBe('districting');
    expect(await count('SELECT count(*)::int AS n FROM plan')).toBe(plansBefore + 1);
    expect(draft.result.after.beats.length).toBeGreaterThan(0);
    // The synchronous endpoint: 202 with the job, the draft stored when it ends, 201 from the job's result.
    const sync = await call('wang', 'POST', '/api/v1/plans/districting', {
      name: '同步方案',
      stationId: station,
      recom: false,
    });
    expect(sync.status).toBe(202);
    await events('wang', sync.json.id);
    expect(await count('SELECT count(*)::int AS n FROM plan')).toBe(plansBefore + 2);
  });

  it('when a districting draft is cancelled while it runs, then its worker stops, it ends cancelled and nothing is stored', async () => {
    const plansBefore = await count('SELECT count(*)::int AS n FROM plan');
    const keptBefore = await count('SELECT count(*)::int AS n FROM analysis_result');
    const r = await call('wang', 'POST', '/api/v1/jobs', {
      kind: 'districting-draft',
      params: { name: '取消', stationId: station, recom: { cycles: 100, proposals: 200 } },
    });
    expect(r.status).toBe(202);
    // Cancelled once the engine reports it is searching (progress past the input stage).
    await progressed(r.json.id, 0.1);
    const del = await call('wang', 'DELETE', `/api/v1/jobs/${r.json.id}`);
    expect(del.json.state).toBe('cancelled');
    expect(jobs.pool.busy).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM plan')).toBe(plansBefore);
    expect(await count('SELECT count(*)::int AS n FROM analysis_result')).toBe(keptBefore);
    const [row] = await t.db.query<{ state: string; result_id: number | null }>(
      'SELECT state, result_id FROM job WHERE id = $1',
      [r.json.id],
    );
    expect(row).toEqual({ state: 'cancelled', result_id: null });
  });

  it('when a patrol or districting job fails, then it reports its error as problem+json', async () => {
    const bad = await call('wang', 'POST', '/api/v1/jobs', {
      kind: 'patrol',
      params: { base: { kind: 'post', id: 99999 } },
    });
    await events('wang', bad.json.id);
    const job = (await call('wang', 'GET', `/api/v1/jobs/${bad.json.id}`)).json;
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({
      status: 422,
      type: 'https://gridpatrol.dev/problems/unprocessable-entity',
      errors: [{ path: 'body.base.id' }],
    });
    const res = await fetch(`${url}/api/v1/jobs/${bad.json.id}/result`, { headers: { cookie: cookies.wang ?? '' } });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const locked = await call('wang', 'POST', '/api/v1/jobs', {
      kind: 'districting',
      params: { stationId: station, lockedBeats: ['NO-SUCH-BEAT'] },
    });
    await events('wang', locked.json.id);
    const lj = (await call('wang', 'GET', `/api/v1/jobs/${locked.json.id}`)).json;
    expect(lj.error).toMatchObject({ status: 422, errors: [{ path: 'lockedBeats[0]' }] });
    // A leader may read reach maps but not run a draft that writes beats' plans.
    const refused = await call('li', 'POST', '/api/v1/jobs', {
      kind: 'districting-draft',
      params: { name: 'x', stationId: station },
    });
    expect(refused.status).toBe(403);
  });

  it("when two users run these jobs, then neither sees the other's; an admin sees both", async () => {
    const mine = await call('wang', 'POST', '/api/v1/jobs', { kind: 'reach', params: { profile: 'foot' } });
    const theirs = await call('li', 'POST', '/api/v1/jobs', {
      kind: 'isochrone',
      params: { lon: 118.785, lat: 32.038, minutes: '2' },
    });
    expect([mine.status, theirs.status]).toEqual([202, 202]);
    expect((await call('li', 'GET', `/api/v1/jobs/${mine.json.id}`)).status).toBe(404);
    expect((await call('li', 'GET', `/api/v1/jobs/${mine.json.id}/result`)).status).toBe(404);
    expect((await call('wang', 'DELETE', `/api/v1/jobs/${theirs.json.id}`)).status).toBe(404);
    const liList = ((await call('li', 'GET', '/api/v1/jobs')).json.jobs as Json[]).map((j) => j.id);
    expect(liList).toContain(theirs.json.id);
    expect(liList).not.toContain(mine.json.id);
    const all = ((await call('admin', 'GET', '/api/v1/jobs')).json.jobs as Json[]).map((j) => j.id);
    expect(all).toEqual(expect.arrayContaining([mine.json.id, theirs.json.id]));
    await events('wang', mine.json.id);
    await events('li', theirs.json.id);
  });

  it('when a leader sends 10 heavy analyses at once, then health keeps answering while they run, and each heavy one is answered (done, 202 or 429)', async () => {
    const heavy = Array.from({ length: 10 }, (_, i) =>
      i % 2 === 0
        ? call('li', 'POST', '/api/v1/planning/districting', { stationId: station, tolerance: 0.2 + i / 100 })
        : call('li', 'GET', `/api/v1/routing/isochrone?lon=118.785&lat=32.038&minutes=${i + 4}`),
    );
    for (let i = 0; i < 5; i++) {
      const h = await call('admin', 'GET', '/api/v1/health');
      expect(h.status).toBe(200);
      expect(h.json.status).toBeDefined();
    }
    const answers = await Promise.all(heavy);
    for (const a of answers) expect([200, 202, 429]).toContain(a.status);
    expect(answers.filter((a) => a.status === 202).length).toBeGreaterThan(0);
    // The jobs that were started end; nothing is left running in the pool.
    for (const a of answers.filter((x) => x.status === 202)) await events('li', a.json.id);
    expect(jobs.pool.busy).toBe(0);
  });
});
