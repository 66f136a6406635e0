import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { hasChromium, useBrowserSession, waitIdle as idle } from './browser-session.js';

/**
 * Issue #15 in the browser: the import wizard (a GBK CSV of incidents through detection, the preview drawn on the map,
 * the mapping, the dry run checked against the server's own, the import counted in the database, the undo) and the
 * layer export button (the downloaded file parsed and counted). Screenshots of each step go to /tmp, not the repo.
 */
const SHOTS = '/tmp/gridpatrol-wizard-shots';
const session = useBrowserSession({
  incidents: 500,
  hookTimeoutMs: 600_000,
  setUp: async () => {
    await mkdir(SHOTS, { recursive: true });
  },
});

const waitIdle = () => idle(session.page);
const wizard = (testid: string) => session.page.locator(`details[data-section="import"] [data-testid="${testid}"]`);
/** A screenshot with the wizard step `testid` scrolled into the sidebar's view. */
const shot = async (name: string, testid?: string) => {
  if (testid) await wizard(testid).scrollIntoViewIfNeeded();
  await session.page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
};
const count = async (table: string) =>
  Number((await session.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n ?? -1);

/**
 * The incident figures the app shows: the summary's tile over the map, the filter's "n cells, n incidents" line in
 * the sidebar, and the category list's count of 盗窃.
 */
async function incidentFigures(): Promise<{ summary: number; filterLine: number; theft: number }> {
  const digits = (s: string | null | undefined) => Number((s ?? '').replace(/[^\d]/g, '') || Number.NaN);
  const line = (await session.page.locator('[data-testid="cell-info"]').textContent()) ?? '';
  const theft = session.page.locator('select[data-testid="category"] option[value="盗窃"]');
  await theft.waitFor({ state: 'attached', timeout: 60_000 });
  return {
    summary: digits(await session.page.locator('#summary [data-testid="summary-incidents"] strong').textContent()),
    filterLine: digits(/([\d,]+) 起警情/.exec(line)?.[1]),
    theft: digits(/\(([\d,]+)\)$/.exec((await theft.textContent()) ?? '')?.[1]),
  };
}
/** Until the category list (filled by its own request after each sidebar render) shows 盗窃 with `n` incidents. */
const theftShown = (n: number) =>
  session.page
    .locator('select[data-testid="category"] option[value="盗窃"]')
    .filter({ hasText: `(${n})` })
    .waitFor({ state: 'attached', timeout: 60_000 });

/** The map signed in as the admin (the role with the server's `import` permission), the wizard section open. */
async function openWizard(lang: 'zh-CN' | 'en'): Promise<void> {
  await session.page.goto(`${session.base}/?lang=${lang}`);
  await waitIdle();
  await session.page.locator('details[data-section="import"] > summary').click();
  await wizard('wizard-layer').locator('option[value="incidents"]').waitFor({ state: 'attached', timeout: 60_000 });
}

/**
 * A 警情 ledger as a police station's Excel saves it: GBK, a category heading no synonym knows (简要警情), three rows
 * on the demo city's roads and a fourth with an impossible date.
 */
async function incidentLedger(): Promise<{ bytes: Buffer; points: [number, number][] }> {
  const roads = await session.db.query<{ x: number; y: number }>(
    `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_LineInterpolatePoint(geom, 0.5) AS p FROM road
     WHERE ST_GeometryType(geom) = 'ST_LineString' ORDER BY id LIMIT 4) r`,
  );
  const points = roads.map((r) => [Number(r.x), Number(r.y)] as [number, number]);
  const [a, b, c, d] = points.map(([x, y]) => `${x.toFixed(7)},${y.toFixed(7)}`);
  const csv = [
    '报警时间,简要警情,经度,纬度,警情来源',
    `2026-11-20 08:15,盗窃,${a},110报警`,
    `2026-11-20 21:40,纠纷,${b},110报警`,
    `2026-11-21 02:05,盗窃,${c},巡逻发现`,
    `2026-13-45 08:00,诈骗,${d},110报警`,
  ].join('\r\n');
  return { bytes: iconv.encode(`${csv}\r\n`, 'gbk'), points };
}

describe.skipIf(!hasChromium)('import wizard and layer export in Chromium', () => {
  it('when a GBK CSV of incidents goes through the wizard, then it is detected, drawn, mapped, dry-run as the server answers, imported by exactly the new rows and undone', async () => {
    const { bytes, points } = await incidentLedger();
    await openWizard('zh-CN');
    await wizard('wizard-layer').selectOption('incidents');
    await shot('1-file', 'wizard-drop');
    await wizard('wizard-file').setInputFiles({ name: '警情台账.csv', mimeType: 'text/csv', buffer: bytes });

    // What was detected, and why.
    const encoding = wizard('wizard-detected').locator('tr[data-detected="encoding"] strong');
    await encoding.waitFor({ timeout: 60_000 });
    expect(await encoding.textContent()).toMatch(/^(gbk|gb18030)$/i);
    expect(await wizard('wizard-detected').locator('tr[data-detected="format"] strong').textContent()).toBe('csv');
    expect(await wizard('wizard-crs-medians').locator('tr[data-crs]').count()).toBe(3);
    expect(await wizard('wizard-crs-medians').locator('tr.best').getAttribute('data-crs')).toBe('wgs84');

    // The rows on the map: the preview layer draws all four points, and the map was fitted around them.
    await session.page.waitForFunction(() => window.gridpatrol.renderedCount('import-preview-point') === 4, undefined, {
      timeout: 60_000,
    });
    await waitIdle();
    expect(await session.page.evaluate(() => window.gridpatrol.renderedCount('import-preview-point'))).toBe(4);
    const [w, s, e, n] = await session.page.evaluate(() => window.gridpatrol.mapBounds());
    for (const [x, y] of points) {
      expect(x).toBeGreaterThan(w ?? Infinity);
      expect(x).toBeLessThan(e ?? -Infinity);
      expect(y).toBeGreaterThan(s ?? Infinity);
      expect(y).toBeLessThan(n ?? -Infinity);
    }
    expect(await wizard('wizard-preview-table').locator('tr').count()).toBe(5); // header + 4 rows
    // Each point is drawn on top of everything at its own pixel (no layer, deck.gl's included, hides it).
    const box = await session.page.locator('#map').boundingBox();
    for (const [x, y] of points) {
      const [px, py] = await session.page.evaluate(([lon, lat]) => window.gridpatrol.project(lon, lat), [
        x,
        y,
      ] as const);
      const at = await session.page.evaluate(([a, b]) => window.gridpatrol.layersAt(a, b), [
        px - (box?.x ?? 0),
        py - (box?.y ?? 0),
      ] as const);
      expect(at[0], `top layer at ${x},${y}`).toBe('import-preview-point');
    }
    expect((await session.page.evaluate(() => window.gridpatrol.layerOrder())).at(-1)).toBe('import-preview-point');
    await shot('2-detected', 'wizard-crs');
    await shot('2b-preview', 'wizard-preview-table');

    // The mapping: the layer's required columns are marked; the unknown heading leaves category missing.
    const specs = (await (
      await fetch(`${session.base}/api/v1/import/layers`, { headers: { cookie: session.cookie } })
    ).json()) as { layers: { layer: string; fields: { name: string; required: boolean }[] }[] };
    const required = specs.layers.find((l) => l.layer === 'incidents')!.fields.filter((f) => f.required);
    expect(required.map((f) => f.name).sort()).toEqual(['category', 'occurred_at']);
    for (const f of required) {
      const row = wizard('wizard-mapping').locator(`tr[data-field="${f.name}"]`);
      expect(await row.getAttribute('data-required')).toBe('true');
      expect(await row.locator('.req').textContent()).toContain('*');
    }
    expect(await wizard('wizard-mapping').locator('select[data-field="occurred_at"]').inputValue()).toBe('报警时间');
    await expect(wizard('wizard-mapping').locator('tr[data-field="category"]').getAttribute('class')).resolves.toBe(
      'missing',
    );
    expect(await wizard('wizard-missing').textContent()).toContain('category');
    await shot('3-mapping-missing', 'wizard-missing');
    await wizard('wizard-mapping').locator('select[data-field="category"]').selectOption('简要警情');
    await wizard('wizard-mapping').locator('tr[data-field="category"].required').waitFor({ timeout: 60_000 });
    expect(await wizard('wizard-missing').count()).toBe(0);

    // The dry run: the wizard's counts are the server's own dry run of the same file and choices.
    await wizard('wizard-dry-run').click();
    await wizard('wizard-dry-counts').waitFor({ timeout: 120_000 });
    const q = new URLSearchParams({
      format: 'csv',
      layer: 'incidents',
      crs: 'wgs84',
      name: '警情台账.csv',
      dry_run: 'true',
      skip_invalid: 'true',
      map: 'category=简要警情',
    });
    const direct = await fetch(`${session.base}/api/v1/import?${q}`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(bytes),
    });
    expect(direct.ok, `the server’s dry run answered ${direct.status}`).toBe(true);
    const report = (await direct.json()) as {
      counts: { incidents: { new: number; updated: number; unchanged: number } };
      rejected: number;
      issues: { source: string; path: string }[];
    };
    expect(report.counts.incidents.new).toBe(3);
    expect(report.rejected).toBe(1);
    const shown = async (prefix: string, k: string) =>
      Number(
        await wizard(`${prefix}-counts`).locator(`tr[data-layer="incidents"] td[data-count="${k}"]`).textContent(),
      );
    for (const k of ['new', 'updated', 'unchanged'] as const)
      expect(await shown('wizard-dry', k), k).toBe(report.counts.incidents[k]);
    expect(await shown('wizard-dry', 'refused')).toBe(report.rejected);
    // The refused row by its number and the file's own column, in Chinese.
    const issue = wizard('wizard-dry-issues').locator('li').first();
    expect(await issue.getAttribute('data-source')).toBe(report.issues[0]?.source);
    expect(await issue.textContent()).toMatch(/^第 5 行「报警时间」列：/);
    await shot('4-dry-run', 'wizard-import');

    // The import: the table grows by exactly the new rows; undo puts the count back. What the app shows of the layer
    // (the summary tile, the filter's line, the category counts: two of the three rows are 盗窃) follows without a
    // reload: the wizard shows its result once the app has read them again.
    const before = await count('incident');
    const shownBefore = await incidentFigures();
    expect(shownBefore.summary).toBe(before);
    expect(shownBefore.filterLine).toBe(before);
    await wizard('wizard-import').click();
    await wizard('wizard-result-counts').waitFor({ timeout: 120_000 });
    expect(await shown('wizard-result', 'new')).toBe(3);
    expect(await count('incident')).toBe(before + report.counts.incidents.new);
    await theftShown(shownBefore.theft + 2);
    expect(await incidentFigures()).toEqual({
      summary: shownBefore.summary + report.counts.incidents.new,
      filterLine: shownBefore.filterLine + report.counts.incidents.new,
      theft: shownBefore.theft + 2,
    });
    const batchId = await session.page.evaluate(() => window.gridpatrol.importBatchId);
    expect(batchId).toBeGreaterThan(0);
    await shot('5-imported', 'wizard-undo');
    await wizard('wizard-undo').click();
    await wizard('wizard-undone').waitFor({ timeout: 120_000 });
    expect(await count('incident')).toBe(before);
    await theftShown(shownBefore.theft);
    expect(await incidentFigures()).toEqual(shownBefore);
    const batches = (await (
      await fetch(`${session.base}/api/v1/import/batches`, { headers: { cookie: session.cookie } })
    ).json()) as { batches: { id: number; undoneAt: string | null }[] };
    expect(batches.batches.find((b) => b.id === batchId)?.undoneAt).not.toBeNull();
    await shot('6-undone', 'wizard-undone');
    expect(session.consoleErrors).toEqual([]);
    expect(session.foreignRequests).toEqual([]);
  });

  it('when a file is dragged onto the drop zone and dropped, then the zone lights up and the file is read as a picked one', async () => {
    const { bytes } = await incidentLedger();
    await openWizard('zh-CN');
    await wizard('wizard-layer').selectOption('incidents');
    const zone = wizard('wizard-drop');
    await zone.scrollIntoViewIfNeeded();
    // A real DataTransfer holding a File, built in the page (Node cannot make one the page's events accept).
    const dataTransfer = await session.page.evaluateHandle(
      (b) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(b)], '拖入台账.csv', { type: 'text/csv' }));
        return dt;
      },
      [...bytes],
    );
    const plain = await zone.evaluate((el) => getComputedStyle(el).backgroundColor);
    await zone.dispatchEvent('dragenter', { dataTransfer });
    await zone.dispatchEvent('dragover', { dataTransfer });
    await session.page
      .locator('details[data-section="import"] [data-testid="wizard-drop"].over')
      .waitFor({ timeout: 10_000 });
    expect(await zone.evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe('solid');
    expect(await zone.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(plain);
    await shot('0-drop-over', 'wizard-drop');
    await zone.dispatchEvent('drop', { dataTransfer });
    const encoding = wizard('wizard-detected').locator('tr[data-detected="encoding"] strong');
    await encoding.waitFor({ timeout: 60_000 });
    expect(await encoding.textContent()).toMatch(/^(gbk|gb18030)$/i);
    expect(await wizard('wizard-detected').locator('tr[data-detected="format"] strong').textContent()).toBe('csv');
    expect(await wizard('wizard-file-name').textContent()).toBe('拖入台账.csv (csv)');
    expect(await wizard('wizard-rowcount').textContent()).toContain('4');
    expect(await wizard('wizard-drop').getAttribute('class')).toBe('dropzone');
    await dataTransfer.dispose();
    expect(session.consoleErrors).toEqual([]);
  });

  it('when a layer is exported as GeoJSON and as GBK CSV, then each downloaded file parses and holds the layer’s rows', async () => {
    await openWizard('en');
    const controls = (id: string) =>
      session.page.locator(`[data-testid="layer-export-controls"] [data-testid="${id}"]`);
    await controls('layer-export-layer').locator('option[value="cameras"]').waitFor({ state: 'attached' });
    await controls('layer-export-layer').selectOption('cameras');
    await controls('layer-export-format').selectOption('geojson');
    const geojson = session.page.waitForEvent('download');
    await controls('layer-export').click();
    const file1 = path.join(SHOTS, 'cameras.geojson');
    await (await geojson).saveAs(file1);
    const fc = JSON.parse(await readFile(file1, 'utf8')) as { features: unknown[] };
    expect(fc.features.length).toBe(await count('camera'));
    await session.page.locator('[data-testid="layer-export-controls"]').scrollIntoViewIfNeeded();
    await shot('7-export');

    await controls('layer-export-layer').selectOption('posts');
    await controls('layer-export-format').selectOption('csv-gbk');
    const csv = session.page.waitForEvent('download');
    await controls('layer-export').click();
    const file2 = path.join(SHOTS, 'posts.csv');
    await (await csv).saveAs(file2);
    const text = iconv.decode(await readFile(file2), 'gbk');
    const rows = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    expect(rows.length).toBe(await count('post'));
    expect(Object.keys(rows[0] ?? {})).toContain('名称');
    await controls('layer-export-status')
      .filter({ hasText: String(rows.length) })
      .waitFor();
    expect(session.consoleErrors).toEqual([]);
  });
  it('when a planner, the grid office and a leader open the map, then the wizard offers each only the layers the server lets it import', async () => {
    const offered = async () => {
      await session.page.goto(`${session.base}/?lang=zh-CN`);
      await waitIdle();
      if ((await session.page.locator('details[data-section="import"]').count()) === 0) return null;
      await session.page.locator('details[data-section="import"] > summary').click();
      await wizard('wizard-layer').locator('option').first().waitFor({ state: 'attached', timeout: 60_000 });
      return (
        await wizard('wizard-layer')
          .locator('option')
          .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
      ).sort();
    };
    await session.signInAs('planner');
    expect(await offered()).toEqual(['beats', 'cameras', 'checkpoints', 'incidents', 'posts']);
    await session.signInAs('grid_office');
    expect(await offered()).toEqual(['admin-areas', 'grids']);
    await session.signInAs('leader');
    expect(await offered()).toBeNull();
    await session.signInAs('admin');
  });
});
