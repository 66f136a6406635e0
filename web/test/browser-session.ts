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

/** Debian's Chromium: the browser tests drive it headless with software WebGL. */
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn('[gridpatrol] /usr/bin/chromium not found: browser tests skipped (apt-get install chromium)');

export interface BrowserSession {
  db: Db;
  base: string;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  consoleErrors: string[];
  /** Requests to anything but this server (the app must work on a closed network). */
  foreignRequests: string[];
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
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const consoleErrors: string[] = [], foreignRequests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreignRequests.push(r.url()); });
  return {
    db, base, page, consoleErrors, foreignRequests,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

/** Until MapLibre reports idle (tiles loaded and drawn), then a short settle. */
export async function waitIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => window.gridpatrol?.idle === true, undefined, { timeout: 90_000 });
  await page.waitForTimeout(500);
}
