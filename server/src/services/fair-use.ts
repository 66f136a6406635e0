/**
 * Fair use of the heavy analyses: per user, at most `concurrentPerUser` at once (and `concurrentTotal` for everyone),
 * and at most `cpuMsPerWindow` of CPU time within a sliding window of `windowMs`. A refusal says when to come back.
 * Reusable by anything that runs work for a user (the synchronous analysis routes; the job queue can admit and charge
 * its jobs through the same object).
 *
 * CPU time is shared out like a processor-sharing queue: at every start and finish, the process CPU used since the
 * previous event is split evenly over the runs in progress. On one event loop that is what each run cost; CPU of
 * other requests running meanwhile is charged to the runs too (a small overcharge, never an undercharge).
 */
export interface FairUseLimits {
  /** Runs one user may have in progress at once. */
  concurrentPerUser: number;
  /** Runs in progress for all users together. */
  concurrentTotal: number;
  /** CPU milliseconds one user may use within `windowMs`. */
  cpuMsPerWindow: number;
  windowMs: number;
}

/** The defaults a deployment gets (GRIDPATROL_FAIR_USE_* in config.ts): 4 at once per user, 30 s of CPU a minute. */
export const DEFAULT_FAIR_USE: FairUseLimits = {
  concurrentPerUser: 4,
  concurrentTotal: 8,
  cpuMsPerWindow: 30_000,
  windowMs: 60_000,
};

/** No limits (a library caller that sets none). */
export const UNLIMITED_FAIR_USE: FairUseLimits = {
  concurrentPerUser: Number.POSITIVE_INFINITY,
  concurrentTotal: Number.POSITIVE_INFINITY,
  cpuMsPerWindow: Number.POSITIVE_INFINITY,
  windowMs: 60_000,
};

export type Admission =
  | { kind: 'admitted'; ticket: Ticket }
  | { kind: 'refused'; reason: 'concurrent' | 'concurrent_total' | 'cpu'; retryAfterS: number; detail: string };

export interface Ticket {
  /** Ends the run and charges its CPU share to the user. Idempotent. */
  release(): void;
}

/** Time sources, replaceable in tests. */
export interface FairUseClock {
  nowMs(): number;
  /** CPU time of the process (user + system), microseconds. */
  cpuMicros(): number;
}

const processClock: FairUseClock = {
  nowMs: () => Date.now(),
  cpuMicros: () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  },
};

interface Run {
  user: string;
  cpuMs: number;
  startedMs: number;
}

export class FairUse {
  private readonly runs = new Set<Run>();
  /** Per user: charges (finish time, CPU ms) within the window, oldest first. */
  private readonly charges = new Map<string, { atMs: number; cpuMs: number }[]>();
  /** Per user: how long recent runs took, for a Retry-After when all slots are busy. */
  private readonly recentMs = new Map<string, number>();
  private lastCpu: number;

  constructor(
    readonly limits: FairUseLimits = DEFAULT_FAIR_USE,
    private readonly clock: FairUseClock = processClock,
  ) {
    this.lastCpu = clock.cpuMicros();
  }

  /** Asks to start a run for `user`; an admitted run must be released when it ends. */
  admit(user: string): Admission {
    this.settle();
    const now = this.clock.nowMs();
    const mine = [...this.runs].filter((r) => r.user === user).length;
    const waitS = Math.max(1, Math.ceil((this.recentMs.get(user) ?? 1000) / 1000));
    if (mine >= this.limits.concurrentPerUser) {
      return {
        kind: 'refused',
        reason: 'concurrent',
        retryAfterS: waitS,
        detail: `${mine} analyses of yours are running (at most ${this.limits.concurrentPerUser} at once)`,
      };
    }
    if (this.runs.size >= this.limits.concurrentTotal) {
      return {
        kind: 'refused',
        reason: 'concurrent_total',
        retryAfterS: waitS,
        detail: `${this.runs.size} analyses are running (at most ${this.limits.concurrentTotal} at once for everyone)`,
      };
    }
    const used = this.usedMs(user, now);
    if (used >= this.limits.cpuMsPerWindow) {
      // Wait until enough of the oldest charges fall out of the window to go under the cap.
      let over = used - this.limits.cpuMsPerWindow;
      let untilMs = now;
      for (const c of this.charges.get(user) ?? []) {
        untilMs = c.atMs + this.limits.windowMs;
        over -= c.cpuMs;
        if (over < 0) break;
      }
      return {
        kind: 'refused',
        reason: 'cpu',
        retryAfterS: Math.max(1, Math.ceil((untilMs - now) / 1000)),
        detail: `${Math.round(used)} ms of CPU used in the last ${this.limits.windowMs / 1000} s (at most ${this.limits.cpuMsPerWindow} ms)`,
      };
    }
    const run: Run = { user, cpuMs: 0, startedMs: now };
    this.runs.add(run);
    let done = false;
    return {
      kind: 'admitted',
      ticket: {
        release: () => {
          if (!done) {
            done = true;
            this.finish(run);
          }
        },
      },
    };
  }

  /** Charges CPU spent for `user` elsewhere (e.g. a job in a worker thread). */
  charge(user: string, cpuMs: number): void {
    const list = this.charges.get(user) ?? [];
    list.push({ atMs: this.clock.nowMs(), cpuMs });
    this.charges.set(user, list);
  }

  /** CPU ms charged to `user` within the window ending now (runs in progress count what they used so far). */
  usedMs(user: string, now = this.clock.nowMs()): number {
    const list = (this.charges.get(user) ?? []).filter((c) => c.atMs > now - this.limits.windowMs);
    if (list.length) this.charges.set(user, list);
    else this.charges.delete(user);
    const running = [...this.runs].filter((r) => r.user === user).reduce((s, r) => s + r.cpuMs, 0);
    return list.reduce((s, c) => s + c.cpuMs, 0) + running;
  }

  /** Runs in progress (all users). */
  get inProgress(): number {
    return this.runs.size;
  }

  private finish(run: Run): void {
    this.settle();
    this.runs.delete(run);
    this.charge(run.user, run.cpuMs);
    const took = this.clock.nowMs() - run.startedMs;
    this.recentMs.set(run.user, Math.round(0.5 * (this.recentMs.get(run.user) ?? took) + 0.5 * took));
  }

  /** Shares the CPU used since the last event over the runs in progress. */
  private settle(): void {
    const cpu = this.clock.cpuMicros();
    const deltaMs = (cpu - this.lastCpu) / 1000;
    this.lastCpu = cpu;
    if (this.runs.size === 0 || deltaMs <= 0) return;
    const share = deltaMs / this.runs.size;
    for (const r of this.runs) r.cpuMs += share;
  }
}
