import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { createApp, type AppDeps } from '../src/app.js';
import type { Db } from '../src/db/client.js';
import { createAndSignIn } from '../test/helpers/sign-in.js';
import { randomBytes } from 'node:crypto';

/** One line of the `npm run bench` table: our operation beside a reference measured in the same run. */
export interface BenchRow {
  operation: string;
  /** Which database or engine it ran on, e.g. "server", "embedded", "engine". */
  on: string;
  size: string;
  oursMs: number;
  reference: string;
  referenceMs: number | null;
  /** e.g. "≤ 1.3×": printed beside the ratio so a reader sees the target. */
  goal?: string;
  note?: string;
}

export interface BenchContext {
  /** A migrated embedded database in a fresh schema. */
  embedded: Db;
  /** A migrated schema on the PostGIS server, when one is reachable. */
  server: Db | undefined;
  log(msg: string): void;
}

export interface BenchSuite {
  name: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

/**
 * Smoke mode (`npm run bench -- --smoke`, or BENCH_SMOKE=1): every suite once at a small size, one timed run, so CI
 * catches a bench that no longer runs. The numbers mean nothing then.
 */
export function isSmoke(): boolean {
  return process.env.BENCH_SMOKE === '1';
}

/** `full` normally, `small` in smoke mode: the size knob of a suite. */
export function sized<T>(full: T, small: T): T {
  return isSmoke() ? small : full;
}

/** Median wall time of `runs` calls after `warmup` unmeasured ones, in milliseconds (one call, no warm-up, in smoke mode). */
export async function medianMs(fn: () => Promise<unknown>, runs = 5, warmup = 1): Promise<number> {
  if (isSmoke()) {
    runs = 1;
    warmup = 0;
  }
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/** A session cookie (`gp_session=…`) for an admin made for the bench, signed in through the app at `base`. */
export async function benchCookie(db: Db, base: string): Promise<string> {
  return (await createAndSignIn(base, db, `bench-${randomBytes(4).toString('hex')}`, 'admin')).cookie;
}

/** The app on a free loopback port over `db` (and optional deps such as fair-use limits), for suites that measure over HTTP. */
export async function listenApp(
  db: Db,
  deps: Partial<Omit<AppDeps, 'db' | 'logger'>> = {},
): Promise<{ server: Server; base: string }> {
  const server = createApp({ db, logger: pino({ level: 'silent' }), ...deps }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
