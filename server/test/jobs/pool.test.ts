import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/jobs/pool.js';
import type { TaskProgress } from '../../src/jobs/task-types.js';

const pool = new WorkerPool(1);
afterAll(() => pool.close());

describe('WorkerPool', () => {
  it('when a task runs in a thread, then its progress rises to the end and its result comes back', async () => {
    const seen: TaskProgress[] = [];
    const out = await pool.run({ kind: 'spin', ms: 300 }, { onProgress: (p) => seen.push(p) });
    expect(out.spunMs).toBeGreaterThanOrEqual(300);
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]?.done).toBeGreaterThanOrEqual(seen[i - 1]?.done ?? 0);
  });

  it('when a task is aborted, then the call rejects with the abort and the thread is gone', async () => {
    const ac = new AbortController();
    const run = pool.run({ kind: 'spin', ms: 60_000 }, { signal: ac.signal, onProgress: () => ac.abort() });
    await expect(run).rejects.toThrow(/abort/i);
    expect(pool.busy).toBe(0);
  });

  // The kernel's view, not the pool's: field 19 of /proc/self/task/<tid>/stat is each thread's nice value.
  it.runIf(process.platform === 'linux')(
    'when a task runs, then its thread is niced (10) and the HTTP thread is not, so analyses yield the CPU to requests',
    async () => {
      const niceOf = (tid: string) =>
        Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ')[16]);
      const before = new Set(readdirSync('/proc/self/task').filter((tid) => niceOf(tid) === 10));
      let niced: string[] = [];
      const own = new WorkerPool(1);
      await own.run(
        { kind: 'spin', ms: 300 },
        {
          onProgress: () => {
            niced = readdirSync('/proc/self/task').filter((tid) => niceOf(tid) === 10 && !before.has(tid));
          },
        },
      );
      await own.close();
      // The worker's own thread (and any thread it started: those inherit its nice value).
      expect(niced.length, 'threads of the pool worker that ran the task').toBeGreaterThanOrEqual(1);
      expect(niceOf(String(process.pid)), 'the main thread').toBe(0);
    },
  );

  it('when a task throws, then the call rejects with its message', async () => {
    await expect(pool.run({ kind: 'spin', ms: 200, fail: 'broken on purpose' })).rejects.toThrow('broken on purpose');
  });
});
