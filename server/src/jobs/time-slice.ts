import { setImmediate as nextTurn } from 'node:timers/promises';

/** Longest the HTTP thread runs a loop before it lets other requests in. */
export const SLICE_MS = 4;

/**
 * Runs `fn` over `items` on this thread, giving the event loop a turn every `SLICE_MS`: for work that must touch
 * main-thread state (the shared coverage model) but must not hold other requests up.
 */
export async function sliced<T>(
  items: readonly T[],
  fn: (item: T, index: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  let t0 = performance.now();
  for (let i = 0; i < items.length; i++) {
    fn(items[i] as T, i);
    if (performance.now() - t0 > SLICE_MS) {
      await nextTurn();
      signal?.throwIfAborted();
      t0 = performance.now();
    }
  }
}
