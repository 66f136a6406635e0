import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/src/db/client.js';
import {
  ARTIFACTS,
  hasChromium,
  startBrowserSession,
  waitIdle as idle,
  type BrowserSession,
} from './browser-session.js';

/** Thematic views, the leader's summary and selection, in Chromium: asserted on what MapLibre and deck.gl draw. */
let session: BrowserSession | undefined;
let db: Db;
let base: string;
let page: Page;

beforeAll(async () => {
  if (!hasChromium) return;
  session = await startBrowserSession({ incidents: 3000 });
  ({ db, base, page } = session);
}, 600_000);
afterAll(async () => session?.close());

const waitIdle = () => idle(page);
const hooks = <T>(fn: () => T) => page.evaluate(fn);

describe.skipIf(!hasChromium)('thematic views in Chromium', () => {
  it('when the leader opens the map, then grades are the one theme drawn, with their legend, and the view is in the address', async () => {
    await page.goto(`${base}/?role=leader&lang=zh-CN`);
    const [grids] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM grid');
    await page.waitForFunction((n) => window.gridpatrol.gradedGrids === n, grids!.n, { timeout: 120_000 });
    await waitIdle();
    expect(await hooks(() => window.gridpatrol.renderedCount('grade-grids')), 'grade fills drawn').toBeGreaterThan(0);
    const deck = await hooks(() => window.gridpatrol.deckLayersDrawn());
    expect(deck).not.toContain('deck:heatmap');
    expect(deck).not.toContain('deck:hexagons');
    expect(
      await hooks(() => window.gridpatrol.renderedCount('cameras')),
      'no camera dots on a leader’s first map',
    ).toBe(0);
    expect(new URL(page.url()).searchParams.get('view')).toBe('grades');
    const legend = await page.locator('#legend [data-testid="legend-items"] li').allTextContents();
    expect(legend.some((x) => x.startsWith('红'))).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'views-leader-grades-zh-CN.png') });
  });

  it('when the leader switches to the incident heat map, then the grades are no longer drawn and the heat map is', async () => {
    await page.locator('nav[data-testid="views"] button[data-view="incidents"]').click();
    await waitIdle();
    expect(await hooks(() => window.gridpatrol.renderedCount('grade-grids'))).toBe(0);
    expect(await hooks(() => window.gridpatrol.deckLayersDrawn())).toContain('deck:heatmap');
    expect(new URL(page.url()).searchParams.get('view')).toBe('incidents');
    await page.screenshot({ path: path.join(ARTIFACTS, 'views-leader-heat-zh-CN.png') });
  });

  it('when the page is reloaded, then the same view opens again', async () => {
    await page.reload();
    await page.waitForFunction(() => window.gridpatrol.view === 'incidents', undefined, { timeout: 60_000 });
    await waitIdle();
    expect(await hooks(() => window.gridpatrol.deckLayersDrawn())).toContain('deck:heatmap');
    expect(await hooks(() => window.gridpatrol.renderedCount('grade-grids'))).toBe(0);
  });
});
