import type { HealthAnswer } from '../contract/session.js';
import type { Db } from '../db/client.js';
import { databaseVersions } from '../db/repos/health.repo.js';

export interface HealthMonitorOptions {
  /** An answer of the database younger than this is taken as is: no query (default 1 s). */
  refreshMs?: number;
  /**
   * Up to this age the last answer still counts while a new ping runs in the background (default 10 s); older, the
   * probe waits for the ping. So a database that stopped answering is reported within about this long.
   */
  staleMs?: number;
  /** How long an awaited ping may take before the database counts as not answering (default 5 s). */
  timeoutMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

type Versions = Awaited<ReturnType<typeof databaseVersions>>;

/**
 * Liveness: `{ status }` for anyone; for a signed-in caller also the database mode and versions, or `unavailable`
 * with the reason when the database does not answer.
 *
 * A probe does not queue a query behind the analyses in flight: a load balancer probing 20 times a second would
 * otherwise wait behind every long query (embedded: the one database thread; server: a pool that heavy reads
 * filled), and health would read "slow" while the server is fine. The monitor pings at most once per `refreshMs`,
 * several probes share one ping, and the last answer stands for `staleMs` while the next ping runs.
 */
export function healthMonitor(db: Db, opts: HealthMonitorOptions = {}): (signedIn: boolean) => Promise<HealthAnswer> {
  const { refreshMs = 1_000, staleMs = 10_000, timeoutMs = 5_000, now = Date.now } = opts;
  let versions: Versions | undefined;
  let answeredAt = Number.NEGATIVE_INFINITY;
  let failure: string | undefined;
  let inflight: Promise<void> | undefined;

  const ping = (): Promise<void> => {
    inflight ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        versions = await Promise.race([databaseVersions(db), timeout]);
        answeredAt = now();
        failure = undefined;
      } catch (err) {
        failure = (err as Error).message;
      } finally {
        clearTimeout(timer);
        inflight = undefined;
      }
    })();
    return inflight;
  };

  return async (signedIn) => {
    const age = now() - answeredAt;
    if (age >= staleMs || failure !== undefined) await ping();
    else if (age >= refreshMs) void ping();
    const ok = failure === undefined && now() - answeredAt < staleMs;
    if (!signedIn) return { status: ok ? 'ok' : 'unavailable' };
    if (!ok)
      return {
        status: 'unavailable',
        database: { mode: db.mode },
        detail: failure ?? `no answer for ${Math.round((now() - answeredAt) / 1000)} s`,
      };
    return {
      status: 'ok',
      database: {
        mode: db.mode,
        ...(versions?.postgres ? { postgres: versions.postgres } : {}),
        ...(versions?.postgis ? { postgis: versions.postgis } : {}),
      },
    };
  };
}
