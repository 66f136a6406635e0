import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, useBrowserSession, waitIdle as idle } from './browser-session.js';

/**
 * The PDF briefing (issues #19, #20, #21) exported in Chromium and read back by an independent reader: poppler's
 * pdfinfo (pages, page size) and pdftoppm (the rendered pages, whose pixels are counted).
 */
const hasPoppler = existsSync('/usr/bin/pdfinfo') && existsSync('/usr/bin/pdftoppm');
if (!hasPoppler)
  console.warn('[gridpatrol] pdfinfo/pdftoppm not found: briefing tests skipped (apt-get install poppler-utils)');

let dir: string;
const session = useBrowserSession({
  incidents: 3000,
  when: hasPoppler,
  hookTimeoutMs: 600_000,
  setUp: async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gp-briefing-'));
  },
});

const waitIdle = () => idle(session.page);

/** Clicks "export report", saves the download and returns its path. */
async function exportBriefing(name: string): Promise<string> {
  const download = session.page.waitForEvent('download');
  await session.page.locator('button[data-testid="export-pdf"]').click();
  const file = path.join(dir, name);
  await (await download).saveAs(file);
  await session.page.waitForFunction(
    () => window.gridpatrol.lastBriefing !== null && window.gridpatrol.lastPdfBytes > 0,
  );
  return file;
}

/** pdfinfo's page count and the size of each page in PostScript points. */
function pdfPages(file: string): { pages: number; sizes: [number, number][] } {
  const out = execFileSync('pdfinfo', ['-f', '1', '-l', '99', file], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(out)?.[1]);
  const sizes = [...out.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((m): [number, number] => [
    Number(m[1]),
    Number(m[2]),
  ]);
  return { pages, sizes };
}

/** A page rendered by pdftoppm as 8-bit grey (PGM, P5); also kept as PNG in the artefacts to look at. */
async function renderPage(file: string, pageNo: number, png: string): Promise<{ w: number; h: number; px: Buffer }> {
  const stem = path.join(dir, `${path.basename(file, '.pdf')}-p${pageNo}`);
  execFileSync('pdftoppm', [
    '-f',
    String(pageNo),
    '-l',
    String(pageNo),
    '-r',
    '50',
    '-gray',
    '-singlefile',
    file,
    stem,
  ]);
  execFileSync('pdftoppm', [
    '-f',
    String(pageNo),
    '-l',
    String(pageNo),
    '-r',
    '110',
    '-png',
    '-singlefile',
    file,
    path.join(ARTIFACTS, png),
  ]);
  const pgm = await readFile(`${stem}.pgm`);
  // Header: "P5\n<w> <h>\n<max>\n" then one byte per pixel.
  const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 40).toString('latin1'));
  if (!m) throw new Error('not a PGM');
  const w = Number(m[1]),
    h = Number(m[2]);
  return { w, h, px: pgm.subarray(m[0].length, m[0].length + w * h) };
}

/** Share of non-white pixels (grey < 245) in rows [from, to) of the page. */
function inkShare(img: { w: number; h: number; px: Buffer }, from: number, to: number): number {
  let ink = 0;
  const y0 = Math.floor(img.h * from),
    y1 = Math.floor(img.h * to);
  for (let y = y0; y < y1; y++) for (let x = 0; x < img.w; x++) if ((img.px[y * img.w + x] ?? 255) < 245) ink++;
  return ink / ((y1 - y0) * img.w);
}

/** Two A4 pages (842 × 595 pt, either way round), the lower third of page 1 drawn on. */
async function checkTwoA4Pages(file: string, png: string): Promise<void> {
  const { pages, sizes } = pdfPages(file);
  expect(pages, 'two pages').toBe(2);
  for (const [w, h] of sizes) {
    expect(Math.max(w, h)).toBeCloseTo(841.89, 0);
    expect(Math.min(w, h)).toBeCloseTo(595.28, 0);
  }
  const p1 = await renderPage(file, 1, `${png}-p1`);
  const lower = inkShare(p1, 2 / 3, 1);
  expect(lower, 'the lower third of page 1 is not blank').toBeGreaterThan(0.25);
  const p2 = await renderPage(file, 2, `${png}-p2`);
  expect(inkShare(p2, 0, 1), 'page 2 holds a table').toBeGreaterThan(0.02);
}

