import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { healthMonitor } from '../../src/services/health.service.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

/**
 * Health answers from the database's last answer, not from a query per probe: probes never queue behind the
 * analyses in flight, and a database that stopped answering still reads `unavailable` once its answer is stale.
 */

/** A database whose answers the test releases by hand; only `query` and `mode` are read by the monitor. */
function heldDb() {
  const calls: { resolve(rows: unknown[]): void; reject(e: Error): void }[] = [];
  const db = {
    mode: 'embedded',
    query: () => new Promise<unknown[]>((resolve, reject) => calls.push({ resolve, reject })),
  };
  // The monitor reads two members of Db; the rest of the interface is not used by it.
  return { db: db as unknown as Db, calls };
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

  it('when the database stops answering, then once its answer is stale a probe waits for the ping and reads unavailable', async () => {
    let t = 0;
    const { db, calls } = heldDb();
    const health = healthMonitor(db, { refreshMs: 1_000, staleMs: 10_000, timeoutMs: 50, now: () => t });
    const first = health(false);
    calls[0]?.resolve(versionsRow);
    expect(await first).toEqual({ status: 'ok' });
    t = 5_000;
    expect(await health(false)).toEqual({ status: 'ok' }); // stale ping in flight, never answered
    t = 10_000;
    const signed = await health(true);
    expect(signed.status).toBe('unavailable');
    expect(signed).toMatchObject({ database: { mode: 'embedded' }, detail: 'no answer in 50 ms' });
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

  it('when the database is open, then ok with its versions; closed, then unavailable', async () => {
    let now = 0;
    const health = healthMonitor(t.db, { timeoutMs: 5_000, now: () => now });
    const [row] = await t.db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    expect(await health(true)).toMatchObject({
      status: 'ok',
      database: { mode: t.db.mode, postgres: row?.v, postgis: expect.stringMatching(/^3\./) },
    });
    await t.dispose(); // drops the throwaway schema and closes the database
    disposed = true;
    now = 20_000;
    expect((await health(true)).status).toBe('unavailable');
  });
});
