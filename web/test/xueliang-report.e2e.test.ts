import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { incompleteAnswer, kpiAnswer } from '../../server/src/contract/xueliang.js';
import { pct } from '../src/analysis/rate-scale.js';
import zhCN from '../src/i18n/zh-CN.json';
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
    expect(session.foreignRequests).toEqual([]);
    expect(session.consoleErrors).toEqual([]);
  }, 600_000);
});