/** Pixels of page `pageNo` within ±tol per channel of each RGB colour (pdftoppm's colour PPM, P6). */
function colourCounts(file: string, pageNo: number, colours: string[], tol = 30): Map<string, number> {
  const stem = path.join(dir, `${path.basename(file, '.pdf')}-p${pageNo}-rgb`);
  execFileSync('pdftoppm', ['-f', String(pageNo), '-l', String(pageNo), '-r', '150', '-singlefile', file, stem]);
  return readPpm(`${stem}.ppm`, colours, tol);
}
function readPpm(file: string, colours: string[], tol: number): Map<string, number> {
  const ppm = readFileSync(file);
  const m = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 40).toString('latin1'));
  if (!m) throw new Error('not a PPM');
  const n = Number(m[1]) * Number(m[2]);
  const px = ppm.subarray(m[0].length, m[0].length + 3 * n);
  const rgb = colours.map((c) => [1, 3, 5].map((i) => Number.parseInt(c.slice(i, i + 2), 16)));
  const counts = new Map(colours.map((c) => [c, 0]));
  for (let i = 0; i < n; i++)
    rgb.forEach((c, k) => {
      if (c.every((v, ch) => Math.abs((px[3 * i + ch] ?? -999) - v) <= tol))
        counts.set(colours[k]!, (counts.get(colours[k]!) ?? 0) + 1);
    });
  return counts;
}

/** Metres per CSS px measured on the map: two points on the centre's parallel, projected by MapLibre. */
async function measuredMetresPerPx(lat: number): Promise<number> {
  const dLon = 0.01,
    lon0 = 118.8;
  const [x0] = await session.page.evaluate(([a, b]) => window.gridpatrol.project(a, b), [lon0, lat] as const);
  const [x1] = await session.page.evaluate(([a, b]) => window.gridpatrol.project(a, b), [lon0 + dLon, lat] as const);
  // Ground length of 0.01° along the parallel on the sphere of Web Mercator (R = 6378137 m).
  return (6378137 * Math.cos((lat * Math.PI) / 180) * ((dLon * Math.PI) / 180)) / (x1 - x0);
}

