import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { incompleteAnswer, kpiAnswer } from '../../server/src/contract/xueliang.js';
import { pct } from '../src/analysis/rate-scale.js';
import en from '../src/i18n/en.json';
import zhCN from '../src/i18n/zh-CN.json';
import { MISSED_CLASSES } from '../src/panels/xueliang-report.js';
import { afterMove, ARTIFACTS, hasChromium, useBrowserSession, waitIdle as idle } from './browser-session.js';

/**
 * Issue #20 in the browser: a leader opens 雪亮报表; the table is the API's KPI answer for the level (order, values,
 * targets, gaps, the ▼ mark under a target), the worst row's area is drawn on the map when clicked, the incomplete
 * list counts what /xueliang/incomplete counts, and 导出 xlsx downloads the workbook with one row per area.
 */
let base: string;
let page: Page;
const session = useBrowserSession({
  incidents: 300,
  hookTimeoutMs: 600_000,
  setUp: async (s) => {
    ({ base, page } = s);
  },
});

const KPIS = [
  ['coverage', 'coverageRate'],
  ['networked', 'networkedRate'],
  ['working', 'workingRate'],
  ['records', 'recordRate'],
  ['keyIndustryCoverage', 'keyIndustryRate'],
] as const;
const report = (testid: string) => page.locator(`details[data-section="xueliang"] [data-testid="${testid}"]`);
const legendEntry = () => page.locator('#legend [data-testid="legend-xueliang"]');
/** The swatch colours of the legend's 雪亮 entry as drawn (each swatch's --c), in its order. */
const legendColours = () =>
  legendEntry()
    .locator('li .swatch')
    .evaluateAll((ss) => ss.map((s) => getComputedStyle(s).getPropertyValue('--c').trim().toLowerCase()));
/** Targets an API row misses (a gap above 0), counted here rather than by the app. */
const missedBy = (gaps: Record<string, number | null>): number =>
  Object.values(gaps).filter((g) => g !== null && g > 0).length;
/** Text nodes under a selector that hold CJK characters, but for data values (area names in the table). */
const cjkTexts = (selector: string) =>
  page.evaluate((sel) => {
    const found: string[] = [];
    for (const root of document.querySelectorAll(sel)) {
      const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        if (n.parentElement?.closest('button.area')) continue;
        if (/[\u4e00-\u9fff]/.test(n.textContent ?? '')) found.push(n.textContent ?? '');
      }
    }
    return found;
  }, selector);
/** The API's answer as the signed-in browser gets it, checked against the contract. */
const api = async <T>(p: string, parse: (x: unknown) => T): Promise<T> => {
  const res = await page.request.get(`${base}/api/v1${p}`);
  expect(res.status(), p).toBe(200);
  return parse(await res.json());
};

