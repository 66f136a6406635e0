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
 * filled), and health would read "slow", or time out, while the server is busy but fine. The database's last answer
 * is the later of the monitor's own ping and any query of the process (`Db.lastAnswerAt`: under load the analyses'
 * own queries keep proving it alive). The monitor pings at most once per `refreshMs`; the last answer stands for
 * `staleMs`. Older than that, a probe answers `unavailable` at once while a ping is already out, and waits for a ping
 * only when none is (a first probe, or an idle server probed again after a pause).
 */
export function healthMonitor(db: Db, opts: HealthMonitorOptions = {}): (signedIn: boolean) => Promise<HealthAnswer> {
  const { refreshMs = 1_000, staleMs = 10_000, timeoutMs = 5_000, now = Date.now } = opts;
  let versions: Versions | undefined;
  let pingedAt = Number.NEGATIVE_INFINITY;
  let failure: { message: string; at: number } | undefined;
  let inflight: Promise<void> | undefined;

  const ping = (): Promise<void> => {
    inflight ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        versions = await Promise.race([databaseVersions(db), timeout]);
        pingedAt = now();
        failure = undefined;
      } catch (err) {
        failure = { message: (err as Error).message, at: now() };
      } finally {
        clearTimeout(timer);
        inflight = undefined;
      }
    })();
    return inflight;
  };
  // Versions come from a ping only; liveness from any answer. A failed ping counts until something answers after it.
  const answeredAt = () => Math.max(pingedAt, db.lastAnswerAt());
  const failed = () => (failure !== undefined && failure.at >= answeredAt() ? failure.message : undefined);

  return async (signedIn) => {
    const age = now() - answeredAt();
    if (versions === undefined || failed() !== undefined || (age >= staleMs && inflight === undefined)) await ping();
    else if (now() - pingedAt >= refreshMs) void ping();
    const reason = failed();
    const ok = reason === undefined && now() - answeredAt() < staleMs;
    if (!signedIn) return { status: ok ? 'ok' : 'unavailable' };
    if (!ok)
      return {
        status: 'unavailable',
        database: { mode: db.mode },
        detail: reason ?? `no answer for ${Math.round((now() - answeredAt()) / 1000)} s`,
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
