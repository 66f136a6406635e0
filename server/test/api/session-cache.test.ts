import { describe, expect, it } from 'vitest';
import type { UserRow } from '../../src/db/repos/users.repo.js';
import { SessionCache } from '../../src/services/session-cache.js';

/**
 * The session cache in front of the session query: reads are counted and answered by hand, the clock is the test's.
 * (That a sign-out or a disabled account is refused on the very next request is checked over HTTP in auth.test.ts.)
 */
const wang: UserRow = { id: 7, username: 'wang', displayName: null, role: 'leader', stationId: null, disabled: false };

function heldReads() {
  const reads: { hash: string; answer(u: UserRow | undefined): void; fail(e: Error): void }[] = [];
  const read = (hash: string) =>
    new Promise<UserRow | undefined>((resolve, reject) => reads.push({ hash, answer: resolve, fail: reject }));
  return { read, reads };
}
const settle = () => new Promise((w) => setImmediate(w));

describe('session cache', () => {
  it('when a session was read a moment ago, then it answers without a query; past freshMs at once with one re-read behind; past maxAgeMs it waits, unless a re-read is still out (then up to busyMaxAgeMs)', async () => {
    let t = 0;
    const { read, reads } = heldReads();
    const cache = new SessionCache(read, { freshMs: 2_000, maxAgeMs: 10_000, busyMaxAgeMs: 60_000, now: () => t });
    const first = cache.userOf('h1');
    reads[0]?.answer(wang);
    expect(await first).toEqual(wang);
    t = 1_000;
    expect(await cache.userOf('h1')).toEqual(wang);
    expect(reads).toHaveLength(1);
    t = 3_000;
    // 20 requests while the database is busy: all answer from memory, one re-read goes out.
    const many = await Promise.all(Array.from({ length: 20 }, () => cache.userOf('h1')));
    expect(many.every((u) => u?.id === 7)).toBe(true);
    expect(reads).toHaveLength(2);
    // The re-read is still out at 10 s (the database is busy): the user stands while it is out, up to busyMaxAgeMs.
    t = 10_500;
    expect(await cache.userOf('h1')).toEqual(wang);
    t = 59_000;
    expect(await cache.userOf('h1')).toEqual(wang);
    expect(reads).toHaveLength(2);
    // Past busyMaxAgeMs the request waits for the database (a new read).
    t = 60_500;
    let waited: UserRow | undefined | 'pending' = 'pending';
    void cache.userOf('h1').then((u) => {
      waited = u;
    });
    await settle();
    expect(waited).toBe('pending');
    expect(reads).toHaveLength(3);
    reads[2]?.answer(wang);
    await settle();
    expect(waited).toEqual(wang);
  });

  it('when a background re-read finds the account disabled, then the next request is signed out', async () => {
    let t = 0;
    const { read, reads } = heldReads();
    const cache = new SessionCache(read, { freshMs: 2_000, maxAgeMs: 10_000, now: () => t });
    const first = cache.userOf('h1');
    reads[0]?.answer(wang);
    await first;
    t = 2_500;
    expect(await cache.userOf('h1')).toEqual(wang);
    reads[1]?.answer(undefined); // the session query no longer finds it (disabled, expired or signed out elsewhere)
    await settle();
    const next = cache.userOf('h1');
    expect(reads).toHaveLength(3);
    reads[2]?.answer(undefined);
    expect(await next).toBeUndefined();
  });

  it('when a token is unknown, then nothing is kept: every request with it asks the database', async () => {
    const { read, reads } = heldReads();
    const cache = new SessionCache(read, { now: () => 0 });
    for (let i = 0; i < 3; i++) {
      const p = cache.userOf('guess');
      reads[i]?.answer(undefined);
      expect(await p).toBeUndefined();
    }
    expect(reads.map((r) => r.hash)).toEqual(['guess', 'guess', 'guess']);
  });

  it('when a user is changed or signs out, then their sessions are read again, and a read that was out during the change is not kept', async () => {
    const { read, reads } = heldReads();
    const cache = new SessionCache(read, { now: () => 0 });
    for (const h of ['a', 'b']) {
      const p = cache.userOf(h);
      reads.at(-1)?.answer(wang);
      await p;
    }
    cache.forgetUser(7);
    const again = cache.userOf('a');
    expect(reads).toHaveLength(3);
    // A read begun before a change must not refill the cache with the old role: a forget lands while it is out.
    cache.forgetUser(7);
    reads[2]?.answer(wang);
    await again;
    void cache.userOf('a');
    expect(reads).toHaveLength(4);
    reads[3]?.answer({ ...wang, role: 'planner' });
    await settle();
    expect((await cache.userOf('a'))?.role).toBe('planner');
    expect(reads).toHaveLength(4);
    cache.forgetSession('a');
    void cache.userOf('a');
    expect(reads).toHaveLength(5);
  });

  it('when a background re-read fails, then the user still stands until maxAgeMs and no rejection escapes', async () => {
    let t = 0;
    const { read, reads } = heldReads();
    const cache = new SessionCache(read, { freshMs: 2_000, maxAgeMs: 10_000, now: () => t });
    const first = cache.userOf('h1');
    reads[0]?.answer(wang);
    await first;
    t = 3_000;
    expect(await cache.userOf('h1')).toEqual(wang);
    reads[1]?.fail(new Error('connection refused'));
    await settle();
    t = 4_000;
    expect(await cache.userOf('h1')).toEqual(wang);
    expect(reads).toHaveLength(3); // the failed re-read is tried again
  });

  it('when more sessions are read than maxEntries, then the oldest read is dropped first', async () => {
    const { read, reads } = heldReads();
    const cache = new SessionCache(read, { maxEntries: 2, now: () => 0 });
    for (const h of ['a', 'b', 'c']) {
      const p = cache.userOf(h);
      reads.at(-1)?.answer(wang);
      await p;
    }
    void cache.userOf('c');
    void cache.userOf('b');
    expect(reads).toHaveLength(3);
    void cache.userOf('a');
    expect(reads.map((r) => r.hash)).toEqual(['a', 'b', 'c', 'a']);
  });
});
