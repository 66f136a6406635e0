import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Anything SQL can be sent to: the database itself or an open transaction. */
export interface Queryable {
  /** One statement with $1… parameters; rows come back as plain objects. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Several statements without parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
}

export type DbMode = 'embedded' | 'server';

/**
 * The one small interface over both databases: embedded PGlite+PostGIS and a PostgreSQL/PostGIS server via `pg`.
 * Type mapping is the same on both: int8 → number (h3 ids must therefore be read as text, e.g. `to_hex(h3_r9)`),
 * numeric → string, timestamptz → Date, json/jsonb → parsed value; sessions run in UTC.
 */
export interface Db extends Queryable {
  readonly mode: DbMode;
  /**
   * `COPY table (columns) FROM` CSV text: the bulk path both databases have (PGlite through its /dev/blob device,
   * the server through COPY … FROM STDIN). Identifiers are the caller's, never user input.
   */
  copyCsv(table: string, columns: readonly string[], csv: string): Promise<void>;
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
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openDb(opts: OpenDbOptions = {}): Promise<Db> {
  if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) {
    throw new Error(`Bad schema name "${opts.schema}": use lower-case letters, digits and _`);
  }
  return opts.databaseUrl ? openServerDb(opts.databaseUrl, opts) : openEmbeddedDb(opts);
}

async function openEmbeddedDb(opts: OpenDbOptions): Promise<Db> {
  const pgl = await PGlite.create({
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
    extensions: { postgis },
  });
  await pgl.exec("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public; SET TimeZone TO 'UTC'");
  if (opts.schema) {
    await pgl.exec(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}; SET search_path TO ${opts.schema}, public`);
  }
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const res = await q.query<Row>(sql, params as unknown[]);
      return res.rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  const base = wrap(pgl);
  return {
    mode: 'embedded',
    ...base,
    async copyCsv(table, columns, csv) {
      await pgl.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`, [], {
        blob: new Blob([csv]),
      });
    },
    transaction: (fn) => pgl.transaction((tx) => fn(wrap(tx))),
    dumpDataDir: () => pgl.dumpDataDir('gzip'),
    close: () => pgl.close(),
  };
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

async function openServerDb(url: string, opts: OpenDbOptions): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.maxConnections ?? 10,
    types: serverTypes,
    // UTC on every connection, as on PGlite, so timestamps read back the same on both databases.
    options: `-c TimeZone=UTC${opts.schema ? ` -c search_path=${opts.schema},public` : ''}`,
  });
  // An idle pooled connection the server drops (restart, failover, pg_terminate_backend) must not crash the process:
  // the pool discards it and opens a new one on the next query; the error is only reported.
  pool.on('error', (err) => {
    console.warn(`[gridpatrol] database connection lost: ${err.message}`);
  });
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
  const wrap = (q: pg.Pool | pg.PoolClient): Queryable => ({
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const res = await q.query(sql, params as unknown[]);
      return res.rows as Row[];
    },
    async exec(sql: string) {
      await q.query(sql);
    },
  });
  return {
    mode: 'server',
    ...wrap(pool),
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
          const result = await fn(wrap(client));
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }),
    close: () => pool.end(),
  };
}
