import type { UserRow } from '../db/repos/users.repo.js';

export interface SessionCacheOptions {
  /** A user read this recently is taken as is (default 2 s). */
  freshMs?: number;
  /**
   * Up to this age a user still stands while a re-read runs in the background (default 10 s); older, the request
   * waits for the database. The longest a sign-out, disable or role change made by another process (the `npm run
   * user` CLI, a second server) goes unseen; this process's own changes drop the entry at once.
   */
  maxAgeMs?: number;
  /**
   * Past `maxAgeMs`, while the re-read sent before it is still out (the database too busy to answer it yet), the user
   * still stands up to this age (default 60 s); older, the request waits. A re-read queued behind analyses on the
   * embedded database's one thread took 8 s and more, and every request of that user then waited 0.6–0.75 s for the
   * next (load bench: health p50 877 ms with the event loop's p99 delay at 99 ms). Waiting would not see a change
   * sooner: the new read queues behind the same work.
   */
  busyMaxAgeMs?: number;
  /** Entries kept at most; the oldest read goes first (default 10,000 sessions). */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  user: UserRow;
  readAt: number;
  rereading?: Promise<UserRow | undefined>;
}

/**
 * Signed-in users by session token hash, kept seconds in memory: every API and tile request checks its session,
 * and on the embedded database that query queues behind whatever analysis holds the one database thread (a health
 * probe or a tile waited seconds behind one leader's districting). A session known a moment ago answers at once
 * and is re-read in the background; an unknown token is never cached (a caller cannot fill the cache with guesses).
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every forget: a read that began before one may predate the change and is not kept. */
  private generation = 0;
  private readonly freshMs: number;
  private readonly maxAgeMs: number;
  private readonly busyMaxAgeMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly read: (tokenHash: string) => Promise<UserRow | undefined>,
    opts: SessionCacheOptions = {},
  ) {
    this.freshMs = opts.freshMs ?? 2_000;
    this.maxAgeMs = opts.maxAgeMs ?? 10_000;
    this.busyMaxAgeMs = opts.busyMaxAgeMs ?? 60_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  async userOf(tokenHash: string): Promise<UserRow | undefined> {
    const entry = this.entries.get(tokenHash);
    const age = entry === undefined ? Number.POSITIVE_INFINITY : this.now() - entry.readAt;
    const stands = age < this.maxAgeMs || (entry?.rereading !== undefined && age < this.busyMaxAgeMs);
    if (entry !== undefined && stands) {
      if (age >= this.freshMs) entry.rereading ??= this.reread(tokenHash, entry).catch(() => undefined);
      return entry.user;
    }
    return this.reread(tokenHash, entry);
  }

  /** After a sign-out: the session is gone now, not in `maxAgeMs`. */
  forgetSession(tokenHash: string): void {
    this.generation++;
    this.entries.delete(tokenHash);
  }

  /** After a change to a user (role, station, disabled, password): each of their sessions is read again. */
  forgetUser(userId: number): void {
    this.generation++;
    for (const [k, e] of this.entries) if (e.user.id === userId) this.entries.delete(k);
  }

  private async reread(tokenHash: string, entry: Entry | undefined): Promise<UserRow | undefined> {
    const generation = this.generation;
    // A re-read that fails (database down) leaves the entry to age out rather than signing everyone out at once.
    const user = await this.read(tokenHash).finally(() => {
      if (entry) entry.rereading = undefined;
    });
    // A forget ran while the read was out: its answer may predate the change, so it is not kept.
    if (generation !== this.generation) return user;
    this.entries.delete(tokenHash);
    if (user === undefined) return undefined;
    this.entries.set(tokenHash, { user, readAt: this.now() });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return user;
  }
}
