import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../../src/app.js';
import { openTestDb, type TestDb } from './test-db.js';

export interface TestApp extends TestDb {
  /** Base URL of the app, e.g. http://127.0.0.1:41234 */
  url: string;
  /** fetch relative to the app, JSON in and out. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: unknown; headers: Headers }>;
}

/** The real app, in-process on a throwaway database, listening on a free loopback port. */
export async function startTestApp(): Promise<TestApp> {
  const t = await openTestDb();
  const app = createApp({ db: t.db, logger: pino({ level: 'silent' }) });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...t,
    url,
    async call(method, path, body, headers = {}) {
      const res = await fetch(url + path, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let json: unknown = text;
      try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: keep the text */ }
      return { status: res.status, json, headers: res.headers };
    },
    async dispose() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.dispose();
    },
  };
}