describe.skipIf(!hasChromium || !hasPoppler)('PDF briefing in Chromium, read by poppler', () => {
  it('when the leader exports the grades view, then two A4 pages: the area and day in the title, the grades legend only, the map filling page 1, the graded grids on page 2', async () => {
    await session.page.goto(`${session.base}/?role=leader&lang=zh-CN`);
    const [grids] = await session.db.query<{ n: number }>('SELECT count(*)::int AS n FROM grid');
    await session.page.waitForFunction((n) => window.gridpatrol.gradedGrids === n, grids!.n, { timeout: 120_000 });
    await waitIdle();
    const file = await exportBriefing('grades.pdf');
    const b = await session.page.evaluate(() => window.gridpatrol.lastBriefing);
    const [district] = await session.db.query<{ name: string }>(
      `SELECT name FROM admin_area WHERE level = 'district' ORDER BY id LIMIT 1`,
    );
    expect(b?.view).toBe('grades');
    expect(b?.title.startsWith(`${district!.name} · `), b?.title).toBe(true);
    expect(b?.legend.map((l) => l[0])).toEqual(['红', '黄', '绿']);
    expect(
      b?.legend.some((l) => l.startsWith('≥')),
      'no incident classes on a grades map',
    ).toBe(false);
    expect(b?.tables[0]?.rows).toBe(Math.min(60, grids!.n));
    // The scale bar's metres per px (2π·R·cos φ / (512·2^z)) against MapLibre's own projection of 0.01° of the parallel.
    const measured = await measuredMetresPerPx(b!.map.lat);
    expect(Math.abs(b!.metresPerPx - measured) / measured).toBeLessThan(0.01);
    expect(b!.scaleMm).toBeLessThanOrEqual(40);
    await checkTwoA4Pages(file, 'briefing-grades-zh-CN');
  });

  it('when coverage per community is on the map, then the briefing shows its rate legend, every community on page 2 and the 雪亮 KPIs per community', async () => {
    await session.page.locator('nav[data-testid="views"] button[data-view="coverage"]').click();
    // Opening the view may open its section already: click its heading only when closed.
    const section = session.page.locator('details[data-section="coverage"]');
    await section.waitFor();
    if (!(await section.evaluate((el) => (el as HTMLDetailsElement).open)))
      await section.locator(':scope > summary').click();
    await session.page.locator('select[data-testid="coverage-area"]').selectOption('community');
    await session.page.locator('button[data-testid="coverage-run"]').click();
    await session.page.waitForFunction(() => window.gridpatrol.ratedAreas > 0, undefined, { timeout: 120_000 });
    await session.page.waitForFunction(() => window.gridpatrol.view === 'coverage');
    await waitIdle();
    const file = await exportBriefing('coverage.pdf');
    const b = await session.page.evaluate(() => window.gridpatrol.lastBriefing);
    expect(b?.view).toBe('coverage');
    expect(b?.legend.slice(0, 5)).toEqual(['≥ 0%', '≥ 30%', '≥ 50%', '≥ 70%', '≥ 90%']);
    const [communities] = await session.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM admin_area WHERE level = 'community'`,
    );
    expect(b?.tables.map((x) => x.rows)).toEqual([communities!.n, communities!.n]);
    expect(b?.tables[1]?.title).toContain('雪亮');
    await checkTwoA4Pages(file, 'briefing-coverage-zh-CN');
  });

  it("when a planner has two plans compared, then page 2 of the briefing holds both scorecards in two columns with the API's figures, and the better/worse differences are drawn in blue/red", async () => {
    const [st] = await session.db.query<{ id: number }>(
      'SELECT station_id::int AS id FROM beat GROUP BY station_id HAVING count(*) >= 2 ORDER BY 1 LIMIT 1',
    );
    const station = st!.id;
    await session.signInAs('planner', station);
    const inForce = (await (
      await session.page.request.get(`${session.base}/api/v1/plans/in-force?stationId=${station}`)
    ).json()) as {
      assignment: { gridCode: string; beatCode: string }[];
    };
    const beats = [...new Set(inForce.assignment.map((a) => a.beatCode))].sort();
    // Plan B: the first beat's grids join the second.
    const assignment = inForce.assignment.map((a) => ({
      gridCode: a.gridCode,
      beatCode: a.beatCode === beats[0] ? beats[1] : a.beatCode,
    }));
    const created = await session.page.request.post(`${session.base}/api/v1/plans`, {
      data: { name: 'briefing-b', stationId: station, assignment },
    });
    expect(created.status()).toBe(201);
    const planB = ((await created.json()) as { id: number }).id;
    await session.page.goto(`${session.base}/?role=planner&lang=zh-CN`);
    await waitIdle();
    const side = (id: string) => session.page.locator(`details[data-section="planning"] [data-testid="${id}"]`);
    await session.page.locator('details[data-section="planning"] > summary').click();
    await side('plan-station').locator(`option[value="${station}"]`).waitFor({ state: 'attached', timeout: 30_000 });
    await side('plan-station').selectOption(String(station));
    await side('plan-compare-b').locator(`option[value="${planB}"]`).waitFor({ state: 'attached', timeout: 30_000 });
    await side('plan-compare-b').selectOption(String(planB));
    await side('plan-compare-go').click();
    await session.page.waitForFunction(() => window.gridpatrol.planCompareRows > 0, undefined, { timeout: 120_000 });
    await waitIdle();
    const file = await exportBriefing('compare.pdf');
    const { pages } = pdfPages(file);
    expect(pages).toBe(2);

    // The reference: the API's comparison, formatted here as the table is meant to read.
    type Card = { plan: { beats: number; balance: { measure: string; cv: number }[] } };
    const cmp = (await (
      await session.page.request.get(`${session.base}/api/v1/plans/compare?a=in-force&b=${planB}&stationId=${station}`)
    ).json()) as { a: Card; b: Card; moved: unknown[] };
    const b = await session.page.evaluate(() => window.gridpatrol.lastBriefing);
    const table = b?.tables.find((x) => x.title === '警格方案对比');
    expect(table, 'the comparison is on page 2').toBeDefined();
    expect(table!.header).toEqual(['', 'A 现行方案', 'B briefing-b', '差值(B−A)']);
    const row = (label: string) => table!.cells.find((c) => c[0] === label);
    expect(row('警格数')).toEqual(['警格数', String(beats.length), String(beats.length - 1), '-1']);
    const moved = inForce.assignment.filter((a) => a.beatCode === beats[0]).length;
    expect(cmp.moved.length).toBe(moved);
    expect(row('较现行调整网格')?.slice(1, 3)).toEqual(['0', String(moved)]);
    const cv = (c: Card) => c.plan.balance.find((x) => x.measure === 'weightedIncidents')!.cv;
    const d = cv(cmp.b) - cv(cmp.a);
    expect(row('警情负荷变异系数')).toEqual([
      '警情负荷变异系数',
      cv(cmp.a).toFixed(3),
      cv(cmp.b).toFixed(3),
      `${d > 0 ? '+' : ''}${d.toFixed(3)}`,
    ]);
    // A larger CV is worse (red), a smaller better (blue).
    const cvColour = table!.colours[table!.cells.findIndex((c) => c[0] === '警情负荷变异系数')];
    if (Math.abs(d) > 1e-12) expect(cvColour).toBe(d > 0 ? '#b2182b' : '#2166ac');
    // What is drawn: each colour a difference carries is on the rendered page 2.
    const used = [...new Set(table!.colours)].filter((c) => c === '#b2182b' || c === '#2166ac');
    expect(used.length, 'the plans differ for better or worse somewhere').toBeGreaterThan(0);
    const counts = colourCounts(file, 2, used);
    // Page 2 holds the comparison alone (no KPI table beside it), so each colour's pixels are its rows' text.
    expect(b?.tables.map((x) => x.title)).toEqual(['警格方案对比']);
    for (const c of used) expect(counts.get(c), `${c} pixels on page 2 at 150 dpi`).toBeGreaterThan(100);
    await renderPage(file, 2, 'briefing-compare-zh-CN-p2');
  });
});
