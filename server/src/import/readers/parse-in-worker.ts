import { Worker } from 'node:worker_threads';
import { UnprocessableError, ValidationError, type ProblemFieldError } from '../../errors.js';
import { TooLargeError } from './limits.js';
import type { ReadOptions, RowAsRead, SourceFormat, SourceRead } from './source.js';

export type ParsedInWorker = Omit<SourceRead, 'rows'> & { rows: RowAsRead[] };
export type WorkerAnswer =
  | { ok: true; parsed: ParsedInWorker }
  | { ok: false; status: number; message: string; errors: ProblemFieldError[] };

export interface WorkerBudget {
  /** V8 heap of the parsing worker; a file that needs more kills the worker, not the server. */
  heapMb: number;
  /** A parse still running after this is stopped (a file that takes longer is refused, 422). */
  timeoutMs: number;
}

export const DEFAULT_WORKER_BUDGET: WorkerBudget = { heapMb: 1024, timeoutMs: 120_000 };

const BOOT = new URL('./worker-boot.mjs', import.meta.url);
const ENTRY = new URL('./parse.worker.ts', import.meta.url).href;

function errorOf(status: number, message: string, errors: ProblemFieldError[]) {
  return status === 413
    ? new TooLargeError(message, errors)
    : status === 400
      ? new ValidationError(message, errors)
      : new UnprocessableError(message, errors);
}

/**
 * Reads an uploaded file in a worker thread with `resourceLimits`: the worst file (a bomb, lying headers, a
 * 2-million-vertex polygon) ends in that worker — out of memory or out of time — and the server answers 413/422
 * while it keeps serving everything else.
 */
export function parseInWorker(
  bytes: Uint8Array,
  opts: ReadOptions,
  format?: SourceFormat,
  budget: Partial<WorkerBudget> = {},
): Promise<ParsedInWorker> {
  const b = { ...DEFAULT_WORKER_BUDGET, ...budget };
  // A private copy, so the worker can take it without detaching a pooled Buffer of the caller.
  const copy = new Uint8Array(bytes);
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOT, {
      workerData: { entry: ENTRY, bytes: copy, opts, format },
      transferList: [copy.buffer],
      resourceLimits: { maxOldGenerationSizeMb: b.heapMb, maxYoungGenerationSizeMb: 64, stackSizeMb: 8 },
    });
    let settled = false;
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      f();
    };
    const timer = setTimeout(
      () =>
        done(() =>
          reject(
            new UnprocessableError('The file took too long to read', [
              { path: 'file', message: `reading stopped after ${b.timeoutMs / 1000} s` },
            ]),
          ),
        ),
      b.timeoutMs,
    );
    worker.once('message', (m: WorkerAnswer) =>
      done(() => (m.ok ? resolve(m.parsed) : reject(errorOf(m.status, m.message, m.errors)))),
    );
    worker.once('error', (err: Error & { code?: string }) =>
      done(() =>
        reject(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new TooLargeError('The file needs more memory than a parse may use', [
                { path: 'file', message: `reading it went over ${b.heapMb} MB` },
              ])
            : new UnprocessableError('The file could not be read', [
                { path: 'file', message: err.message.slice(0, 300) },
              ]),
        ),
      ),
    );
    worker.once('exit', (code) =>
      done(() =>
        reject(
          new UnprocessableError('The file could not be read', [
            { path: 'file', message: `the reader stopped (exit ${code})` },
          ]),
        ),
      ),
    );
  });
}
