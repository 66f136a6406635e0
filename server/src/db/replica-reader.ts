import { AsyncLocalStorage } from 'node:async_hooks';
import type { Queryable } from './queryable.js';

/** The part of a pino logger the replica reader reports through, so the db layer does not depend on pino. */
export interface ReplicaLog {
  warn(fields: Record<string, unknown>, msg: string): void;
  info(fields: Record<string, unknown>, msg: string): void;
}

/** One streaming replica as the reader sees it: a name for the logs (host:port, no password) and its pool. */
export interface Replica {
  readonly name: string;
  readonly q: Queryable;
}

/**
 * SQLSTATEs and socket codes that say "this server cannot answer now", as opposed to "this statement is wrong":
 * class 08 (connection exception), 57P01–57P03 (admin/crash shutdown, cannot connect now: a replica stopping or
 * still starting), and the Node socket errors of a host that is gone. A bad statement must fail as itself, not be
 * retried on the primary, so only these count.
 */
const DOWN_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** True when `err` means the server could not be reached or went away mid-query (not a SQL error). */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as Error & { code?: unknown }).code;
  if (typeof code === 'string' && (DOWN_CODES.has(code) || code.startsWith('08'))) return true;
  // pg reports a connection the server closed under a running query without a code, only with these words.
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(err.message);
}

/**
 * 40001 on a replica is "canceling statement due to conflict with recovery" (replay needed the rows the query was
 * reading): the replica is healthy, the read just lost a race with replay, so it is answered by the primary instead
 * without marking the replica down.
 */
const isRecoveryConflict = (err: unknown): boolean =>
  err instanceof Error && (err as Error & { code?: unknown }).code === '40001';

export interface ReplicaReaderOptions {
  log: ReplicaLog;
  /** How long a failed replica is skipped before it is tried again. */
  retryMs: number;
  /** The clock, for a test that steps past retryMs without waiting. */
  now?: () => number;
}

/**
 * `Db.reader` over streaming replicas: each read goes to the next replica that is not marked down (round-robin, so
 * load spreads); one that fails with a connection error is marked down for `retryMs`, its outage logged once, and the
 * read is answered by the primary, so a replica going away costs a warning and not a failed request. After `retryMs`
 * the next read tries it again; the first one it answers logs that it is back. `exec` (DDL, several statements) is
 * never a read: it goes to the primary, as a replica in recovery would reject it.
 *
 * `together(fn)` sends every read `fn` makes through `reader` to one server: replicas replay at their own pace, so
 * reads that must agree with each other (the tile cache's change counters and the tile they key) must not be split
 * over a replica that has replayed a write and one that has not. If that server fails in between, the rest go to the
 * primary, which is only ever newer.
 */
export function replicaReader(
  primary: Queryable,
  replicas: readonly Replica[],
  opts: ReplicaReaderOptions,
): { reader: Queryable; together<T>(fn: () => Promise<T>): Promise<T> } {
  const now = opts.now ?? Date.now;
  /** Per replica: until when it is left out (0 = up), and whether its outage has been logged. */
  const downUntil = replicas.map(() => 0);
  const reported = replicas.map(() => false);
  let next = 0;

  /** The index of the next replica to try, or -1 when all are down. */
  function pick(): number {
    const t = now();
    for (let k = 0; k < replicas.length; k++) {
      const i = (next + k) % replicas.length;
      if ((downUntil[i] ?? 0) <= t) {
        next = (i + 1) % replicas.length;
        return i;
      }
    }
    return -1;
  }

  /** Inside `together`: the server its reads stick to once the first has chosen (-1 = the primary). */
  const pinned = new AsyncLocalStorage<{ at?: number }>();
  function choose(): number {
    const pin = pinned.getStore();
    if (!pin) return pick();
    if (pin.at === undefined) pin.at = pick();
    else if (pin.at >= 0 && (downUntil[pin.at] ?? 0) > now()) pin.at = -1;
    return pin.at;
  }
  const unpin = () => {
    const pin = pinned.getStore();
    if (pin) pin.at = -1;
  };

  const reader: Queryable = {
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
      const i = choose();
      const replica = replicas[i];
      if (!replica) return primary.query<Row>(sql, params);
      try {
        const rows = await replica.q.query<Row>(sql, params);
        if (reported[i]) {
          reported[i] = false;
          opts.log.info({ replica: replica.name }, 'read replica is answering again');
        }
        return rows;
      } catch (err) {
        const conflict = isRecoveryConflict(err);
        if (!conflict && !isConnectionError(err)) throw err;
        unpin();
        if (conflict) return primary.query<Row>(sql, params);
        downUntil[i] = now() + opts.retryMs;
        if (!reported[i]) {
          reported[i] = true;
          opts.log.warn(
            { replica: replica.name, err: (err as Error).message, retryMs: opts.retryMs },
            'read replica unreachable: reading from the primary',
          );
        }
        return primary.query<Row>(sql, params);
      }
    },
    exec: (sql) => primary.exec(sql),
  };
  return { reader, together: (fn) => pinned.run({}, fn) };
}

/** host:port/db of a connection string without user or password, for logs. */
export function replicaName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'replica';
  }
}