describe.skipIf(!hasChromium)('雪亮报表 in Chromium', () => {
  it('when a leader opens 雪亮报表, then the table is the KPI answer worst first with gaps marked, the worst area is drawn on a click, the incomplete list and the xlsx match the API', async () => {
    await session.signInAs('leader');
    await page.goto(`${base}/?lang=zh-CN`);
    await page.waitForFunction(() => window.gridpatrol.gradedGrids > 0, undefined, { timeout: 120_000 });
    await idle(page);
    await page.locator('details[data-section="xueliang"] > summary').click();
    const township = await api('/xueliang/kpis?level=township', (x) => kpiAnswer.parse(x));
    expect(township.rows.length).toBeGreaterThan(0);
    const rows = report('xueliang-table').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(township.rows.length);

    // Every row and figure is the API's, in its order (worst first); a KPI under target carries ▼ and its gap.
    const shown = await rows.evaluateAll((trs) =>
      trs.map((tr) => ({
        key: tr.getAttribute('data-key'),
        cells: [...tr.querySelectorAll('td[data-kpi]')].map((td) => ({
          kpi: td.getAttribute('data-kpi'),
          below: td.classList.contains('below'),
          value: td.querySelector('.value')?.textContent ?? '',
          gap: td.querySelector('.gap')?.textContent ?? null,
          colour: getComputedStyle(td).color,
        })),
      })),
    );
    expect(shown.map((r) => r.key)).toEqual(township.rows.map((r) => r.key));
    let marked = 0;
    township.rows.forEach((r, i) => {
      const cells = shown[i]?.cells ?? [];
      expect(cells.map((c) => c.kpi)).toEqual(KPIS.map(([k]) => k));
      KPIS.forEach(([k, rate], j) => {
        const gap = r.gaps[k];
        const below = gap !== null && gap > 0;
        const cell = cells[j];
        expect(cell?.below, `${r.key} ${k}`).toBe(below);
        expect(cell?.value).toBe(r[rate] === null ? '—' : ((r[rate] ?? 0) * 100).toFixed(1));
        expect(cell?.gap).toBe(below ? `▼${(gap * 100).toFixed(1)}` : null);
        if (below) {
          marked++;
          expect(cell?.colour).toBe('rgb(185, 28, 28)');
        }
      });
    });
    expect(marked, 'the demo city misses some target').toBeGreaterThan(0);
    // The targets are the header's.
    const heads = await report('xueliang-table')
      .locator('th[data-kpi] .target')
      .evaluateAll((ths) => ths.map((th) => th.textContent));
    expect(heads).toEqual(KPIS.map(([k]) => `≥${pct(township.targets[k] ?? null, 0)}`));

    // The worst row's area is drawn by the highlight layer and fitted into view.
    const worst = township.rows[0]!;
    await afterMove(page, () => rows.first().click());
    await expect
      .poll(() => page.evaluate(() => window.gridpatrol.renderedValues('xueliang-picked-fill', 'code')))
      .toEqual([{ id: worst.key, value: worst.key }]);
    const [w, s, e, n] = await page.evaluate(() => window.gridpatrol.mapBounds());
    const drawn = await page.evaluate(() => window.gridpatrol.renderedBBox('xueliang-picked-fill'));
    expect(drawn).toHaveLength(4);
    expect(drawn[0]!).toBeGreaterThanOrEqual(w! - 1e-6);
    expect(drawn[1]!).toBeGreaterThanOrEqual(s! - 1e-6);
    expect(drawn[2]!).toBeLessThanOrEqual(e! + 1e-6);
    expect(drawn[3]!).toBeLessThanOrEqual(n! + 1e-6);
    expect(await rows.first().getAttribute('class')).toContain('picked');

    // The legend explains the areas' colours while they are drawn: one swatch per class, and the worst area's
    // features are drawn in the swatch of its class (targets missed as the API counts them).
    await expect.poll(() => legendEntry().count()).toBe(1);
    expect(await legendColours()).toEqual(MISSED_CLASSES.map((c) => c.colour));
    const worstMissed = missedBy(worst.gaps);
    expect(worstMissed, 'the worst area misses a target').toBeGreaterThan(0);
    const worstClass = MISSED_CLASSES.filter((c) => c.missedFrom <= worstMissed).length - 1;
    const painted = await page.evaluate(() => window.gridpatrol.renderedColours('xueliang-areas-fill', 'fill-color'));
    const worstPainted = painted.filter((f) => f.id === worst.key).map((f) => f.colour);
    expect(worstPainted).toHaveLength(1);
    expect(worstPainted).toEqual([(await legendColours())[worstClass]]);
    // Every area on screen is drawn in a colour the legend explains.
    expect(painted.length).toBeGreaterThan(1);
    const explained = await legendColours();
    expect(painted.filter((f) => !explained.includes(f.colour))).toEqual([]);
    expect(await legendEntry().locator('li').allTextContents()).toEqual([
      zhCN.xueliang.map_legend.met,
      zhCN.xueliang.map_legend.range.replace('{{from}}', '1').replace('{{to}}', '2'),
      zhCN.xueliang.map_legend.from.replace('{{from}}', '3'),
    ]);
    await report('xueliang-incomplete').scrollIntoViewIfNeeded();
    await page.locator('details[data-section="xueliang"] > summary').scrollIntoViewIfNeeded();
    const shot = path.join(ARTIFACTS, 'xueliang-report-zh-CN.png');
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);

    // The incomplete list: the count of /xueliang/incomplete, its first rows with what is missing in Chinese.
    const incomplete = await api('/xueliang/incomplete?limit=20', (x) => incompleteAnswer.parse(x));
    expect(await report('xueliang-incomplete-count').getAttribute('data-count')).toBe(String(incomplete.incomplete));
    const listed = await report('xueliang-incomplete')
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => ({ id: tr.getAttribute('data-camera'), missing: tr.lastElementChild?.textContent })),
      );
    const fields: Record<string, string> = zhCN.xueliang.fields;
    expect(listed).toEqual(
      incomplete.cameras.map((c) => ({ id: String(c.id), missing: c.missing.map((f) => fields[f] ?? f).join('、') })),
    );

    // 导出 xlsx: the server's workbook, one row per area of the level under the header.
    const download = page.waitForEvent('download');
    await report('xueliang-xlsx').click();
    const file = path.join(ARTIFACTS, 'xueliang-township.xlsx');
    await (await download).saveAs(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const sheet = wb.getWorksheet('雪亮KPI');
    expect(sheet?.rowCount).toBe(township.rows.length + 1);
    const codes: string[] = [];
    sheet?.eachRow((row, i) => {
      if (i > 1) codes.push(String(row.getCell(1).value));
    });
    expect(codes).toEqual(township.rows.map((r) => r.key));

    // The community level: the table follows the picker, again the API's rows in its order.
    const community = await api('/xueliang/kpis?level=community', (x) => kpiAnswer.parse(x));
    await report('xueliang-level').selectOption('community');
    await expect
      .poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key'))), { timeout: 60_000 })
      .toEqual(community.rows.map((r) => r.key));
    expect(await report('xueliang-xlsx').getAttribute('href')).toBe(
      '/api/v1/xueliang/kpis?level=community&format=xlsx',
    );

    // Closing the section takes the areas off the map, and their legend entry with them.
    await page.locator('details[data-section="xueliang"] > summary').click();
    await expect.poll(() => legendEntry().count()).toBe(0);
    await expect.poll(() => page.evaluate(() => window.gridpatrol.renderedCount('xueliang-areas-fill'))).toBe(0);
    expect(session.foreignRequests).toEqual([]);
    expect(session.consoleErrors).toEqual([]);
  }, 600_000);

  it('when the report is opened in English, then no text of the panel or of its legend entry is Chinese but the area names', async () => {
    await session.signInAs('leader');
    await page.goto(`${base}/?lang=en`);
    await page.waitForFunction(() => window.gridpatrol.gradedGrids > 0, undefined, { timeout: 120_000 });
    await idle(page);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    const summary = page.locator('details[data-section="xueliang"] > summary');
    expect(await summary.textContent()).toBe(en.xueliang.title);
    await summary.click();
    const township = await api('/xueliang/kpis?level=township', (x) => kpiAnswer.parse(x));
    const rows = report('xueliang-table').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(township.rows.length);
    await expect.poll(() => report('xueliang-incomplete').locator('tbody tr').count()).toBeGreaterThan(0);
    await expect.poll(() => legendEntry().count()).toBe(1);
    await idle(page);
    // The area names skipped below are data, Chinese in the demo city (so the walk does meet CJK text).
    const names = await report('xueliang-table').locator('button.area').allTextContents();
    expect(
      names.some((n) => /[\u4e00-\u9fff]/.test(n)),
      'the demo areas have Chinese names',
    ).toBe(true);
    expect(await cjkTexts('details[data-section="xueliang"]')).toEqual([]);
    expect(await cjkTexts('#legend')).toEqual([]);
    expect(await legendEntry().locator('li').allTextContents()).toEqual([
      en.xueliang.map_legend.met,
      en.xueliang.map_legend.range.replace('{{from}}', '1').replace('{{to}}', '2'),
      en.xueliang.map_legend.from.replace('{{from}}', '3'),
    ]);
    // The missing fields in English, joined with the English separator.
    const incomplete = await api('/xueliang/incomplete?limit=20', (x) => incompleteAnswer.parse(x));
    const fields: Record<string, string> = en.xueliang.fields;
    expect(await report('xueliang-incomplete').locator('tbody td.missing').allTextContents()).toEqual(
      incomplete.cameras.map((c) => c.missing.map((f) => fields[f] ?? f).join(', ')),
    );
    await report('xueliang-incomplete').scrollIntoViewIfNeeded();
    await page.locator('details[data-section="xueliang"] > summary').scrollIntoViewIfNeeded();
    const shot = path.join(ARTIFACTS, 'xueliang-report-en.png');
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);
    expect(session.foreignRequests).toEqual([]);
    expect(session.consoleErrors).toEqual([]);
  }, 600_000);
});
