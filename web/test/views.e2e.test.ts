import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, useBrowserSession, waitIdle as idle } from './browser-session.js';

/** Thematic views, the leader's summary and selection, in Chromium: asserted on what MapLibre and deck.gl draw. */
const session = useBrowserSession({ incidents: 3000, hookTimeoutMs: 600_000 });

const waitIdle = () => idle(session.page);
const hooks = <T>(fn: () => T) => session.page.evaluate(fn);

describe.skipIf(!hasChromium)('thematic views in Chromium', () => {
  it('when the leader opens the map, then grades are the one theme drawn, with their legend, and the view is in the address', async () => {
    await session.page.goto(`${session.base}/?role=leader&lang=zh-CN`);
    const [grids] = await session.db.query<{ n: number }>('SELECT count(*)::int AS n FROM grid');
    await session.page.waitForFunction((n) => window.gridpatrol.gradedGrids === n, grids!.n, { timeout: 120_000 });
    await waitIdle();
    expect(await hooks(() => window.gridpatrol.renderedCount('grade-grids')), 'grade fills drawn').toBeGreaterThan(0);
    const deck = await hooks(() => window.gridpatrol.deckLayersDrawn());
    expect(deck).not.toContain('deck:heatmap');
    expect(deck).not.toContain('deck:hexagons');
    expect(
      await hooks(() => window.gridpatrol.renderedCount('cameras')),
      'no camera dots on a leader’s first map',
    ).toBe(0);
    expect(new URL(session.page.url()).searchParams.get('view')).toBe('grades');
    const legend = await session.page.locator('#legend [data-testid="legend-items"] li').allTextContents();
    expect(legend.some((x) => x.startsWith('红'))).toBe(true);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'views-leader-grades-zh-CN.png') });
  });

  it('when the leader switches to the incident heat map, then the grades are no longer drawn and the heat map is', async () => {
    await session.page.locator('nav[data-testid="views"] button[data-view="incidents"]').click();
    await waitIdle();
    expect(await hooks(() => window.gridpatrol.renderedCount('grade-grids'))).toBe(0);
    expect(await hooks(() => window.gridpatrol.deckLayersDrawn())).toContain('deck:heatmap');
    expect(new URL(session.page.url()).searchParams.get('view')).toBe('incidents');
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'views-leader-heat-zh-CN.png') });
  });

  it('when the page is reloaded, then the same view opens again', async () => {
    await session.page.reload();
    await session.page.waitForFunction(() => window.gridpatrol.view === 'incidents', undefined, { timeout: 60_000 });
    await waitIdle();
    expect(await hooks(() => window.gridpatrol.deckLayersDrawn())).toContain('deck:heatmap');
    expect(await hooks(() => window.gridpatrol.renderedCount('grade-grids'))).toBe(0);
  });

  it('when the map loads, then the summary shows the live incident count of the filter, the same the API counts', async () => {
    const [all] = await session.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incident');
    await session.page
      .locator('[data-testid="summary-incidents"] strong', { hasText: all!.n.toLocaleString('zh-CN') })
      .waitFor();
    const [grids] = await session.db.query<{ n: number }>('SELECT count(*)::int AS n FROM grid');
    await session.page
      .locator('[data-testid="summary-grids"] strong', { hasText: grids!.n.toLocaleString('zh-CN') })
      .waitFor();
  });

  it('when the leader clicks a grid in the grades view, then its whole stored boundary is outlined and the summary shows its figures', async () => {
    await session.page.locator('nav[data-testid="views"] button[data-view="grades"]').click();
    await session.page.waitForFunction(() => window.gridpatrol.gradedGrids > 0, undefined, { timeout: 60_000 });
    await waitIdle();
    // The grid nearest the district's middle, clicked at its point on surface.
    const [grid] = await session.db.query<{ code: string; name: string; x: number; y: number; b: number[] }>(
      `WITH c AS (SELECT ST_Centroid(ST_Collect(geom)) AS p FROM grid)
       SELECT g.code, g.name, ST_X(ST_PointOnSurface(g.geom)) AS x, ST_Y(ST_PointOnSurface(g.geom)) AS y,
              ARRAY[ST_XMin(g.geom), ST_YMin(g.geom), ST_XMax(g.geom), ST_YMax(g.geom)] AS b
       FROM grid g, c ORDER BY g.geom <-> c.p LIMIT 1`,
    );
    const [px, py] = await session.page.evaluate(({ x, y }) => window.gridpatrol.project(x, y), grid!);
    await session.page.mouse.click(px, py);
    await session.page.waitForFunction((code) => window.gridpatrol.selectedCode === code, grid!.code, {
      timeout: 30_000,
    });
    await waitIdle();
    const box = await hooks(() => window.gridpatrol.renderedBBox('selection-line'));
    expect(box.length, 'an outline is drawn').toBe(4);
    for (let i = 0; i < 4; i++)
      expect(Math.abs((box[i] ?? 0) - (grid!.b[i] ?? 0)), `outline bbox[${i}] follows the stored grid`).toBeLessThan(
        2e-5,
      );
    await expect(session.page.locator('[data-testid="summary-title"]').textContent()).resolves.toBe(grid!.name);
    const [inGrid] = await session.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incident i JOIN grid g ON ST_Intersects(g.geom, i.geom) WHERE g.code = $1`,
      [grid!.code],
    );
    await session.page
      .locator('[data-testid="summary-incidents"] strong', { hasText: new RegExp(`^${inGrid!.n}$`) })
      .waitFor({ timeout: 30_000 });
    // Names, not ids: the community by name, with its code beside.
    const community = await session.page.locator('#details tr[data-field="community_code"] td').nth(1).textContent();
    expect(community).toMatch(/社区 \(\d{12}\)$/);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'views-leader-grid-selected-zh-CN.png') });
  });

  it('when "dxg" is typed in the search, then 大行宫 is suggested as typed, and Enter outlines it on the map', async () => {
    await session.page.locator('#details button.close').click();
    await session.page.locator('input[data-testid="search"]').fill('dxg');
    const first = session.page.locator('[data-testid="search-suggestions"] li').first();
    await first.waitFor({ timeout: 30_000 });
    expect(await first.textContent()).toContain('大行宫');
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'views-search-dxg-zh-CN.png') });
    await session.page.locator('input[data-testid="search"]').press('Enter');
    await session.page.waitForFunction(() => window.gridpatrol.selectedCount() > 0, undefined, { timeout: 30_000 });
    await waitIdle();
    expect(await hooks(() => window.gridpatrol.renderedCount('selection-line'))).toBeGreaterThan(0);
  });
});
