import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import pino from 'pino';
import { createApp } from '../../server/src/app.js';
import { openDb, type Db } from '../../server/src/db/client.js';
import { migrate } from '../../server/src/db/migrate.js';
import { loadDemoCity } from '../../server/src/services/demo-city.service.js';
import { ensureWebBuilt } from '../../server/src/web-app.js';
import { randomBytes } from 'node:crypto';
import type { Role } from '../../server/src/auth/policy.js';
import { createUser } from '../../server/src/services/auth.service.js';
import { createAndSignIn } from '../../server/test/helpers/sign-in.js';
import { afterAll, beforeAll } from 'vitest';

/** Debian's Chromium: the browser tests drive it headless with software WebGL. */
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn('[gridpatrol] /usr/bin/chromium not found: browser tests skipped (apt-get install chromium)');

export interface BrowserSession {
  db: Db;
  base: string;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  consoleErrors: string[];
  /** Requests to anything but this server (the app must work on a closed network). */
  foreignRequests: string[];
  /** A session cookie of an admin, for the test's own API calls from Node. */
  cookie: string;
  /** Signs the browser in as a user of this role (signing out whoever was signed in); the next page load uses it. */
  signInAs(role: Role, stationId?: number | null): Promise<void>;
  /** The username and password of this role's test account (made on first use). */
  credentials(role: Role): Promise<{ username: string; password: string }>;
  close(): Promise<void>;
}

/** The built web app on an in-process server over a fresh embedded demo city, and a Chromium page watching it. */
export async function startBrowserSession(opts: { incidents?: number } = {}): Promise<BrowserSession> {
  await ensureWebBuilt(() => undefined);
  const db = await openDb({});
  await migrate(db);
  await loadDemoCity(db, { seed: 20261125, ...(opts.incidents === undefined ? {} : { incidents: opts.incidents }) });
  const server: Server = createApp({ db, logger: pino({ level: 'silent' }) }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await mkdir(ARTIFACTS, { recursive: true });
  // One account per role, random passwords; the browser starts signed in as the admin (who may open every view).
  const passwords = new Map<string, string>();
  const account = async (role: Role, stationId: number | null = null) => {
    const username = `e2e-${role.replace('_', '-')}${stationId ? `-${stationId}` : ''}`;
    if (!passwords.has(username)) {
      const password = randomBytes(12).toString('base64url');
      await createUser(db, 'e2e', { username, role, password, stationId });
      passwords.set(username, password);
    }
    return { username, password: passwords.get(username) as string };
  };
  const admin = await createAndSignIn(base, db, 'e2e-admin', 'admin');
  passwords.set('e2e-admin', admin.password);
  const cookie = admin.cookie;
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const consoleErrors: string[] = [],
    foreignRequests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:'))
      foreignRequests.push(r.url());
  });
  const signInAs = async (role: Role, stationId: number | null = null) => {
    const res = await page.request.post(`${base}/api/v1/session`, { data: await account(role, stationId) });
    if (res.status() !== 200) throw new Error(`e2e sign-in as ${role}: ${res.status()} ${await res.text()}`);
  };
  await signInAs('admin');
  return {
    db,
    base,
    page,
    consoleErrors,
    foreignRequests,
    cookie,
    signInAs,
    credentials: (role: Role) => account(role),
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

/** How a test file wants its session: demo incidents, whether it runs at all, its set-up's time limit and extra steps. */
export interface BrowserSessionOptions {
  /** Demo-city incidents (the demo's own default when left out). */
  incidents?: number;
  /** False: no session is started (a file's other requirement, e.g. poppler, is missing). Chromium is checked too. */
  when?: boolean;
  /** The beforeAll's time limit in ms; left out, the browser project's hookTimeout. */
  hookTimeoutMs?: number;
  /** Run in the beforeAll once the session is up (a viewport, a scratch directory). */
  setUp?: (session: BrowserSession) => Promise<void>;
}

/**
 * The file's browser session, registered as its beforeAll (started unless Chromium is missing or `when` is false) and
 * afterAll (closed). The object answers for the session once started: read its fields inside tests and hooks (before
 * the start, or when skipped, they throw).
 */
export function useBrowserSession(opts: BrowserSessionOptions = {}): BrowserSession {
  let started: BrowserSession | undefined;
  const get = (): BrowserSession => {
    if (!started) throw new Error('the browser session is not started (read it inside a test, with Chromium)');
    return started;
  };
  beforeAll(async () => {
    if (!hasChromium || opts.when === false) return;
    started = await startBrowserSession(opts.incidents === undefined ? {} : { incidents: opts.incidents });
    await opts.setUp?.(started);
  }, opts.hookTimeoutMs);
  afterAll(async () => started?.close());
  return {
    get db() {
      return get().db;
    },
    get base() {
      return get().base;
    },
    get page() {
      return get().page;
    },
    get consoleErrors() {
      return get().consoleErrors;
    },
    get foreignRequests() {
      return get().foreignRequests;
    },
    get cookie() {
      return get().cookie;
    },
    signInAs: (role, stationId) => get().signInAs(role, stationId),
    credentials: (role) => get().credentials(role),
    close: () => get().close(),
  };
}

/** Until MapLibre reports idle (tiles loaded and drawn), then until a forced frame ends idle too (nothing pending). */
export async function waitIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => window.gridpatrol?.idle === true, undefined, { timeout: 90_000 });
  await page.evaluate(() => window.gridpatrol.settled());
}

/** Runs `act` (a click or key that moves the map) and waits until the move started and the map is idle again. */
export async function afterMove(page: Page, act: () => Promise<void>): Promise<void> {
  const before = await page.evaluate(() => window.gridpatrol.moves);
  await act();
  await page.waitForFunction((n) => window.gridpatrol.moves > n, before, { timeout: 60_000 });
  await waitIdle(page);
}

/** Distinct codes of the features a MapLibre layer draws on screen now, sorted. */
export async function drawnCodes(page: Page, layer: string): Promise<string[]> {
  return (await page.evaluate((l) => window.gridpatrol.renderedCodes(l), layer)).sort();
}

/** Codes a MapLibre layer draws at the map pixel of a lon/lat. */
export function drawnAt(page: Page, layer: string, lon: number, lat: number): Promise<string[]> {
  return page.evaluate(
    ([l, x, y]) => {
      const [px, py] = window.gridpatrol.project(x, y);
      const r = (document.getElementById('map') as HTMLElement).getBoundingClientRect();
      return window.gridpatrol.renderedCodesAt(l, px - r.left, py - r.top);
    },
    [layer, lon, lat] as const,
  );
}
