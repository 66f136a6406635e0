/**
 * The embedded database's own thread: PGlite + PostGIS (WASM Postgres) runs here, so its queries — which run
 * synchronously on whatever thread holds the PGlite — never block the HTTP thread. The main thread's `Db`
 * (client.ts) posts requests and gets rows back by structured clone, which keeps the types PGlite gives (numbers,
 * Date, parsed JSON, Uint8Array).
 *
 * Why a hand-written worker, not PGlite's own `PGliteWorker` (`@electric-sql/pglite/worker`): that one is made for
 * browsers. Its worker side calls the global `postMessage`/`onmessage` of a DedicatedWorkerGlobalScope, its client
 * listens with `worker.addEventListener('message')` (a Web Worker; Node's `Worker` is an EventEmitter), and both
 * elect a leader tab with `navigator.locks` and `BroadcastChannel` — `navigator.locks` does not exist in Node 20
 * (checked in node_modules/@electric-sql/pglite/dist/worker/index.js, 0.5.8).
 */
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { parentPort, workerData } from 'node:worker_threads';

/** What the thread is opened with (workerData). */
export interface ThreadOpen {
  dataDir?: string;
  /** A dumpDataDir tarball's bytes (moved, not copied). */
  loadDataDir?: ArrayBuffer;
  schema?: string;
}

/** A request; `tx` runs it inside that open transaction. */
export type ThreadRequest =
  | { id: number; op: 'query'; sql: string; params: readonly unknown[]; tx?: number }
  | { id: number; op: 'exec'; sql: string; tx?: number }
  | { id: number; op: 'copy'; sql: string; csv: string }
  | { id: number; op: 'begin' }
  | { id: number; op: 'commit' | 'rollback'; tx: number }
  | { id: number; op: 'dump' }
  | { id: number; op: 'close' };

/** An error as plain fields: structured clone would keep only name and message of an Error, not code/detail/… */
export interface ThreadError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

export type ThreadReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: ThreadError }
  /** Sent once after open: ready, or why it could not open. */
  | { id: 0; ok: true; value: 'ready' };

function toThreadError(err: unknown): ThreadError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err)) {
    // Postgres fields are strings and numbers (code, detail, constraint, position…); nothing else need cross.
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[k] = v;
  }
  return { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}), fields };
}

/** Thrown inside PGlite's transaction callback to make it roll back. */
class RollbackSignal extends Error {}

interface OpenTx {
  tx: Transaction;
  finish(how: 'commit' | 'rollback'): void;
  /** Settles when PGlite has committed or rolled back. */
  outcome: Promise<unknown>;
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('embedded-thread runs only as a worker thread');
  const opts = workerData as ThreadOpen;
  const pgl = await PGlite.create({
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.loadDataDir ? { loadDataDir: new Blob([opts.loadDataDir]) } : {}),
    extensions: { postgis },
  });
  await pgl.exec("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public; SET TimeZone TO 'UTC'");
  if (opts.schema) {
    await pgl.exec(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}; SET search_path TO ${opts.schema}, public`);
  }

  const txs = new Map<number, OpenTx>();
  let nextTx = 1;
  const on = (tx: number | undefined) => {
    if (tx === undefined) return pgl;
    const open = txs.get(tx);
    if (!open) throw new Error(`transaction ${tx} is not open`);
    return open.tx;
  };

  /** Opens a PGlite transaction that stays open, taking tagged requests, until commit or rollback. */
  const begin = () =>
    new Promise<number>((resolve, reject) => {
      const id = nextTx++;
      let finish: (how: 'commit' | 'rollback') => void = () => undefined;
      const decided = new Promise<'commit' | 'rollback'>((r) => {
        finish = r;
      });
      const outcome = pgl.transaction(async (tx) => {
        txs.set(id, { tx, finish, outcome });
        resolve(id);
        if ((await decided) === 'rollback') throw new RollbackSignal();
      });
      // Before the callback ran (BEGIN failed) this rejects the begin; later its outcome goes to commit/rollback.
      outcome.catch(reject);
    });

  const end = async (tx: number, how: 'commit' | 'rollback') => {
    const open = txs.get(tx);
    if (!open) throw new Error(`transaction ${tx} is not open`);
    txs.delete(tx);
    open.finish(how);
    try {
      await open.outcome;
    } catch (err) {
      if (!(err instanceof RollbackSignal)) throw err;
    }
  };

  const handle = async (m: ThreadRequest): Promise<unknown> => {
    switch (m.op) {
      case 'query':
        return (await on(m.tx).query(m.sql, m.params as unknown[])).rows;
      case 'exec':
        await on(m.tx).exec(m.sql);
        return null;
      case 'copy':
        await pgl.query(m.sql, [], { blob: new Blob([m.csv]) });
        return null;
      case 'begin':
        return begin();
      case 'commit':
      case 'rollback':
        await end(m.tx, m.op);
        return null;
      case 'dump':
        return (await pgl.dumpDataDir('gzip')).arrayBuffer();
      case 'close':
        await pgl.close();
        return null;
    }
  };

  port.on('message', (m: ThreadRequest) => {
    handle(m).then(
      (value) => {
        const reply: ThreadReply = { id: m.id, ok: true, value };
        if (value instanceof ArrayBuffer) port.postMessage(reply, [value]);
        else port.postMessage(reply);
        if (m.op === 'close') port.close();
      },
      (err: unknown) => port.postMessage({ id: m.id, ok: false, error: toThreadError(err) } satisfies ThreadReply),
    );
  });
  port.postMessage({ id: 0, ok: true, value: 'ready' } satisfies ThreadReply);
}

await main();
