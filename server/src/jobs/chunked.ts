import type { WorkerPool } from './pool.js';
import type { WorkerResults, WorkerTask } from './task-types.js';

/**
 * One task per slice of `items` on the pool (a few per thread, so a slow slice does not hold the rest up), with the
 * slices' progress summed into one count of items done. Answers the slices' results in item order.
 */
export function runInSlices<I, T extends WorkerTask>(
  pool: WorkerPool,
  items: readonly I[],
  minSlice: number,
  task: (slice: readonly I[]) => T,
  opts: { signal?: AbortSignal | undefined; onProgress?: (done: number, total: number) => void } = {},
): Promise<WorkerResults[T['kind']][]> {
  const size = Math.max(minSlice, Math.ceil(items.length / (pool.size * 3)));
  const done = new Map<number, number>();
  const parts: Promise<WorkerResults[T['kind']]>[] = [];
  for (let i = 0; i < items.length; i += size) {
    const at = i;
    parts.push(
      pool.run(task(items.slice(i, i + size)), {
        ...(opts.signal ? { signal: opts.signal } : {}),
        onProgress: (p) => {
          done.set(at, p.done);
          let n = 0;
          for (const v of done.values()) n += v;
          opts.onProgress?.(n, items.length);
        },
      }),
    );
  }
  return Promise.all(parts);
}
