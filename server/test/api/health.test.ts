import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { healthMonitor } from '../../src/services/health.service.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

/**
 * Health answers from the database's last answer, not from a query per probe: probes never queue behind the
 * analyses in flight, and a database that stopped answering still reads `unavailable` once its answer is stale.
 */

/**
 * A database whose answers the test releases by hand; only `query`, `mode` and `lastAnswerAt` are read by the
 * monitor. `activity.at` stands for the last answer to any other query of the process (the analyses in flight).
 */
function heldDb() {
  const calls: { resolve(rows: unknown[]): void; reject(e: Error): void }[] = [];
  const activity = { at: Number.NEGATIVE_INFINITY };
  const db = {
    mode: 'embedded',
    query: () => new Promise<unknown[]>((resolve, reject) => calls.push({ resolve, reject })),
    lastAnswerAt: () => activity.at,
  };
  // The monitor reads three members of Db; the rest of the interface is not used by it.
  return { db: db as unknown as Db, calls, activity };
}
const versionsRow = [{ postgis: '3.5.2', postgres: '15.19' }];

describe('health monitor', () => {
  it('when the database answered a moment ago, then probes answer at once and share one ping per refresh', async () => {
    let t = 0;
    const { db, calls } = heldDb();
    const health = healthMonitor(db, { refreshMs: 1_000, staleMs: 10_000, timeoutMs: 60_000, now: () => t });
    const first = health(true);
    expect(calls).toHaveLength(1);
    calls[0]?.resolve(versionsRow);
    expect(await first).toEqual({ status: 'ok', database: { mode: 'embedded', postgres: '15.19', postgis: '3.5.2' } });
    // Within refreshMs: no query at all.
    t = 500;
    expect(await health(false)).toEqual({ status: 'ok' });
    expect(calls).toHaveLength(1);
    // Past refreshMs the database is busy (the ping hangs): 20 probes still answer ok, and only one ping was sent.
    t = 2_000;
    const probes = await Promise.all(Array.from({ length: 20 }, () => health(false)));
    expect(probes.every((p) => p.status === 'ok')).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('when the database stops answering, then once its answer is stale a probe reads unavailable at once, the reason once the ping times out, and a ping is sent again once the one out is given up', async () => {
    let t = 0;
    const { db, calls } = heldDb();
    const health = healthMonitor(db, { refreshMs: 1_000, staleMs: 10_000, timeoutMs: 50, now: () => t });
    const first = health(false);
    calls[0]?.resolve(versionsRow);
    expect(await first).toEqual({ status: 'ok' });
    t = 5_000;
    expect(await health(false)).toEqual({ status: 'ok' }); // a ping goes out and is never answered
    t = 10_000;
    // The ping is still out (its 50 ms have not passed): the probe does not wait on it, the answer is 10 s old.
    const signed = await health(true);
    expect(signed).toEqual({ status: 'unavailable', database: { mode: 'embedded' }, detail: 'no answer for 10 s' });
    expect(await health(false)).toEqual({ status: 'unavailable' });
    expect(calls).toHaveLength(2);
    // Once that ping has timed out, a probe names the reason, still at once: the ping stays out, none queues behind it.
    await new Promise((w) => setTimeout(w, 80));
    expect(await health(true)).toMatchObject({ status: 'unavailable', detail: 'no answer in 50 ms' });
    expect(calls).toHaveLength(2);
    // Out for the stale age with nothing answered since it went out, the ping is given up: the next probe sends one.
    t = 15_001;
    const late = health(false);
    expect(calls).toHaveLength(3);
    calls[2]?.resolve(versionsRow);
    expect(await late).toEqual({ status: 'ok' });
  });

  it('when the ping is stuck behind the analyses but their own queries are answered, then health stays ok', async () => {
    let t = 0;
    const { db, calls, activity } = heldDb();
    const health = healthMonitor(db, { refreshMs: 1_000, staleMs: 10_000, timeoutMs: 60_000, now: () => t });
    const first = health(true);
    calls[0]?.resolve(versionsRow);
    await first;
    t = 2_000;
    expect(await health(false)).toEqual({ status: 'ok' }); // this ping waits behind the queue for the whole case
    for (t = 4_000; t <= 30_000; t += 2_000) {
      activity.at = t - 500; // another request's query came back half a second ago
      expect(await health(true)).toEqual({
        status: 'ok',
        database: { mode: 'embedded', postgres: '15.19', postgis: '3.5.2' },
      });
    }
    expect(calls).toHaveLength(2); // one ping out, never a second behind it
    activity.at = 19_000; // and then nothing answers: 11 s later the database reads unavailable
    t = 30_000;
    expect(await health(false)).toEqual({ status: 'unavailable' });
  });

  it('when a ping fails, then the next probe reads unavailable with the reason, and ok again once it answers', async () => {
    let t = 0;
    const { db, calls } = heldDb();
    const health = healthMonitor(db, { now: () => t });
    const first = health(true);
    calls[0]?.reject(new Error('connection refused'));
    expect(await first).toMatchObject({ status: 'unavailable', detail: 'connection refused' });
    t = 100;
    const again = health(false);
    expect(calls).toHaveLength(2); // a failure is not cached: every probe asks again
    calls[1]?.resolve(versionsRow);
    expect(await again).toEqual({ status: 'ok' });
  });
});

describe('health monitor on the real database', () => {
  let t: TestDb;
  let disposed = false;
  beforeAll(async () => {
    t = await openTestDb({ migrate: false });
  });
  afterAll(async () => {
    if (!disposed) await t.dispose();
  });

  it('when a query is answered, then Db.lastAnswerAt moves to its time, for an SQL error too', async () => {
    const before = Date.now();
    await t.db.query('SELECT 1');
    const answered = t.db.lastAnswerAt();
    expect(answered).toBeGreaterThanOrEqual(before);
    expect(answered).toBeLessThanOrEqual(Date.now());
    // An SQL error is still the database answering.
    await new Promise((w) => setTimeout(w, 5));
    await expect(t.db.query('SELECT no_such_column FROM no_such_table')).rejects.toThrow();
    expect(t.db.lastAnswerAt()).toBeGreaterThan(answered);
  });

  it('when the database is open, then ok with its versions; closed, then unavailable', async () => {
    // The clock must be the one Db.lastAnswerAt reads (Date.now), shifted by hand to age the last answer.
    let shiftMs = 0;
    const health = healthMonitor(t.db, { timeoutMs: 5_000, now: () => Date.now() + shiftMs });
    const [row] = await t.db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    expect(await health(true)).toMatchObject({
      status: 'ok',
      database: { mode: t.db.mode, postgres: row?.v, postgis: expect.stringMatching(/^3\./) },
    });
    await t.dispose(); // drops the throwaway schema and closes the database
    disposed = true;
    shiftMs = 20_000;
    expect((await health(true)).status).toBe('unavailable');
  });
});
