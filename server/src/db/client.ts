import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ThreadError, ThreadOpen, ThreadReply, ThreadRequest } from './embedded-thread.js';
import type { Queryable } from './queryable.js';
import { replicaName, replicaReader, type ReplicaLog } from './replica-reader.js';

// Queryable and ReplicaLog live in modules of their own so the replica reader needs no import cycle through this
// file; callers keep importing them from here.
export type { Queryable, ReplicaLog };

export type DbMode = 'embedded' | 'server';

/**
 * The one small interface over both databases: embedded PGlite+PostGIS and a PostgreSQL/PostGIS server via `pg`.
 * Type mapping is the same on both: int8 → number (h3 ids must therefore be read as text, e.g. `to_hex(h3_r9)`),
 * numeric → string, timestamptz → Date, json/jsonb → parsed value; sessions run in UTC.
 */
export interface Db extends Queryable {
  readonly mode: DbMode;
  /**
   * Where read-only statements that may lag a little (map lists, tiles, analyses' inputs) go: round-robin over the
   * streaming replicas of `readUrls`, falling back to the primary while a replica cannot be reached. Without replicas
   * (embedded, or a server without DATABASE_READ_URL) it is the Db itself. Never send a write here (a replica in
   * recovery rejects it) nor a read that must see this request's own write (a replica may not have replayed it yet).
   */
  readonly reader: Queryable;
  /**
   * Runs `fn` with all its `reader` reads on one server (one replica, or the primary), for reads that must agree with
   * each other; replicas each replay at their own pace. Without replicas it just runs `fn`.
   */
  readTogether<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * `COPY table (columns) FROM` CSV text: the bulk path both databases have (PGlite through its /dev/blob device,
   * the server through COPY … FROM STDIN). Identifiers are the caller's, never user input.
   */
  copyCsv(table: string, columns: readonly string[], csv: string): Promise<void>;
  /**
   * When (Date.now() ms) the database last answered a query of this process (NEGATIVE_INFINITY before the first): the
   * health monitor reads it as proof of life, so a probe need not queue its own query behind the analyses in flight.
   */
  lastAnswerAt(): number;
  /** Runs `fn` in one transaction: commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Embedded only: the whole database as a gzipped tarball (PGlite's dumpDataDir), for backups and test templates. */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** postgres://… connection string: server mode. Without it: embedded mode. */
  databaseUrl?: string | undefined;
  /** Embedded mode: directory of the data files; undefined means in memory. */
  dataDir?: string | undefined;
  /** Embedded mode: a dump made by `dumpDataDir` to start from (skips initdb; used by tests). */
  loadDataDir?: Blob | undefined;
  /** Schema to create tables in (first on the search_path, before public where PostGIS lives). */
  schema?: string | undefined;
  /** Server mode: pool size. */
  maxConnections?: number | undefined;
  /** Server mode: postgres://… URLs of streaming replicas that serve `Db.reader` (none: the primary serves it). */
  readUrls?: readonly string[] | undefined;
  /** Where a replica's outage and return are reported (the app's pino logger); default: console. */
  log?: ReplicaLog | undefined;
  /** How long a replica that failed to answer is left out before it is tried again (default 30 s). */
  replicaRetryMs?: number | undefined;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openDb(opts: OpenDbOptions = {}): Promise<Db> {
  if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) {
    throw new Error(`Bad schema name "${opts.schema}": use lower-case letters, digits and _`);
  }
  return opts.databaseUrl ? openServerDb(opts.databaseUrl, opts) : openEmbeddedDb(opts);
}

/** A Postgres error from the embedded thread, with the fields `pg-errors.ts` reads (code, detail, constraint…). */
class EmbeddedDbError extends Error {
  constructor(e: ThreadError) {
    super(e.message);
    this.name = e.name;
    Object.assign(this, e.fields);
    // The thread's stack says where in PGlite it failed; the caller's own frames follow after a await anyway.
    if (e.stack) this.stack = e.stack;
  }
}

type Request = DistributiveOmit<ThreadRequest, 'id'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The main thread's end of the embedded database's thread: numbered requests, each answered once. The thread holds
 * the process open only while a request is pending (an idle open database lets a script or test end, as an
 * in-process PGlite did). If the thread dies (a crash, an out-of-memory abort, terminate), every pending and later
 * request rejects with why — nothing waits forever.
 */
