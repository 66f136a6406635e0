import path from 'node:path';
import { cellToBoundary } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, afterMove, useBrowserSession, waitIdle as idle } from './browser-session.js';

const session = useBrowserSession();

const waitIdle = () => idle(session.page);
/** The grid the grid office searches (and the hot-spot case searches again to put the map back). */
const SEARCHED_GRID_SQL = `SELECT code FROM grid WHERE kind = 'basic' ORDER BY code LIMIT 1 OFFSET 150`;

/**
 * The H3 cells a deck layer drew (read from deck's picking buffer) against the API's: none drawn that the API did
 * not give, and every API cell whose whole outline lies on screen drawn.
 */
async function expectDrawnCells(layer: string, apiCells: readonly string[]): Promise<void> {
  const drawn = await session.page.evaluate((l) => window.gridpatrol.deckDrawn(l, 'h3'), layer);
  const [w, s, e, n] = (await session.page.evaluate(() => window.gridpatrol.mapBounds())) as [
    number,
    number,
    number,
    number,
  ];
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
    await session.page.goto(`${session.base}/?role=planner&lang=zh-CN`);
    await waitIdle();
    await expect(session.page.locator('#sidebar h1').textContent()).resolves.toBe('网格警格规划');
    const hooks = await session.page.evaluate(() => ({
      total: window.gridpatrol.cellsTotal,
      beats: window.gridpatrol.layerVisible('beats-fill'),
      roads: window.gridpatrol.layerVisible('roads'),
    }));
    expect(hooks.total).toBe(100_000);
    expect(hooks.beats).toBe(true);
    expect(hooks.roads).toBe(true);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'planner-zh-CN.png') });
  });

  it('when a layer is switched off, then its map layers are hidden', async () => {
    await session.page.locator('input[data-layer="beats"]').uncheck();
    expect(await session.page.evaluate(() => window.gridpatrol.layerVisible('beats-fill'))).toBe(false);
    await session.page.locator('input[data-layer="beats"]').check();
    expect(await session.page.evaluate(() => window.gridpatrol.layerVisible('beats-line'))).toBe(true);
  });

  it('when the grid office searches a grid code and clicks the grid, then the panel shows its attributes in Chinese', async () => {
    await session.page.locator('select[data-testid="role"]').selectOption('grid_office');
    const code = (await session.db.query<{ code: string }>(SEARCHED_GRID_SQL))[0]!.code;
    await session.page.locator('input[data-testid="search"]').fill(code);
    // Enter asks the search, then fits the map to the hit: wait for that move and the idle after it.
    await afterMove(session.page, () => session.page.locator('input[data-testid="search"]').press('Enter'));
    // The grid fills the middle of the map after fitBounds; click right of the sidebar's centre line.
    await session.page.mouse.click(840, 450);
    await session.page.locator('#details tr[data-field="code"]').waitFor({ timeout: 10_000 });
    expect(await session.page.locator('#details').isVisible()).toBe(true);
    await expect(session.page.locator('#details tr[data-field="code"] td').nth(1).textContent()).resolves.toBe(code);
    await expect(session.page.locator('#details tr[data-field="code"] td').first().textContent()).resolves.toBe('编码');
    await session.page.waitForFunction(() => window.gridpatrol.selectedCount() > 0, undefined, { timeout: 10_000 });
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'grid-office-zh-CN.png') });
  });

  it('when the language is switched, then the UI is in English', async () => {
    await session.page.locator('button[data-testid="lang"]').click();
    await expect(session.page.locator('#sidebar h1').textContent()).resolves.toBe('Grid & beat planning');
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'grid-office-en.png') });
    await session.page.locator('select[data-testid="role"]').selectOption('planner');
    await expect(session.page.locator('select[data-testid="role"] option:checked').textContent()).resolves.toBe(
      'Police planner',
    );
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'planner-en.png') });
  });

  it('when the hour filter is set to 20–22 h, then the heat-map data changes to that window only', async () => {
    const before = await session.page.evaluate(() => window.gridpatrol.cellsTotal);
    await session.page.locator('select[data-testid="hour-from"]').selectOption('20');
    await session.page.locator('select[data-testid="hour-to"]').selectOption('21');
    await session.page.locator('button[data-testid="apply-filter"]').click();
    await session.page.waitForFunction((b) => window.gridpatrol.cellsTotal !== b, before, { timeout: 30_000 });
    const after = await session.page.evaluate(() => window.gridpatrol.cellsTotal);
    const [ref] = await session.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incident
      WHERE extract(hour FROM occurred_at AT TIME ZONE 'Asia/Shanghai') IN (20, 21)`);
    expect(after).toBe(ref!.n);
    expect(after).toBeLessThan(before);
  });

  it('when the planner asks for hot spots and grades, then the map draws what the API computed, and a clicked grid shows its 24×7 chart', async () => {
    // A fixed resolution (the default follows the zoom, and the map is zoomed in on a grid here).
    await session.page.locator('select[data-testid="resolution"]').selectOption('9', UNTIL_TEST_TIMEOUT);
    await session.page.locator('button[data-testid="apply-filter"]').click(UNTIL_TEST_TIMEOUT);
    await session.page.locator('details[data-section="incidents"] > summary').click(UNTIL_TEST_TIMEOUT);
    await session.page.locator('button[data-testid="hotspots-run"]').click(UNTIL_TEST_TIMEOUT);
    await session.page.waitForFunction(() => window.gridpatrol.hotspotCells > 0, undefined, UNTIL_TEST_TIMEOUT);
    const significant = await session.page.evaluate(async () => {
      const r = (await (await fetch('/api/v1/incidents/hotspots?res=9&hours=20,21')).json()) as {
        cells: { h3: string; bin: number }[];
      };
      return r.cells.filter((c) => c.bin !== 0).map((c) => c.h3);
    });
    expect(
      await session.page.evaluate(() => window.gridpatrol.hotspotCells),
      'hot-spot cells handed to the layer for the 20–22 h filter',
    ).toBe(significant.length);
    // What deck drew (its picking buffer): only significant cells, and every one lying wholly on screen. Zoomed out
    // two steps for it (zoomed in on one grid, no res-9 cell lies wholly on screen), then the same grid is searched
    // again, which fits the map to it as before: the map stays put for the clicks below.
    const zoomOut = session.page.locator('.maplibregl-ctrl-zoom-out');
    for (let i = 0; i < 2; i++) await afterMove(session.page, () => zoomOut.click(UNTIL_TEST_TIMEOUT));
    await expectDrawnCells('hotspots', significant);
    const [searched] = await session.db.query<{ code: string }>(SEARCHED_GRID_SQL);
    await session.page.locator('input[data-testid="search"]').fill(searched!.code, UNTIL_TEST_TIMEOUT);
    await afterMove(session.page, () =>
      session.page.locator('input[data-testid="search"]').press('Enter', UNTIL_TEST_TIMEOUT),
    );
    await session.page.locator('button[data-testid="grades-run"]').click(UNTIL_TEST_TIMEOUT);
    const [grids] = await session.db.query<{ n: number }>('SELECT count(*)::int AS n FROM grid');
    await session.page.waitForFunction((n) => window.gridpatrol.gradedGrids === n, grids!.n, UNTIL_TEST_TIMEOUT);
    await waitIdle();
    await session.page.mouse.click(840, 450);
    await session.page.locator('#details tr[data-field="grade"]').waitFor(UNTIL_TEST_TIMEOUT);
    const code = await session.page.locator('#details tr[data-field="code"] td').nth(1).textContent();
    await session.page.waitForFunction(() => window.gridpatrol.hourChartTotal > 0, undefined, UNTIL_TEST_TIMEOUT);
    const [inGrid] = await session.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incident i JOIN grid g ON ST_Intersects(g.geom, i.geom)
      WHERE g.code = $1 AND extract(hour FROM i.occurred_at AT TIME ZONE 'Asia/Shanghai') IN (20, 21)`,
      [code],
    );
    expect(await session.page.evaluate(() => window.gridpatrol.hourChartTotal), `24×7 chart of grid ${code}`).toBe(
      inGrid!.n,
    );
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'planner-hotspots-grades-en.png') });
  }, 480_000); // Gi*, grades, two zoom steps and a fly back on a loaded 2-core machine

  it('when the day is played, then the heat map steps through single hours and comes back to the filter', async () => {
    const before = await session.page.evaluate(() => window.gridpatrol.cellsTotal);
    await session.page.locator('button[data-testid="play"]').click();
    // The player records what each step showed, so a slow machine cannot make the test read a later hour.
    const firstHour = await session.page.waitForFunction(
      () => window.gridpatrol.playedFrames[0]?.total ?? false,
      undefined,
      {
        timeout: 30_000,
      },
    );
    const [midnight] = await session.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incident WHERE extract(hour FROM occurred_at AT TIME ZONE 'Asia/Shanghai') = 0`,
    );
    expect(await firstHour.jsonValue(), 'incidents in 0:00–1:00').toBe(midnight!.n);
    await session.page.locator('button[data-testid="play"]').click();
    await session.page.waitForFunction((b) => window.gridpatrol.cellsTotal === b, before, { timeout: 30_000 });
  });

  it('when the last 12 weeks are played, then the first step shows exactly that week', async () => {
    // Forget the day player's frames: the week player starts only after it has read the incident date range.
    const before = await session.page.evaluate(() => {
      window.gridpatrol.playedSteps = 0;
      window.gridpatrol.playedFrames = [];
      return window.gridpatrol.cellsTotal;
    });
    await session.page.locator('button[data-testid="play-weeks"]').click();
    // Total and label of the first week as the player recorded them.
    const first = await session.page.waitForFunction(
      () => {
        const f = window.gridpatrol.playedFrames[0];
        return f ? [f.total, f.label] : false;
      },
      undefined,
      { timeout: 30_000 },
    );
    const [total, label] = (await first.jsonValue()) as [number, string];
    const [week] = await session.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incident WHERE occurred_at >= ($1 || 'T00:00:00+08:00')::timestamptz
      AND occurred_at < ($1 || 'T00:00:00+08:00')::timestamptz + interval '7 days'
      AND extract(hour FROM occurred_at AT TIME ZONE 'Asia/Shanghai') IN (20, 21)`,
      [label],
    );
    expect(total, `week of ${label}, 20–22 h`).toBe(week!.n);
    await session.page.locator('button[data-testid="play-weeks"]').click();
    await session.page.waitForFunction((b) => window.gridpatrol.cellsTotal === b, before, { timeout: 30_000 });
  });

  it('when the planner draws the reach map, an isochrone and a patrol for a clicked beat, then each shows what the API planned', async () => {
    await session.page.locator('details[data-section="reach"] > summary').click();
    await session.page.locator('button[data-testid="reach-run"]').click();
    await session.page.waitForFunction(() => window.gridpatrol.reachEdges > 0, undefined, { timeout: 60_000 });
    const edges = await session.page.evaluate(
      async () =>
        ((await (await fetch('/api/v1/routing/reach?format=geojson')).json()) as { features: unknown[] }).features
          .length,
    );
    expect(await session.page.evaluate(() => window.gridpatrol.reachEdges)).toBe(edges);
    expect(
      await session.page.locator('[data-testid="reach-table"] tr').count(),
      'a header and the 1, 3, 5 minute rows',
    ).toBe(4);
    await session.page.locator('input[data-testid="isochrone-mode"]').check();
    await session.page.mouse.click(840, 450);
    await session.page.waitForFunction(() => window.gridpatrol.isochroneBands === 3, undefined, { timeout: 30_000 });
    await session.page.locator('input[data-testid="isochrone-mode"]').uncheck();
    await session.page.mouse.click(840, 450);
    await session.page.locator('button[data-testid="patrol-run"]:not([disabled])').waitFor({ timeout: 10_000 });
    await session.page.locator('select[data-testid="patrol-shift-start"]').selectOption('20');
    await session.page.locator('select[data-testid="patrol-shift-hours"]').selectOption('4');
    const asked = session.page.waitForRequest((r) => r.url().includes('/routing/patrol') && r.method() === 'POST');
    await session.page.locator('button[data-testid="patrol-run"]').click();
    expect((await asked).postDataJSON()).toMatchObject({ startHour: 20, hours: 4 });
    await session.page.waitForFunction(() => window.gridpatrol.patrolUnits === 2, undefined, { timeout: 60_000 });
    expect(await session.page.locator('[data-testid="patrol-words"]').first().textContent()).toContain('checkpoints');
    await session.page.waitForFunction(() => window.gridpatrol.replayMinute > 30, undefined, { timeout: 30_000 });
    expect(await session.page.locator('[data-testid="patrol-summary"] p').count()).toBe(2);
    await waitIdle();
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'planner-reach-patrol-en.png') });
  });

  it('when the leader computes coverage per community, then every community is coloured by the API rate', async () => {
    await session.page.goto(`${session.base}/?role=leader&lang=zh-CN`);
    await waitIdle();
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'leader-zh-CN.png') });
    await session.page.locator('details[data-section="coverage"] > summary').click();
    await session.page.locator('select[data-testid="coverage-area"]').selectOption('community');
    await session.page.locator('button[data-testid="coverage-run"]').click();
    await session.page.waitForFunction(() => window.gridpatrol.ratedAreas > 0, undefined, { timeout: 120_000 });
    const [communities] = await session.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM admin_area WHERE level = 'community'`,
    );
    expect(await session.page.evaluate(() => window.gridpatrol.ratedAreas), 'one coloured area per community').toBe(
      communities!.n,
    );
    const summary = await session.page.locator('[data-testid="coverage-summary"]').textContent();
    expect(summary).toContain(`${communities!.n} 个单元`);
    expect(await session.page.locator('[data-testid="coverage-table"] tr').count()).toBe(8);
    await waitIdle();
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'leader-coverage-zh-CN.png') });
  });

  it('when camera views are switched on at street zoom, then the occluded views of the cameras in view are drawn', async () => {
    await session.page.locator('input[data-testid="camera-views"]').check();
    await expect(
      session.page.locator('details[data-section="coverage"] .muted').last().textContent(),
    ).resolves.toContain('放大');
    // Searching a camera code flies to it at z17, where views are drawn.
    const [cam] = await session.db.query<{ code: string }>(`SELECT code FROM camera ORDER BY id LIMIT 1 OFFSET 700`);
    await session.page.locator('input[data-testid="search"]').fill(cam!.code);
    await session.page.locator('input[data-testid="search"]').press('Enter');
    await session.page.waitForFunction(() => window.gridpatrol.cameraViews > 0, undefined, { timeout: 60_000 });
    const box = await session.page.evaluate(() => window.gridpatrol.cameraViewsBox);
    const [inBox] = await session.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM camera WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)`,
      box,
    );
    expect(await session.page.evaluate(() => window.gridpatrol.cameraViews), 'one view per camera in the box').toBe(
      inBox!.n,
    );
    await waitIdle();
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'leader-camera-views-zh-CN.png') });
  });

  it('when blind spots are shown and 5 cameras are placed in view, then the heat map holds the API cells and the proposal raises the road rate', async () => {
    // Placing cameras is the planner's: the admin this session runs as switches to that view (the map stays put).
    await session.page.locator('select[data-testid="role"]').selectOption('planner', UNTIL_TEST_TIMEOUT);
    await session.page.locator('details[data-section="placement"] > summary').click(UNTIL_TEST_TIMEOUT);
    await session.page.locator('input[data-testid="blind-spots"]').check(UNTIL_TEST_TIMEOUT);
    await session.page.waitForFunction(() => window.gridpatrol.blindSpotCells > 0, undefined, UNTIL_TEST_TIMEOUT);
    const cells = (await (
      await fetch(`${session.base}/api/v1/analysis/blind-spot-cells?res=10`, { headers: { cookie: session.cookie } })
    ).json()) as unknown[];
    expect(await session.page.evaluate(() => window.gridpatrol.blindSpotCells), 'one hexagon per API cell').toBe(
      cells.length,
    );
    await waitIdle();
    await expectDrawnCells(
      'blind-spot-cells',
      (cells as { h3: string }[]).map((c) => c.h3),
    );
    await session.page.locator('input[data-testid="placement-k"]').fill('5', UNTIL_TEST_TIMEOUT);
    await session.page.locator('button[data-testid="placement-run"]').click(UNTIL_TEST_TIMEOUT);
    await session.page.waitForFunction(() => window.gridpatrol.proposedCameras > 0, undefined, UNTIL_TEST_TIMEOUT);
    expect(await session.page.evaluate(() => window.gridpatrol.proposedCameras)).toBe(5);
    expect(
      await session.page.locator('[data-testid="placement-list"] tr').count(),
      'a header and one row per camera',
    ).toBe(6);
    const cellsText = await session.page
      .locator('[data-testid="placement-table"] tr')
      .nth(1)
      .locator('td')
      .allTextContents();
    const [before, after] = [parseFloat(cellsText[1] ?? ''), parseFloat(cellsText[2] ?? '')];
    expect(after, `road rate before ${cellsText[1]}, after ${cellsText[2]}`).toBeGreaterThan(before);
    await waitIdle();
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'planner-placement-zh-CN.png') });
    const { n: camerasBefore } = (await session.db.query<{ n: number }>('SELECT count(*)::int AS n FROM camera'))[0]!;
    await session.page.locator('button[data-testid="placement-accept"]').click(UNTIL_TEST_TIMEOUT);
    // The accept is a round trip: wait for its answer before reading the message.
    await session.page.waitForFunction(() => window.gridpatrol.proposedCameras === 0, undefined, UNTIL_TEST_TIMEOUT);
    await session.page.locator('[data-testid="placement-status"]', { hasText: /5/ }).waitFor(UNTIL_TEST_TIMEOUT);
    const { n: camerasAfter } = (await session.db.query<{ n: number }>('SELECT count(*)::int AS n FROM camera'))[0]!;
    expect(camerasAfter - camerasBefore, 'accepted cameras stored').toBe(5);
    const { n: planned } = (
      await session.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM camera WHERE name LIKE '补盲 #%' AND status = 'offline'`,
      )
    )[0]!;
    expect(planned).toBe(5);
    await session.page.locator('input[data-testid="blind-spots"]').uncheck();
  });

  it('when the leader view is exported, then a PNG and a PDF report come out', async () => {
    const png = session.page.waitForEvent('download');
    await session.page.locator('button[data-testid="export-png"]').click();
    expect((await png).suggestedFilename()).toMatch(/^gridpatrol-.*\.png$/);
    expect(await session.page.evaluate(() => window.gridpatrol.lastPngBytes)).toBeGreaterThan(50_000);
    const pdf = session.page.waitForEvent('download');
    await session.page.locator('button[data-testid="export-pdf"]').click();
    const pdfDownload = await pdf;
    expect(pdfDownload.suggestedFilename()).toMatch(/\.pdf$/);
    await pdfDownload.saveAs(path.join(ARTIFACTS, 'report.pdf'));
    expect(await session.page.evaluate(() => window.gridpatrol.lastPdfBytes)).toBeGreaterThan(20_000);
    await session.page.locator('button[data-testid="lang"]').click();
    await expect(session.page.locator('#sidebar h1').textContent()).resolves.toBe('Grid & beat planning');
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'leader-en.png') });
  });

  it('when the session is over, then no console error was logged and no request left this server', () => {
    expect(session.consoleErrors).toEqual([]);
    expect(session.foreignRequests).toEqual([]);
  });
});
