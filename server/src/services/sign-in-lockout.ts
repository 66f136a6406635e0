/**
 * Lockout bookkeeping for user names that have no usable account (unknown or disabled), so they lock after the same
 * number of failures and answer the same 423 as a real account: the answers never tell which names exist.
 * Kept in memory, bounded: at most `maxNames` names (the oldest forgotten first) and each forgotten `retainMs` after
 * its last failure. A real account's count lives in app_user (it survives restarts; this does not, which only ever
 * makes an unknown name look like an account whose lock an admin lifted).
 */
export interface PhantomEntry {
  failures: number;
  lockedUntilMs: number | null;
  lastMs: number;
}

export class PhantomLockout {
  private readonly names = new Map<string, PhantomEntry>();

  constructor(
    private readonly maxNames = 10_000,
    private readonly retainMs = 24 * 3600_000,
  ) {}

  /** The lock on this name now, if any. */
  lockedUntil(name: string, nowMs: number): Date | null {
    const e = this.entry(name, nowMs);
    return e?.lockedUntilMs && e.lockedUntilMs > nowMs ? new Date(e.lockedUntilMs) : null;
  }

  /** Counts a failure; at `maxFailures` the name locks for `lockMs`. Answers whether it is locked now. */
  fail(name: string, nowMs: number, maxFailures: number, lockMs: number): boolean {
    const e = this.entry(name, nowMs) ?? { failures: 0, lockedUntilMs: null, lastMs: nowMs };
    e.failures += 1;
    e.lastMs = nowMs;
    if (e.failures >= maxFailures) e.lockedUntilMs = nowMs + lockMs;
    // Re-inserted last: the map's order is oldest failure first, so eviction drops the stalest name.
    this.names.delete(name);
    this.names.set(name, e);
    while (this.names.size > this.maxNames) {
      const oldest = this.names.keys().next().value;
      if (oldest === undefined) break;
      this.names.delete(oldest);
    }
    return e.lockedUntilMs !== null && e.lockedUntilMs > nowMs;
  }

  get size(): number {
    return this.names.size;
  }

  private entry(name: string, nowMs: number): PhantomEntry | undefined {
    const e = this.names.get(name);
    if (e && nowMs - e.lastMs > this.retainMs) {
      this.names.delete(name);
      return undefined;
    }
    return e;
  }
}

/** One bookkeeping per database (so test apps on different databases do not share counts). */
const perDb = new WeakMap<object, PhantomLockout>();
export function phantomLockoutFor(db: object): PhantomLockout {
  let l = perDb.get(db);
  if (!l) {
    l = new PhantomLockout();
    perDb.set(db, l);
  }
  return l;
}