class DbThread {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private dead: Error | undefined;
  /** When the thread last answered a request (an SQL error is an answer too: the database is alive). */
  answeredAt = Number.NEGATIVE_INFINITY;

  constructor(readonly worker: Worker) {
    worker.on('message', (m: ThreadReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      this.answeredAt = Date.now();
      if (this.pending.size === 0) worker.unref();
      if (m.ok) p.resolve(m.value);
      else p.reject(new EmbeddedDbError(m.error));
    });
    worker.on('error', (err) =>
      this.fail(new Error(`The embedded database thread failed: ${err.message}`, { cause: err })),
    );
    worker.on('messageerror', (err) =>
      this.fail(new Error(`The embedded database thread sent a bad message: ${err.message}`)),
    );
    worker.on('exit', (code) => this.fail(new Error(`The embedded database thread stopped (exit code ${code})`)));
  }

  private fail(err: Error): void {
    this.dead ??= err;
    for (const p of this.pending.values()) p.reject(this.dead);
    this.pending.clear();
  }

  call<T>(req: Request, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.ref();
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }
}

/** Resolves when the thread says it is ready; rejects if it fails to open (bad dump, bad data directory). */
function threadReady(worker: Worker): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onMessage = (m: ThreadReply) => {
      if (m.id !== 0) return;
      cleanup();
      resolve();
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new Error(`The embedded database could not open: ${err.message}`, { cause: err }));
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`The embedded database thread stopped while opening (exit code ${code})`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/** The threads of open embedded databases, for the runtime's own tests (crash handling). */
const threads = new WeakMap<Db, Worker>();
export const embeddedThreadOf = (db: Db): Worker | undefined => threads.get(db);

/**
 * Embedded mode: PGlite+PostGIS on its own worker thread (db/embedded-thread.ts says why not PGliteWorker), behind
 * the same `Db`. A transaction is opened on the thread and the requests tagged with its id run inside it until commit
 * or rollback; others wait, as PGlite serialises a transaction against everything else in-process too.
 */
async function openEmbeddedDb(opts: OpenDbOptions): Promise<Db> {
  const loadDataDir = opts.loadDataDir ? await opts.loadDataDir.arrayBuffer() : undefined;
  const open: ThreadOpen = {
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    ...(opts.schema ? { schema: opts.schema } : {}),
  };
  const worker = new Worker(new URL('./embedded-thread-entry.mjs', import.meta.url), {
    workerData: open,
    transferList: loadDataDir ? [loadDataDir] : [],
  });
  await threadReady(worker);
  const thread = new DbThread(worker);
  worker.unref();
  const on = (tx?: number): Queryable => ({
    query: <Row>(sql: string, params: readonly unknown[] = []) =>
      thread.call<Row[]>({ op: 'query', sql, params, ...(tx === undefined ? {} : { tx }) }),
    exec: async (sql: string) => {
      await thread.call({ op: 'exec', sql, ...(tx === undefined ? {} : { tx }) });
    },
  });
  const db: Db = {
    mode: 'embedded',
    ...on(),
    // One thread holds the one database: there is nowhere else to read from.
    get reader(): Queryable {
      return db;
    },
    readTogether: (fn) => fn(),
    lastAnswerAt: () => thread.answeredAt,
    async copyCsv(table, columns, csv) {
      await thread.call({
        op: 'copy',
        sql: `COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`,
        csv,
      });
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const tx = await thread.call<number>({ op: 'begin' });
      let result: T;
      try {
        result = await fn(on(tx));
      } catch (err) {
        await thread.call({ op: 'rollback', tx }).catch(() => undefined);
        throw err;
      }
      await thread.call({ op: 'commit', tx });
      return result;
    },
    dumpDataDir: async () => new Blob([await thread.call<ArrayBuffer>({ op: 'dump' })], { type: 'application/x-gzip' }),
    async close() {
      await thread.call({ op: 'close' }).catch(() => undefined);
      await worker.terminate();
    },
  };
  threads.set(db, worker);
  return db;
}

/**
 * A pooled connection for one unit of work. While it is checked out the pool does not listen for its errors, so a
 * connection the server drops mid-work (terminated, restarted) would raise an unhandled 'error': listen here, let
 * the failing query reject as usual, and hand the broken connection back to be destroyed rather than reused.
 */
