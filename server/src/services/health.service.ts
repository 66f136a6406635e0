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
 * only when none is (a first probe, or an idle server probed again after a pause). A ping unanswered after
 * `timeoutMs` names the reason but stays out: probes after it answer at once too. (Before, every probe after a
 * timed-out ping waited up to 5 s on the next one while the database thread was busy: health p50 877 ms, p99 4.9 s
 * in the load bench's embedded run with fair use on, with the event loop's p99 delay at 99 ms.)
 */
export function healthMonitor(db: Db, opts: HealthMonitorOptions = {}): (signedIn: boolean) => Promise<HealthAnswer> {
  const { refreshMs = 1_000, staleMs = 10_000, timeoutMs = 5_000, now = Date.now } = opts;
  let versions: Versions | undefined;
  let pingedAt = Number.NEGATIVE_INFINITY;
  let failure: { message: string; at: number } | undefined;
  /** The ping out, if any: it stays out until the database answers it, so no second ping queues behind it. */
  let out: { sentAt: number; settled: Promise<void> } | undefined;

  // A ping out counts until it is answered; one older than `staleMs` with nothing answered since it went out is given
  // up (a dead connection may never answer it), so the next probe may send another.
  const pingOut = () => out !== undefined && (now() - out.sentAt < staleMs || db.lastAnswerAt() > out.sentAt);
  /** Sends a ping unless one is out; resolves when it is answered or `timeoutMs` passed (then its failure is set). */
  const ping = (): Promise<void> => {
    if (out !== undefined && pingOut()) return out.settled;
    let timer: NodeJS.Timeout | undefined;
    const answered = databaseVersions(db).then(
      (v) => {
        versions = v;
        pingedAt = now();
        failure = undefined;
      },
      (err: Error) => {
        failure = { message: err.message, at: now() };
      },
    );
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        failure = { message: `no answer in ${timeoutMs} ms`, at: now() };
        resolve();
      }, timeoutMs);
    });
    const mine = { sentAt: now(), settled: Promise.race([answered, timedOut]) };
    void answered.finally(() => {
      clearTimeout(timer);
      if (out === mine) out = undefined;
    });
    out = mine;
    return mine.settled;
  };
  // Versions come from a ping only; liveness from any answer. A failed ping counts until something answers after it.
  const answeredAt = () => Math.max(pingedAt, db.lastAnswerAt());
  const failed = () => (failure !== undefined && failure.at >= answeredAt() ? failure.message : undefined);

  return async (signedIn) => {
    const stale = now() - answeredAt() >= staleMs;
    // A probe waits (at most `timeoutMs`) only when it has nothing to go on and no ping is out to tell it: the first
    // probe, or after a failure or a stale answer. With a ping out it answers from what is known, at once.
    if ((versions === undefined || failed() !== undefined || stale) && !pingOut()) await ping();
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
