import path from 'node:path';
import { cellToBoundary } from 'h3-js';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/src/db/client.js';
import {
  ARTIFACTS,
  hasChromium,
  afterMove,
  startBrowserSession,
  waitIdle as idle,
  type BrowserSession,
} from './browser-session.js';

let session: BrowserSession | undefined;
let db: Db;
let base: string;
let page: Page;
let consoleErrors: string[] = [];
let foreignRequests: string[] = [];
let cookie = '';

beforeAll(async () => {
  if (!hasChromium) return;
  session = await startBrowserSession({});
  ({ db, base, page, consoleErrors, foreignRequests, cookie } = session);
});

afterAll(async () => session?.close());

const waitIdle = () => idle(page);
/** The grid the grid office searches (and the hot-spot case searches again to put the map back). */
const SEARCHED_GRID_SQL = `SELECT code FROM grid WHERE kind = 'basic' ORDER BY code LIMIT 1 OFFSET 150`;

/**
 * The H3 cells a deck layer drew (read from deck's picking buffer) against the API's: none drawn that the API did
 * not give, and every API cell whose whole outline lies on screen drawn.
 */
async function expectDrawnCells(layer: string, apiCells: readonly string[]): Promise<void> {
  const drawn = await page.evaluate((l) => window.gridpatrol.deckDrawn(l, 'h3'), layer);
  const [w, s, e, n] = (await page.evaluate(() => window.gridpatrol.mapBounds())) as [number, number, number, number];
  const api = new Set(apiCells);
  const onScreen = apiCells.filter((h) =>
    cellToBoundary(h).every(([lat, lon]) => lon > w && lon < e && lat > s && lat < n),
  );
  expect(
    drawn.filter((h) => !api.has(h)),
    `${layer}: drawn cells the API did not give`,
  ).toEqual([]);
  expect(onScreen.length, `${layer}: API cells wholly on screen`).toBeGreaterThan(0);
  expect(
    onScreen.filter((h) => !drawn.includes(h)),
    `${layer}: on-screen API cells not drawn`,
  ).toEqual([]);
}
/**
 * Playwright's `timeout: 0` is no cap of its own: a wait or an action ends on its condition or at the test's timeout (the browser
 * project's 240 s), so real work on a busy machine is not cut short by a guess at how long it takes.
 */
const UNTIL_TEST_TIMEOUT = { timeout: 0 } as const;