async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    return await work(client);
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** int8 as number, like PGlite does, so repositories see one shape on both databases. */
const serverTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** A pool with the session settings every gridpatrol connection has, primary or replica. */
function serverPool(url: string, opts: OpenDbOptions): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: opts.maxConnections ?? 10,
    types: serverTypes,
    // UTC on every connection, as on PGlite, so timestamps read back the same on both databases.
    options: `-c TimeZone=UTC${opts.schema ? ` -c search_path=${opts.schema},public` : ''}`,
  });
}

const consoleLog: ReplicaLog = {
  warn: (fields, msg) => console.warn(`[gridpatrol] ${msg}`, fields),
  info: (fields, msg) => console.info(`[gridpatrol] ${msg}`, fields),
};

async function openServerDb(url: string, opts: OpenDbOptions): Promise<Db> {
  const pool = serverPool(url, opts);
  // An idle pooled connection the server drops (restart, failover, pg_terminate_backend) must not crash the process:
  // the pool discards it and opens a new one on the next query; the error is only reported.
  pool.on('error', (err) => {
    console.warn(`[gridpatrol] database connection lost: ${err.message}`);
  });
  // When the primary last answered: a result, or an error the server itself raised (DatabaseError carries a
  // SQLSTATE); a connection that failed is no answer.
  let answeredAt = Number.NEGATIVE_INFINITY;
  const answered = () => {
    answeredAt = Date.now();
  };
  // Surface a bad URL or a missing server at open time, not at the first request.
  const probe = await pool.connect();
  try {
    // The lock keeps concurrent openers (parallel test files) from racing on CREATE EXTENSION.
    await probe.query('SELECT pg_advisory_lock(72747000)');
    await probe.query('CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public');
    await probe.query('SELECT pg_advisory_unlock(72747000)');
    if (opts.schema) await probe.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
  } finally {
    probe.release();
  }
  const wrap = (q: pg.Pool | pg.PoolClient, onAnswer?: () => void): Queryable => {
    const run = async (sql: string, params?: unknown[]) => {
      try {
        const res = await q.query(sql, params);
        onAnswer?.();
        return res;
      } catch (err) {
        if (err instanceof pg.DatabaseError) onAnswer?.();
        throw err;
      }
    };
    return {
      async query<Row>(sql: string, params: readonly unknown[] = []) {
        return (await run(sql, params as unknown[])).rows as Row[];
      },
      async exec(sql: string) {
        await run(sql);
      },
    };
  };
  const primary = wrap(pool, answered);
  const log = opts.log ?? consoleLog;
  // Replica pools are not probed at open: a replica that is down must not keep the app from starting, since the
  // reader falls back to the primary anyway. CREATE EXTENSION/SCHEMA above reach the replicas through replication.
  const replicaPools = (opts.readUrls ?? []).map((u) => {
    const p = serverPool(u, opts);
    // An idle replica connection dropped when the replica stops must not crash the process (as for the primary).
    // Info, not a warning: the pool just reconnects; a replica that stays away is warned about by the reader, once.
    p.on('error', (err) => log.info({ replica: replicaName(u), err: err.message }, 'read replica connection lost'));
    return { name: replicaName(u), pool: p };
  });
  const { reader, together } =
    replicaPools.length === 0
      ? { reader: primary, together: <T>(fn: () => Promise<T>) => fn() }
      : replicaReader(
          primary,
          replicaPools.map((r) => ({ name: r.name, q: wrap(r.pool) })),
          { log, retryMs: opts.replicaRetryMs ?? 30_000 },
        );
  return {
    mode: 'server',
    ...primary,
    reader,
    readTogether: together,
    lastAnswerAt: () => answeredAt,
    async copyCsv(table, columns, csv) {
      await withClient(pool, async (client) => {
        const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`));
        await pipeline(Readable.from([csv]), stream);
      });
    },
    transaction: (fn) =>
      withClient(pool, async (client) => {
        try {
          await client.query('BEGIN');
          const result = await fn(wrap(client, answered));
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }),
    async close() {
      await Promise.all([pool.end(), ...replicaPools.map((r) => r.pool.end())]);
    },
  };
}
