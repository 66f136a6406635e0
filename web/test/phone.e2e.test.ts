import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, useBrowserSession, waitIdle as idle } from './browser-session.js';

/** The app on a 390×844 phone in Chromium: how much of the screen is map, and the bottom sheet folded and opened. */
const session = useBrowserSession({ incidents: 1000, hookTimeoutMs: 600_000 });

const W = 390,
  H = 844;
/** Share of a 13 × 28 lattice of screen points whose topmost element is the map's canvas (what a thumb lands on). */
const mapShare = () =>
  session.page.evaluate(
    ([w, h]) => {
      let hit = 0,
        all = 0;
      for (let i = 0; i < 13; i++)
        for (let j = 0; j < 28; j++) {
          const el = document.elementFromPoint(((i + 0.5) / 13) * w, ((j + 0.5) / 28) * h);
          all++;
          if (el?.classList.contains('maplibregl-canvas')) hit++;
        }
      return hit / all;
    },
    [W, H] as const,
  );
const sheet = () => session.page.locator('#sidebar').boundingBox();
const folded = () => session.page.evaluate(() => window.gridpatrol.sheetFolded);

describe.skipIf(!hasChromium)('phone layout in Chromium', () => {
  it('when a leader opens the app on a 390×844 phone, then at least half the screen is map, and the sheet folds down and opens again by click, drag and keyboard', async () => {
    await session.page.setViewportSize({ width: W, height: H });
    await session.page.goto(`${session.base}/?role=leader&lang=zh-CN`);
    await session.page.waitForFunction(() => window.gridpatrol.gradedGrids > 0, undefined, { timeout: 120_000 });
    await idle(session.page);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'phone-390-open-zh-CN.png') });
    // The loading line was on from sign-in until the first map was drawn, and the live region says it is loaded.
    const loading = await session.page.evaluate(() => ({
      on: window.gridpatrol.loadingShownAt,
      off: window.gridpatrol.loadingHiddenAt,
      status: document.getElementById('status')?.textContent,
      hidden: (document.getElementById('loading') as HTMLElement).hidden,
    }));
    expect(loading.off).toBeGreaterThan(loading.on);
    expect(loading.hidden).toBe(true);
    expect(loading.status).toBe('地图已加载');
    const open = await mapShare();
    expect(open, 'share of the screen that is map, sheet open').toBeGreaterThanOrEqual(0.5);
    const openBox = await sheet();
    expect(openBox!.y + openBox!.height).toBeCloseTo(H, 0);
    expect(openBox!.height).toBeCloseTo(0.32 * H, 0);

    // Click: folded to its handle strip; the map takes the screen, the legend follows the sheet down.
    const legendOpen = await session.page.locator('#legend').boundingBox();
    const handle = session.page.locator('[data-testid="sheet-handle"]');
    expect(await handle.getAttribute('aria-expanded')).toBe('true');
    await handle.click();
    await session.page.waitForFunction(() => window.gridpatrol.sheetFolded);
    await idle(session.page);
    expect(await handle.getAttribute('aria-expanded')).toBe('false');
    expect((await sheet())!.height).toBeLessThanOrEqual(33);
    const shut = await mapShare();
    expect(shut, 'share of the screen that is map, sheet folded').toBeGreaterThan(open + 0.25);
    console.log(
      `390×844 leader: map ${(100 * open).toFixed(1)} % of sampled points with the sheet open, ${(100 * shut).toFixed(1)} % folded`,
    );
    const legendShut = await session.page.locator('#legend').boundingBox();
    if (legendOpen && legendShut) expect(legendShut.y).toBeGreaterThan(legendOpen.y + 0.25 * H);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'phone-390-folded-zh-CN.png') });

    // Drag the handle up: open; down: folded.
    const drag = async (dy: number) => {
      const b = (await handle.boundingBox())!;
      await session.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
      await session.page.mouse.down();
      await session.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2 + dy, { steps: 6 });
      await session.page.mouse.up();
    };
    await drag(-200);
    await expect.poll(folded).toBe(false);
    expect((await sheet())!.height).toBeCloseTo(0.32 * H, 0);
    await drag(200);
    await expect.poll(folded).toBe(true);
    // Keyboard: the handle is a button, Enter opens it.
    await handle.focus();
    await session.page.keyboard.press('Enter');
    await expect.poll(folded).toBe(false);

    // English: the same sheet, its handle named in English.
    await session.page.goto(`${session.base}/?role=leader&lang=en`);
    await session.page.waitForFunction(() => window.gridpatrol.gradedGrids > 0, undefined, { timeout: 120_000 });
    await idle(session.page);
    expect(await handle.getAttribute('aria-label')).toBe('Fold the panel down');
    expect(await mapShare()).toBeGreaterThanOrEqual(0.5);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'phone-390-open-en.png') });
  }, 600_000);
});