describe.skipIf(!hasChromium)('web app in Chromium', () => {
  it('when the planner opens the map, then the basemap, Chinese UI and incident hexagons load from this server only', async () => {
    await page.goto(`${base}/?role=planner&lang=zh-CN`);
    await waitIdle();
    await expect(page.locator('#sidebar h1').textContent()).resolves.toBe('网格警格规划');
    const hooks = await page.evaluate(() => ({
      total: window.gridpatrol.cellsTotal,
      beats: window.gridpatrol.layerVisible('beats-fill'),
      roads: window.gridpatrol.layerVisible('roads'),
    }));
    expect(hooks.total).toBe(100_000);
    expect(hooks.beats).toBe(true);
    expect(hooks.roads).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'planner-zh-CN.png') });
  });

  it('when a layer is switched off, then its map layers are hidden', async () => {
    await page.locator('input[data-layer="beats"]').uncheck();
    expect(await page.evaluate(() => window.gridpatrol.layerVisible('beats-fill'))).toBe(false);
    await page.locator('input[data-layer="beats"]').check();
    expect(await page.evaluate(() => window.gridpatrol.layerVisible('beats-line'))).toBe(true);
  });

  it('when the grid office searches a grid code and clicks the grid, then the panel shows its attributes in Chinese', async () => {
    await page.locator('select[data-testid="role"]').selectOption('grid_office');
    const code = (await db.query<{ code: string }>(SEARCHED_GRID_SQL))[0]!.code;
    await page.locator('input[data-testid="search"]').fill(code);
    // Enter asks the search, then fits the map to the hit: wait for that move and the idle after it.
    await afterMove(page, () => page.locator('input[data-testid="search"]').press('Enter'));
    // The grid fills the middle of the map after fitBounds; click right of the sidebar's centre line.
    await page.mouse.click(840, 450);
    await page.locator('#details tr[data-field="code"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('#details').isVisible()).toBe(true);
    await expect(page.locator('#details tr[data-field="code"] td').nth(1).textContent()).resolves.toBe(code);
    await expect(page.locator('#details tr[data-field="code"] td').first().textContent()).resolves.toBe('编码');
    await page.waitForFunction(() => window.gridpatrol.selectedCount() > 0, undefined, { timeout: 10_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'grid-office-zh-CN.png') });
  });

  it('when the language is switched, then the UI is in English', async () => {
    await page.locator('button[data-testid="lang"]').click();
    await expect(page.locator('#sidebar h1').textContent()).resolves.toBe('Grid & beat planning');
    await page.screenshot({ path: path.join(ARTIFACTS, 'grid-office-en.png') });
    await page.locator('select[data-testid="role"]').selectOption('planner');
    await expect(page.locator('select[data-testid="role"] option:checked').textContent()).resolves.toBe(
      'Police planner',
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'planner-en.png') });
  });

  it('when the hour filter is set to 20–22 h, then the heat-map data changes to that window only', async () => {
    const before = await page.evaluate(() => window.gridpatrol.cellsTotal);
    await page.locator('select[data-testid="hour-from"]').selectOption('20');
    await page.locator('select[data-testid="hour-to"]').selectOption('21');
    await page.locator('button[data-testid="apply-filter"]').click();
    await page.waitForFunction((b) => window.gridpatrol.cellsTotal !== b, before, { timeout: 30_000 });
    const after = await page.evaluate(() => window.gridpatrol.cellsTotal);
    const [ref] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incident
      WHERE extract(hour FROM occurred_at AT TIME ZONE 'Asia/Shanghai') IN (20, 21)`);
    expect(after).toBe(ref!.n);
    expect(after).toBeLessThan(before);
  });

  it('when the planner asks for hot spots and grades, then the map draws what the API computed, and a clicked grid shows its 24×7 chart', async () => {
    // A fixed resolution (the default follows the zoom, and the map is zoomed in on a grid here).
    await page.locator('select[data-testid="resolution"]').selectOption('9', UNTIL_TEST_TIMEOUT);
    await page.locator('button[data-testid="apply-filter"]').click(UNTIL_TEST_TIMEOUT);
    await page.locator('details[data-section="incidents"] > summary').click(UNTIL_TEST_TIMEOUT);
    await page.locator('button[data-testid="hotspots-run"]').click(UNTIL_TEST_TIMEOUT);
    await page.waitForFunction(() => window.gridpatrol.hotspotCells > 0, undefined, UNTIL_TEST_TIMEOUT);
    const significant = await page.evaluate(async () => {
      const r = (await (await fetch('/api/v1/incidents/hotspots?res=9&hours=20,21')).json()) as {
        cells: { h3: string; bin: number }[];
      };
      return r.cells.filter((c) => c.bin !== 0).map((c) => c.h3);
    });
    expect(
      await page.evaluate(() => window.gridpatrol.hotspotCells),
      'hot-spot cells handed to the layer for the 20–22 h filter',
    ).toBe(significant.length);
    // What deck drew (its picking buffer): only significant cells, and every one lying wholly on screen. Zoomed out
    // two steps for it (zoomed in on one grid, no res-9 cell lies wholly on screen), then the same grid is searched
    // again, which fits the map to it as before: the map stays put for the clicks below.
    const zoomOut = page.locator('.maplibregl-ctrl-zoom-out');
    for (let i = 0; i < 2; i++) await afterMove(page, () => zoomOut.click(UNTIL_TEST_TIMEOUT));
    await expectDrawnCells('hotspots', significant);
    const [searched] = await db.query<{ code: string }>(SEARCHED_GRID_SQL);
    await page.locator('input[data-testid="search"]').fill(searched!.code, UNTIL_TEST_TIMEOUT);
    await afterMove(page, () => page.locator('input[data-testid="search"]').press('Enter', UNTIL_TEST_TIMEOUT));
    await page.locator('button[data-testid="grades-run"]').click(UNTIL_TEST_TIMEOUT);
    const [grids] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM grid');
    await page.waitForFunction((n) => window.gridpatrol.gradedGrids === n, grids!.n, UNTIL_TEST_TIMEOUT);
    await waitIdle();
    await page.mouse.click(840, 450);
    await page.locator('#details tr[data-field="grade"]').waitFor(UNTIL_TEST_TIMEOUT);
    const code = await page.locator('#details tr[data-field="code"] td').nth(1).textContent();
    await page.waitForFunction(() => window.gridpatrol.hourChartTotal > 0, undefined, UNTIL_TEST_TIMEOUT);
    const [inGrid] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incident i JOIN grid g ON ST_Intersects(g.geom, i.geom)
      WHERE g.code = $1 AND extract(hour FROM i.occurred_at AT TIME ZONE 'Asia/Shanghai') IN (20, 21)`,
      [code],
    );
    expect(await page.evaluate(() => window.gridpatrol.hourChartTotal), `24×7 chart of grid ${code}`).toBe(inGrid!.n);
    await page.screenshot({ path: path.join(ARTIFACTS, 'planner-hotspots-grades-en.png') });
  }, 480_000); // Gi*, grades, two zoom steps and a fly back on a loaded 2-core machine

  it('when the day is played, then the heat map steps through single hours and comes back to the filter', async () => {
    const before = await page.evaluate(() => window.gridpatrol.cellsTotal);
    await page.locator('button[data-testid="play"]').click();
    // The player records what each step showed, so a slow machine cannot make the test read a later hour.
    const firstHour = await page.waitForFunction(() => window.gridpatrol.playedFrames[0]?.total ?? false, undefined, {
      timeout: 30_000,
    });
    const [midnight] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incident WHERE extract(hour FROM occurred_at AT TIME ZONE 'Asia/Shanghai') = 0`,
    );
    expect(await firstHour.jsonValue(), 'incidents in 0:00–1:00').toBe(midnight!.n);
    await page.locator('button[data-testid="play"]').click();
    await page.waitForFunction((b) => window.gridpatrol.cellsTotal === b, before, { timeout: 30_000 });
  });

  it('when the last 12 weeks are played, then the first step shows exactly that week', async () => {
    // Forget the day player's frames: the week player starts only after it has read the incident date range.
    const before = await page.evaluate(() => {
      window.gridpatrol.playedSteps = 0;
      window.gridpatrol.playedFrames = [];
      return window.gridpatrol.cellsTotal;
    });
    await page.locator('button[data-testid="play-weeks"]').click();
    // Total and label of the first week as the player recorded them.
    const first = await page.waitForFunction(
      () => {
        const f = window.gridpatrol.playedFrames[0];
        return f ? [f.total, f.label] : false;
      },
      undefined,
      { timeout: 30_000 },
    );
    const [total, label] = (await first.jsonValue()) as [number, string];
    const [week] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incident WHERE occurred_at >= ($1 || 'T00:00:00+08:00')::timestamptz
      AND occurred_at < ($1 || 'T00:00:00+08:00')::timestamptz + interval '7 days'
      AND extract(hour FROM occurred_at AT TIME ZONE 'Asia/Shanghai') IN (20, 21)`,
      [label],
    );
    expect(total, `week of ${label}, 20–22 h`).toBe(week!.n);
    await page.locator('button[data-testid="play-weeks"]').click();
    await page.waitForFunction((b) => window.gridpatrol.cellsTotal === b, before, { timeout: 30_000 });
  });

  it('when the planner draws the reach map, an isochrone and a patrol for a clicked beat, then each shows what the API planned', async () => {
    await page.locator('details[data-section="reach"] > summary').click();
    await page.locator('button[data-testid="reach-run"]').click();
    await page.waitForFunction(() => window.gridpatrol.reachEdges > 0, undefined, { timeout: 60_000 });
    const edges = await page.evaluate(
      async () =>
        ((await (await fetch('/api/v1/routing/reach?format=geojson')).json()) as { features: unknown[] }).features
          .length,
    );
    expect(await page.evaluate(() => window.gridpatrol.reachEdges)).toBe(edges);
    expect(await page.locator('[data-testid="reach-table"] tr').count(), 'a header and the 1, 3, 5 minute rows').toBe(
      4,
    );
    await page.locator('input[data-testid="isochrone-mode"]').check();
    await page.mouse.click(840, 450);
    await page.waitForFunction(() => window.gridpatrol.isochroneBands === 3, undefined, { timeout: 30_000 });
    await page.locator('input[data-testid="isochrone-mode"]').uncheck();
    await page.mouse.click(840, 450);
    await page.locator('button[data-testid="patrol-run"]:not([disabled])').waitFor({ timeout: 10_000 });
    await page.locator('select[data-testid="patrol-shift-start"]').selectOption('20');
    await page.locator('select[data-testid="patrol-shift-hours"]').selectOption('4');
    const asked = page.waitForRequest((r) => r.url().includes('/routing/patrol') && r.method() === 'POST');
    await page.locator('button[data-testid="patrol-run"]').click();
    expect((await asked).postDataJSON()).toMatchObject({ startHour: 20, hours: 4 });
    await page.waitForFunction(() => window.gridpatrol.patrolUnits === 2, undefined, { timeout: 60_000 });
    expect(await page.locator('[data-testid="patrol-words"]').first().textContent()).toContain('checkpoints');
    await page.waitForFunction(() => window.gridpatrol.replayMinute > 30, undefined, { timeout: 30_000 });
    expect(await page.locator('[data-testid="patrol-summary"] p').count()).toBe(2);
    await waitIdle();
    await page.screenshot({ path: path.join(ARTIFACTS, 'planner-reach-patrol-en.png') });
  });

  it('when the leader computes coverage per community, then every community is coloured by the API rate', async () => {
    await page.goto(`${base}/?role=leader&lang=zh-CN`);
    await waitIdle();
    await page.screenshot({ path: path.join(ARTIFACTS, 'leader-zh-CN.png') });
    await page.locator('details[data-section="coverage"] > summary').click();
    await page.locator('select[data-testid="coverage-area"]').selectOption('community');
    await page.locator('button[data-testid="coverage-run"]').click();
    await page.waitForFunction(() => window.gridpatrol.ratedAreas > 0, undefined, { timeout: 120_000 });
    const [communities] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM admin_area WHERE level = 'community'`,
    );
    expect(await page.evaluate(() => window.gridpatrol.ratedAreas), 'one coloured area per community').toBe(
      communities!.n,
    );
    const summary = await page.locator('[data-testid="coverage-summary"]').textContent();
    expect(summary).toContain(`${communities!.n} 个单元`);
    expect(await page.locator('[data-testid="coverage-table"] tr').count()).toBe(8);
    await waitIdle();
    await page.screenshot({ path: path.join(ARTIFACTS, 'leader-coverage-zh-CN.png') });
  });

  it('when camera views are switched on at street zoom, then the occluded views of the cameras in view are drawn', async () => {
    await page.locator('input[data-testid="camera-views"]').check();
    await expect(page.locator('details[data-section="coverage"] .muted').last().textContent()).resolves.toContain(
      '放大',
    );
    // Searching a camera code flies to it at z17, where views are drawn.
    const [cam] = await db.query<{ code: string }>(`SELECT code FROM camera ORDER BY id LIMIT 1 OFFSET 700`);
    await page.locator('input[data-testid="search"]').fill(cam!.code);
    await page.locator('input[data-testid="search"]').press('Enter');
    await page.waitForFunction(() => window.gridpatrol.cameraViews > 0, undefined, { timeout: 60_000 });
    const box = await page.evaluate(() => window.gridpatrol.cameraViewsBox);
    const [inBox] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM camera WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)`,
      box,
    );
    expect(await page.evaluate(() => window.gridpatrol.cameraViews), 'one view per camera in the box').toBe(inBox!.n);
    await waitIdle();
    await page.screenshot({ path: path.join(ARTIFACTS, 'leader-camera-views-zh-CN.png') });
  });

  it('when blind spots are shown and 5 cameras are placed in view, then the heat map holds the API cells and the proposal raises the road rate', async () => {
    // Placing cameras is the planner's: the admin this session runs as switches to that view (the map stays put).
    await page.locator('select[data-testid="role"]').selectOption('planner', UNTIL_TEST_TIMEOUT);
    await page.locator('details[data-section="placement"] > summary').click(UNTIL_TEST_TIMEOUT);
    await page.locator('input[data-testid="blind-spots"]').check(UNTIL_TEST_TIMEOUT);
    await page.waitForFunction(() => window.gridpatrol.blindSpotCells > 0, undefined, UNTIL_TEST_TIMEOUT);
    const cells = (await (
      await fetch(`${base}/api/v1/analysis/blind-spot-cells?res=10`, { headers: { cookie } })
    ).json()) as unknown[];
    expect(await page.evaluate(() => window.gridpatrol.blindSpotCells), 'one hexagon per API cell').toBe(cells.length);
    await waitIdle();
    await expectDrawnCells(
      'blind-spot-cells',
      (cells as { h3: string }[]).map((c) => c.h3),
    );
    await page.locator('input[data-testid="placement-k"]').fill('5', UNTIL_TEST_TIMEOUT);
    await page.locator('button[data-testid="placement-run"]').click(UNTIL_TEST_TIMEOUT);
    await page.waitForFunction(() => window.gridpatrol.proposedCameras > 0, undefined, UNTIL_TEST_TIMEOUT);
    expect(await page.evaluate(() => window.gridpatrol.proposedCameras)).toBe(5);
    expect(await page.locator('[data-testid="placement-list"] tr').count(), 'a header and one row per camera').toBe(6);
    const cellsText = await page.locator('[data-testid="placement-table"] tr').nth(1).locator('td').allTextContents();
    const [before, after] = [parseFloat(cellsText[1] ?? ''), parseFloat(cellsText[2] ?? '')];
    expect(after, `road rate before ${cellsText[1]}, after ${cellsText[2]}`).toBeGreaterThan(before);
    await waitIdle();
    await page.screenshot({ path: path.join(ARTIFACTS, 'planner-placement-zh-CN.png') });
    const { n: camerasBefore } = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM camera'))[0]!;
    await page.locator('button[data-testid="placement-accept"]').click(UNTIL_TEST_TIMEOUT);
    // The accept is a round trip: wait for its answer before reading the message.
    await page.waitForFunction(() => window.gridpatrol.proposedCameras === 0, undefined, UNTIL_TEST_TIMEOUT);
    await page.locator('[data-testid="placement-status"]', { hasText: /5/ }).waitFor(UNTIL_TEST_TIMEOUT);
    const { n: camerasAfter } = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM camera'))[0]!;
    expect(camerasAfter - camerasBefore, 'accepted cameras stored').toBe(5);
    const { n: planned } = (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM camera WHERE name LIKE '补盲 #%' AND status = 'offline'`,
      )
    )[0]!;
    expect(planned).toBe(5);
    await page.locator('input[data-testid="blind-spots"]').uncheck();
  });

  it('when the leader view is exported, then a PNG and a PDF report come out', async () => {
    const png = page.waitForEvent('download');
    await page.locator('button[data-testid="export-png"]').click();
    expect((await png).suggestedFilename()).toMatch(/^gridpatrol-.*\.png$/);
    expect(await page.evaluate(() => window.gridpatrol.lastPngBytes)).toBeGreaterThan(50_000);
    const pdf = page.waitForEvent('download');
    await page.locator('button[data-testid="export-pdf"]').click();
    const pdfDownload = await pdf;
    expect(pdfDownload.suggestedFilename()).toMatch(/\.pdf$/);
    await pdfDownload.saveAs(path.join(ARTIFACTS, 'report.pdf'));
    expect(await page.evaluate(() => window.gridpatrol.lastPdfBytes)).toBeGreaterThan(20_000);
    await page.locator('button[data-testid="lang"]').click();
    await expect(page.locator('#sidebar h1').textContent()).resolves.toBe('Grid & beat planning');
    await page.screenshot({ path: path.join(ARTIFACTS, 'leader-en.png') });
  });

  it('when the session is over, then no console error was logged and no request left this server', () => {
    expect(consoleErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });
});
