import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Db } from '../src/db/client.js';
import { LAYERS } from '../src/contract/layers.js';
import { loadDemoCity } from '../src/services/demo-city.service.js';
import { createTileSource } from '../src/services/tile-source.js';
import { MAX_DATA_ZOOM, TILESETS, tileAt, tilesetMinzoom, type TileCoord } from '../src/tiles/tilesets.js';
import { ensureWebBuilt } from '../src/web-app.js';
import {
  benchCookie,
  isSmoke,
  listenApp,
  sized,
  type BenchContext,
  type BenchRow,
  type BenchSuite,
} from './harness.js';

/**
 * What a user waits for and what the network carries when the web app opens on the demo city:
 * - bytes and time from navigation to the map's first `idle` in Chromium, beside the same requests fetched by Node
 *   (six at a time like a browser, no parsing or drawing: the transfer floor on loopback);
 * - the largest tile of every tileset at every zoom over the whole demo city (goal: none above 500 KB).
 */

const TILE_GOAL_BYTES = 500 * 1024;
const DEMO_SEED = 20261125;
const CHROMIUM = '/usr/bin/chromium';
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

/** Every tile at zoom z over the bounds. */
function tilesOver(bounds: [number, number, number, number], z: number): TileCoord[] {
  const a = tileAt(bounds[0], bounds[3], z);
  const b = tileAt(bounds[2], bounds[1], z);
  const out: TileCoord[] = [];
  for (let x = a.x; x <= b.x; x++) for (let y = a.y; y <= b.y; y++) out.push({ z, x, y });
  return out;
}

async function tileSizeRows(db: Db, on: string): Promise<BenchRow[]> {
  const [ext] = await db.query<{ w: number; s: number; e: number; n: number }>(
    `SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
     FROM (SELECT ST_Extent(geom)::geometry AS b FROM ${LAYERS['admin-areas'].table}) x`,
  );
  if (!ext) throw new Error('demo city has no admin areas');
  const bounds: [number, number, number, number] = [ext.w, ext.s, ext.e, ext.n];
  const source = createTileSource(db);
  const rows: BenchRow[] = [];
  for (let z = 8; z <= MAX_DATA_ZOOM; z++) {
    const all = tilesOver(bounds, z);
    // Smoke: every zoom and tileset, but at most about 16 tiles of each zoom spread over the city (z16 has ~1,400).
    const tiles = sized(
      all,
      all.filter((_, i) => i % Math.ceil(all.length / 16) === 0),
    );
    let max = 0,
      maxName = '',
      total = 0,
      count = 0;
    const t0 = performance.now();
    for (const ts of TILESETS.values()) {
      if (tilesetMinzoom(ts) > z) continue;
      for (const t of tiles) {
        const bytes = (await source.getTile(ts, t)).byteLength;
        total += bytes;
        count++;
        if (bytes > max) {
          max = bytes;
          maxName = ts.name;
        }
      }
    }
    const ms = performance.now() - t0;
    rows.push({
      operation: `largest tile at z${z} (${maxName || 'none'})`,
      on,
      size: `${count} tiles, ${kb(total)} in all`,
      oursMs: ms,
      reference: 'goal 500 KB per tile',
      referenceMs: null,
      goal: '≤ 500 KB',
      note: `max ${kb(max)} ${max <= TILE_GOAL_BYTES ? 'met' : 'MISSED'}`,
    });
  }
  return rows;
}

/** Opens the app for a role, returns ms to first idle and the URLs and bytes it fetched. */
async function firstIdle(
  base: string,
  role: string,
  cookie: string,
): Promise<{ ms: number; bytes: number; urls: string[] }> {
  const browser = await chromium.launch({
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
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const [name, value] = cookie.split('=') as [string, string];
    await page.context().addCookies([{ name, value, url: base }]);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e) => {
      bytes += e.encodedDataLength;
    });
    const urls: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(base)) urls.push(r.url());
    });
    const t0 = performance.now();
    await page.goto(`${base}/?role=${role}&lang=zh-CN`);
    await page.waitForFunction(
      () => (window as unknown as { gridpatrol?: { idle: boolean } }).gridpatrol?.idle === true,
      undefined,
      { timeout: 120_000 },
    );
    return { ms: performance.now() - t0, bytes, urls };
  } finally {
    await browser.close();
  }
}

/** The same URLs fetched by Node, six at a time. */
async function fetchFloor(urls: readonly string[], cookie: string): Promise<number> {
  const queue = [...urls];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let u = queue.shift(); u; u = queue.shift()) await (await fetch(u, { headers: { cookie } })).arrayBuffer();
    }),
  );
  return performance.now() - t0;
}

const suite: BenchSuite = {
  name: 'web',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const dbs: [string, Db][] = [
      ['embedded', ctx.embedded],
      ...(ctx.server ? [['server', ctx.server] as [string, Db]] : []),
    ];
    for (const [on, db] of dbs) {
      ctx.log(`loading the demo city (${on})`);
      await loadDemoCity(db, { seed: DEMO_SEED, incidents: sized(100_000, 2_000) });
      rows.push(...(await tileSizeRows(db, on)));
    }
    if (!existsSync(CHROMIUM)) {
      ctx.log('no /usr/bin/chromium: time to first idle not measured (apt-get install chromium)');
      return rows;
    }
    await ensureWebBuilt(ctx.log);
    for (const [on, db] of dbs) {
      const { server, base } = await listenApp(db);
      const cookie = await benchCookie(db, base);
      try {
        // Smoke: the planner's view only (the first open, the one that compiles the page).
        for (const role of sized(['planner', 'leader'], ['planner'])) {
          // Warm: the database's caches and the page's first compile (skipped in smoke mode).
          if (!isSmoke()) await firstIdle(base, role, cookie);
          const run = await firstIdle(base, role, cookie);
          rows.push({
            operation: `open web app to first idle (${role})`,
            on,
            size: `${run.urls.length} requests, ${kb(run.bytes)}`,
            oursMs: run.ms,
            reference: 'same requests by Node fetch ×6',
            referenceMs: await fetchFloor(run.urls, cookie),
          });
        }
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    }
    return rows;
  },
};

export default suite;
