import { Worker } from 'node:worker_threads';
import { UnprocessableError, ValidationError, type ProblemFieldError } from '../../errors.js';
import type { DateOrder } from '../dates.js';
import { TooLargeError } from './limits.js';
import type { LeftOut, ReadOptions, RowAsRead, SourceFormat, SourceRead } from './source.js';

/** What a reader says about a file before its rows: everything of SourceRead but the rows. */
export type SourceHead = Omit<SourceRead, 'rows'>;
export type ParsedInWorker = SourceHead & { rows: RowAsRead[] };

/** Messages of the parse worker (parse.worker.ts) to the main thread, and back. */
export type FromReader =
  | { type: 'head'; head: SourceHead }
  | { type: 'scanned'; rowCount: number; dateOrder: DateOrder | null }
  | { type: 'rows'; rows: RowAsRead[] }
  | { type: 'end'; rows: RowAsRead[]; rowCount: number; leftOut: LeftOut[] }
  | { type: 'error'; status: number; message: string; errors: ProblemFieldError[] };
export type ToReader = { type: 'scan'; dateColumns: string[] } | { type: 'more' } | { type: 'stop' };

export interface WorkerBudget {
  /** V8 heap of the parsing worker; a file that needs more kills the worker, not the server. */
  heapMb: number;
  /** The worker must answer each request (the file's head, a scan, the next chunk) within this, else it is stopped (422). */
  timeoutMs: number;
  /** Rows per chunk handed to the main thread; Infinity = the whole file at once. */
  chunkRows: number;
}

export const DEFAULT_WORKER_BUDGET: WorkerBudget = { heapMb: 1024, timeoutMs: 120_000, chunkRows: Infinity };

const BOOT = new URL('./worker-boot.mjs', import.meta.url);
const ENTRY = new URL('./parse.worker.ts', import.meta.url).href;

function errorOf(status: number, message: string, errors: ProblemFieldError[]) {
  return status === 413
    ? new TooLargeError(message, errors)
    : status === 400
      ? new ValidationError(message, errors)
      : new UnprocessableError(message, errors);
}

/** A file being read in its worker: the head at once, then (optionally) a scan, then the rows chunk by chunk. */
export interface RowStream {
  head: SourceHead;
  /** Reads the file once for its row count and for a value of these columns that settles day/month order. */
  scan(dateColumns: string[]): Promise<{ rowCount: number; dateOrder: DateOrder | null }>;
  /** The rows in chunks, each asked for only when the previous one has been taken. Once. */
  chunks(): AsyncGenerator<RowAsRead[]>;
  /** Known once chunks() has ended. */
  tail(): { rowCount: number; leftOut: LeftOut[] };
  /** Stops the worker (idempotent); call it when done, also on error. */
  close(): void;
}

/**
 * Reads an uploaded file in a worker thread with `resourceLimits`: the worst file (a bomb, lying headers, a
 * 2-million-vertex polygon) ends in that worker — out of memory or out of time — and the server answers 413/422
 * while it keeps serving everything else. Rows come back in chunks on request, so memory stays bounded by the
 * chunk, not the file.
 */
export async function streamInWorker(
  bytes: Uint8Array,
  opts: ReadOptions,
  format?: SourceFormat,
  budget: Partial<WorkerBudget> = {},
): Promise<RowStream> {
  const b = { ...DEFAULT_WORKER_BUDGET, ...budget };
  // A private copy, so the worker can take it without detaching a pooled Buffer of the caller.
  const copy = new Uint8Array(bytes);
  const worker = new Worker(BOOT, {
    workerData: { entry: ENTRY, bytes: copy, opts, format, chunkRows: b.chunkRows },
    transferList: [copy.buffer],
    resourceLimits: { maxOldGenerationSizeMb: b.heapMb, maxYoungGenerationSizeMb: 64, stackSizeMb: 8 },
  });
  const inbox: FromReader[] = [];
  let failure: Error | undefined;
  let waiting: { resolve: (m: FromReader) => void; reject: (e: Error) => void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    void worker.terminate();
  };
  const fail = (e: Error) => {
    if (failure) return;
    failure = e;
    close();
    waiting?.reject(e);
    waiting = undefined;
  };
  let ended = false;
  worker.on('message', (m: FromReader) => {
    if (m.type === 'end' || m.type === 'error') ended = true;
    if (m.type === 'error') return fail(errorOf(m.status, m.message, m.errors));
    clearTimeout(timer);
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w.resolve(m);
    } else inbox.push(m);
  });
  worker.once('error', (err: Error & { code?: string }) =>
    fail(
      err.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new TooLargeError('The file needs more memory than a parse may use', [
            { path: 'file', message: `reading it went over ${b.heapMb} MB` },
          ])
        : new UnprocessableError('The file could not be read', [{ path: 'file', message: err.message.slice(0, 300) }]),
    ),
  );
  worker.once('exit', (code) => {
    if (!closed && !ended)
      fail(
        new UnprocessableError('The file could not be read', [
          { path: 'file', message: `the reader stopped (exit ${code})` },
        ]),
      );
  });
  /** The worker's next message; it must come within the budget's time. */
  const next = (): Promise<FromReader> => {
    if (failure) return Promise.reject(failure);
    const m = inbox.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      waiting = { resolve, reject };
      timer = setTimeout(
        () =>
          fail(
            new UnprocessableError('The file took too long to read', [
              { path: 'file', message: `reading stopped after ${b.timeoutMs / 1000} s` },
            ]),
          ),
        b.timeoutMs,
      );
    });
  };
  const ask = (m: ToReader) => worker.postMessage(m);
  const unexpected = (m: FromReader, want: string) =>
    new Error(`parse worker answered ${m.type} where ${want} was expected`);

  let head: SourceHead;
  try {
    const first = await next();
    if (first.type !== 'head') throw unexpected(first, 'head');
    head = first.head;
  } catch (err) {
    close();
    throw err;
  }
  let tail: { rowCount: number; leftOut: LeftOut[] } | undefined;
  return {
    head,
    async scan(dateColumns) {
      ask({ type: 'scan', dateColumns });
      const m = await next();
      if (m.type !== 'scanned') throw unexpected(m, 'scanned');
      return { rowCount: m.rowCount, dateOrder: m.dateOrder };
    },
    async *chunks() {
      ask({ type: 'more' });
      for (;;) {
        const m = await next();
        if (m.type === 'rows') {
          // Ask for the next chunk before handing this one on: the worker reads while the caller writes.
          ask({ type: 'more' });
          yield m.rows;
        } else if (m.type === 'end') {
          tail = { rowCount: m.rowCount, leftOut: m.leftOut };
          yield m.rows;
          return;
        } else throw unexpected(m, 'rows');
      }
    },
    tail() {
      if (!tail) throw new Error('the rows were not read to the end');
      return tail;
    },
    close,
  };
}

/** Reads the whole file in its worker (inspect, OSM): the head and every row. */
export async function parseInWorker(
  bytes: Uint8Array,
  opts: ReadOptions,
  format?: SourceFormat,
  budget: Partial<Omit<WorkerBudget, 'chunkRows'>> = {},
): Promise<ParsedInWorker> {
  const s = await streamInWorker(bytes, opts, format, { ...budget, chunkRows: Infinity });
  try {
    const rows: RowAsRead[] = [];
    for await (const chunk of s.chunks()) for (const r of chunk) rows.push(r);
    return { ...s.head, ...s.tail(), rows };
  } finally {
    s.close();
  }
}
