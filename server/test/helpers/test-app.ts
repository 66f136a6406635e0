import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../../src/app.js';
import { defaultJobManager } from '../../src/jobs/default-jobs.js';
import type { JobManager } from '../../src/jobs/job-manager.js';
import type { Role } from '../../src/auth/policy.js';
import { createAndSignIn } from './sign-in.js';
import { openTestDb, type TestDb } from './test-db.js';

export interface TestApp extends TestDb {
  /** Base URL of the app, e.g. http://127.0.0.1:41234 */
  url: string;
  /** fetch relative to the app, JSON in and out, signed in as `test-admin` unless headers carry another cookie. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: unknown; headers: Headers }>;
  /** The session cookie of the default user (an admin), for plain fetch calls. */
  cookie: string;
  /** A session cookie for this user, created with this role on first use (random password). */
  as(username: string, role: Role, stationId?: number | null): Promise<string>;
  /** The app's jobs (worker pool, job table), for tests that check where work ran. */
  jobs: JobManager;
}

/** Creates the user when new, signs in through the API, answers the session cookie (`gp_session=…`). */
export async function signedIn(
  url: string,
  t: Pick<TestDb, 'db'>,
  cache: Map<string, string>,
  username: string,
  role: Role,
  stationId: number | null,
): Promise<string> {
  const known = cache.get(username);
  if (known) return known;
  const { cookie } = await createAndSignIn(url, t.db, username, role, stationId);
  cache.set(username, cookie);
  return cookie;
}

/** The real app, in-process on a throwaway database, listening on a free loopback port. */
export async function startTestApp(): Promise<TestApp> {
  const t = await openTestDb();
  // The synchronous analysis endpoints wait for their job as long as it takes here (their answers are under test, not
  // the machine's speed); the 202 past the wait is tested in test/jobs.
  const jobs = defaultJobManager(t.db, [], { syncWaitMs: 600_000 });
  const app = createApp({ db: t.db, logger: pino({ level: 'silent' }), jobs });
  const server = app.listen(0, '127.0.0.1');
  // fetch keeps the sign-in's socket alive; a test file's setup may then run SQL for longer than Node's 5 s keep-alive,
  // and a request sent as the server closes that idle socket fails with ECONNRESET. Keep idle sockets for 10 minutes.
  server.keepAliveTimeout = 600_000;
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sessions = new Map<string, string>();
  const cookie = await signedIn(url, t, sessions, 'test-admin', 'admin', null);
  return {
    ...t,
    url,
    cookie,
    jobs,
    as: (username, role, stationId = null) => signedIn(url, t, sessions, username, role, stationId),
    async call(method, path, body, headers = {}) {
      const res = await fetch(url + path, {
        method,
        headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let json: unknown = text;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, json, headers: res.headers };
    },
    async dispose() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.dispose();
    },
  };
}
