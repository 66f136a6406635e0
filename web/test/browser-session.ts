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
import { decodePng, type DecodedPng } from './png-pixels.js';

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
  // No cap of Playwright's own (30 s): an action or a wait ends on its condition or at the test's timeout, so a busy
  // machine slows the suite down rather than failing it. Waits that give a timeout keep it.
  page.setDefaultTimeout(0);
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

/**
 * Until MapLibre has drawn a frame after whatever the test just changed (a filter, a feature-state, a deck layer) with
 * nothing left to load: it fires `idle` at the end of such a render, and deck.gl draws inside it (interleaved).
 */
export async function waitIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => window.gridpatrol?.idle === true, undefined, { timeout: 90_000 });
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const map = window.gridpatrol.map;
        if (!map) return resolve();
        map.once('idle', () => resolve());
        map.triggerRepaint();
      }),
  );
}

/** Until the map has stopped at or above a zoom with the point on the open map (right of the sidebar), then idle. */
export async function waitSettledOn(page: Page, lon: number, lat: number, minZoom: number): Promise<void> {
  await page.waitForFunction(
    ([x, y, z]) => {
      const map = window.gridpatrol?.map;
      if (!map || map.isMoving() || map.getZoom() < z) return false;
      const p = map.project([x, y]);
      const c = map.getContainer();
      return p.x > 320 && p.x < c.clientWidth - 20 && p.y > 20 && p.y < c.clientHeight - 20;
    },
    [lon, lat, minZoom] as const,
    { timeout: 0 },
  );
  await waitIdle(page);
}

/**
 * Types a search and presses Enter, then waits for the map's move to the found feature to end and the map to draw:
 * the listener is installed before Enter, so a fast move is not missed and a slow one is waited for.
 */
export async function searchAndSettle(page: Page, text: string): Promise<void> {
  await page.evaluate(() => {
    const map = window.gridpatrol.map;
    if (!map) throw new Error('no map on the page');
    (window as unknown as { gpMoved: Promise<void> }).gpMoved = new Promise<void>((resolve) =>
      map.once('moveend', () => resolve()),
    );
  });
  await page.locator('input[data-testid="search"]').fill(text);
  await page.locator('input[data-testid="search"]').press('Enter');
  await page.evaluate(() => (window as unknown as { gpMoved: Promise<void> }).gpMoved);
  await waitIdle(page);
}

/**
 * The JSON answer of the page's next request to an API path: a heavy analysis answered 202 is followed to its job's
 * result (the page reads `/api/v1/jobs/:id/result` once the job has ended), so the answer is the one the page drew.
 */
export async function nextAnswer<T>(page: Page, part: string, method = 'GET'): Promise<T> {
  const first = await page.waitForResponse((r) => r.url().includes(part) && r.request().method() === method);
  if (first.status() === 202) {
    const job = (await first.json()) as { id: string };
    const result = await page.waitForResponse((r) => r.url().endsWith(`/api/v1/jobs/${job.id}/result`));
    if (result.status() !== 200) throw new Error(`job ${job.id} of ${part}: ${result.status()} ${await result.text()}`);
    return (await result.json()) as T;
  }
  if (first.status() >= 300) throw new Error(`${method} ${part}: ${first.status()} ${await first.text()}`);
  return (await first.json()) as T;
}

/** A feature as MapLibre drew it (queryRenderedFeatures): layer, code, feature-state and the box of its drawn geometry. */
export interface DrawnFeature {
  layer: string;
  /** The feature id (a promoted code for areas keyed by code). */
  id: string | number | null;
  code: string | null;
  state: Record<string, unknown>;
  properties: Record<string, unknown>;
  /** [minLon, minLat, maxLon, maxLat] of the drawn (tile-clipped) geometry. */
  bbox: number[];
}

/** What MapLibre rendered on screen now for these layers (layers not in the style are left out). */
export function drawn(page: Page, layers: readonly string[]): Promise<DrawnFeature[]> {
  return page.evaluate((ids) => {
    const map = window.gridpatrol.map;
    if (!map) throw new Error('no map on the page');
    const present = ids.filter((id) => map.getLayer(id));
    if (!present.length) return [];
    return map.queryRenderedFeatures({ layers: present }).map((f) => {
      const box = [Infinity, Infinity, -Infinity, -Infinity];
      const walk = (c: unknown): void => {
        if (Array.isArray(c) && typeof c[0] === 'number') {
          const [x, y] = c as [number, number];
          box[0] = Math.min(box[0] as number, x);
          box[1] = Math.min(box[1] as number, y);
          box[2] = Math.max(box[2] as number, x);
          box[3] = Math.max(box[3] as number, y);
        } else if (Array.isArray(c)) c.forEach(walk);
      };
      walk((f.geometry as { coordinates?: unknown }).coordinates);
      const code = f.properties.code;
      return {
        layer: f.layer.id,
        id: f.id ?? null,
        code: typeof code === 'string' ? code : null,
        state: (f.state ?? {}) as Record<string, unknown>,
        properties: f.properties as Record<string, unknown>,
        bbox: box,
      };
    });
  }, layers);
}

/** Distinct codes of drawn features, sorted (a feature split over tiles is drawn as several). */
export const drawnCodes = (features: readonly DrawnFeature[]): string[] =>
  [...new Set(features.flatMap((f) => (f.code === null ? [] : [f.code])))].sort();

/** Union box of drawn features ([] when none). */
export function drawnBBox(features: readonly DrawnFeature[]): number[] {
  if (!features.length) return [];
  return features.reduce(
    (b, f) => [
      Math.min(b[0] as number, f.bbox[0] as number),
      Math.min(b[1] as number, f.bbox[1] as number),
      Math.max(b[2] as number, f.bbox[2] as number),
      Math.max(b[3] as number, f.bbox[3] as number),
    ],
    [Infinity, Infinity, -Infinity, -Infinity],
  );
}

/** The part of the page where the map is not covered by the sidebar, summary, legend or details panels. */
export const OPEN_MAP = { x0: 330, x1: 1050, y0: 140, y1: 700 } as const;
export const onOpenMap = ([x, y]: readonly [number, number]): boolean =>
  x > OPEN_MAP.x0 && x < OPEN_MAP.x1 && y > OPEN_MAP.y0 && y < OPEN_MAP.y1;

/** Page pixel of each lon/lat as the map projects it now. */
export function projected(page: Page, points: readonly (readonly [number, number])[]): Promise<[number, number][]> {
  return page.evaluate((pts) => pts.map(([x, y]) => window.gridpatrol.project(x, y)), points as [number, number][]);
}

/** A screenshot of the page, decoded: the colours the user sees. Optionally saved under test-artifacts. */
export async function screenshotPixels(page: Page, name?: string): Promise<DecodedPng> {
  const png = await page.screenshot(name ? { path: path.join(ARTIFACTS, name) } : {});
  return decodePng(png);
}

/**
 * How many of the 25 pixels on a 5×5 lattice (step px) around a page point pass a colour test: labels, roads and
 * outlines drawn over a fill take a few of them, so tests ask for a majority rather than one pixel.
 */
export function pixelsNear(
  png: DecodedPng,
  [x, y]: readonly [number, number],
  test: (rgb: [number, number, number]) => boolean,
  step = 3,
): number {
  let n = 0;
  for (let i = -2; i <= 2; i++) for (let j = -2; j <= 2; j++) if (test(png.rgb(x + i * step, y + j * step))) n++;
  return n;
}
