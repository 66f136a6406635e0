import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, useBrowserSession, waitIdle as idle } from './browser-session.js';

/** The time bar under the map, in Chromium: its counts against SQL, its brush against what MapLibre draws. */
const session = useBrowserSession({
  incidents: 3000,
  hookTimeoutMs: 600_000,
  setUp: (s) => s.page.setViewportSize({ width: 1600, height: 1000 }),
});

const waitIdle = () => idle(session.page);
const TZ = 'Asia/Shanghai';
const hourSql = `extract(hour FROM occurred_at AT TIME ZONE '${TZ}')::int`;
/** Drags the brush from the middle of bin `a` to the middle of bin `z`, and waits for the window to be applied. */
async function brush(a: number, z: number, bins: number): Promise<void> {
  const box = await session.page.locator('[data-testid="time-histogram"]').boundingBox();
  if (!box) throw new Error('no histogram on screen');
  const x = (i: number) => box.x + ((i + 0.5) / bins) * box.width;
  const applied = await session.page.evaluate(() => window.gridpatrol.timeWindowApplied);
  await session.page.mouse.move(x(a), box.y + box.height / 2);
  await session.page.mouse.down();
  await session.page.mouse.move(x(z), box.y + box.height / 2, { steps: 5 });
  await session.page.mouse.up();
  await session.page.waitForFunction((n) => window.gridpatrol.timeWindowApplied > n, applied, { timeout: 60_000 });
}

/**
 * The histogram's bars as drawn, against counts from SQL: one bar per bin in order, each as tall on screen as its count
 * makes it (its share of the tallest, at least 1.5 of the 48 units so a small count shows; an empty bin draws nothing).
 */
async function expectBarsDrawn(counts: readonly number[]): Promise<void> {
  const drawn = await session.page.locator('[data-testid="time-histogram"]').evaluate((svg) => ({
    height: svg.getBoundingClientRect().height,
    bars: [...svg.querySelectorAll('rect')].map((r) => r.getBoundingClientRect().height),
  }));
  expect(drawn.bars, 'one bar per bin').toHaveLength(counts.length);
  const max = Math.max(...counts);
  const units = drawn.bars.map((h) => (h / drawn.height) * 50);
  const expected = counts.map((n) => (n === 0 ? 0 : Math.max(1.5, (n / max) * 48)));
  for (const [i, u] of units.entries())
    expect(Math.abs(u - (expected[i] ?? 0)), `bar ${i} (${counts[i]}) drawn ${u.toFixed(2)} of 50 units`).toBeLessThan(
      0.2,
    );
}

describe.skipIf(!hasChromium)('the time bar in Chromium', () => {
  it('when the map opens, then the bar shows the server’s incidents per Beijing hour, the same as SQL, with the zone named', async () => {
    await session.page.goto(`${session.base}/?role=planner&lang=zh-CN&view=incidents`);
    await session.page.waitForFunction(() => window.gridpatrol.timeBins.length === 24, undefined, { timeout: 120_000 });
    await waitIdle();
    const rows = await session.db.query<{ h: number; n: number }>(
      `SELECT ${hourSql} AS h, count(*)::int AS n FROM incident GROUP BY 1`,
    );
    const expected = Array.from({ length: 24 }, (_, h) => rows.find((r) => r.h === h)?.n ?? 0);
    expect(await session.page.evaluate(() => window.gridpatrol.timeBins)).toEqual(expected);
    // What is drawn: one bar per hour, each bar's count that of SQL.
    const drawn = await session.page
      .locator('[data-testid="time-histogram"] rect')
      .evaluateAll((rs) => rs.map((r) => Number((r as SVGElement).dataset.n)));
    expect(drawn).toEqual(expected);
    await expectBarsDrawn(expected);
    expect(await session.page.locator('[data-testid="time-zone"]').textContent()).toBe('北京时间 (Asia/Shanghai)');
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'time-bar-hours-1600-zh-CN.png') });
  });

  it('when binned per day, then every day from the first to the last has its SQL count', async () => {
    await session.page.locator('[data-testid="time-bin"]').selectOption('day');
    await session.page.waitForFunction(() => window.gridpatrol.timeBin === 'day', undefined, { timeout: 60_000 });
    const rows = await session.db.query<{ d: string; n: number }>(
      `SELECT to_char(occurred_at AT TIME ZONE '${TZ}', 'YYYY-MM-DD') AS d, count(*)::int AS n FROM incident GROUP BY 1 ORDER BY 1`,
    );
    // Every day from the first to the last, empty days too, from SQL.
    const days = await session.db.query<{ n: number }>(
      `WITH d AS (SELECT (occurred_at AT TIME ZONE '${TZ}')::date AS d FROM incident)
       SELECT (SELECT count(*) FROM d WHERE d.d = s::date)::int AS n
       FROM generate_series((SELECT min(d) FROM d), (SELECT max(d) FROM d), interval '1 day') s ORDER BY s`,
    );
    expect(days.filter((r) => r.n > 0).map((r) => r.n)).toEqual(rows.map((r) => r.n));
    const bins = await session.page.evaluate(() => window.gridpatrol.timeBins);
    expect(bins.filter((n) => n > 0)).toEqual(rows.map((r) => r.n));
    expect(bins.reduce((a, b) => a + b, 0)).toBe(rows.reduce((a, r) => a + r.n, 0));
    // What is drawn: a bar per day, each as tall as SQL's count of that day makes it.
    await expectBarsDrawn(days.map((r) => r.n));
    await session.page.locator('[data-testid="time-bin"]').selectOption('hour');
    await session.page.waitForFunction(() => window.gridpatrol.timeBin === 'hour', undefined, { timeout: 60_000 });
  });

  it('when 8:00–12:00 is brushed, then the summary counts the SQL window and the map draws only those hours’ points', async () => {
    // Street zoom over the densest block, with the incident points on.
    const [spot] = await session.db.query<{ x: number; y: number }>(
      `SELECT avg(ST_X(geom)) AS x, avg(ST_Y(geom)) AS y FROM incident
       GROUP BY round(ST_X(geom)::numeric, 2), round(ST_Y(geom)::numeric, 2) ORDER BY count(*) DESC LIMIT 1`,
    );
    await session.page.goto(`${session.base}/?role=planner&lang=zh-CN&view=incidents#map=15.5/${spot!.y}/${spot!.x}`);
    await session.page.waitForFunction(() => window.gridpatrol.timeBins.length === 24, undefined, { timeout: 120_000 });
    const toggle = session.page.locator('input[data-layer="incidents"]');
    if (!(await toggle.isVisible())) await session.page.locator('details[data-section="layers"] > summary').click();
    if (!(await toggle.isChecked())) await toggle.check();
    await waitIdle();
    const before = await session.page.evaluate(() => window.gridpatrol.renderedValues('incidents', 'hour'));
    expect(before.length, 'incident points drawn before brushing').toBeGreaterThan(0);

    await brush(8, 11, 24);
    await waitIdle();
    expect(await session.page.evaluate(() => window.gridpatrol.timeWindow)).toEqual([8, 11]);
    const [win] = await session.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incident WHERE ${hourSql} BETWEEN 8 AND 11`,
    );
    expect(await session.page.evaluate(() => window.gridpatrol.cellsTotal), 'cells of the window').toBe(win!.n);
    await session.page
      .locator('[data-testid="summary-incidents"] strong', {
        hasText: new RegExp(`^${win!.n.toLocaleString('zh-CN')}$`),
      })
      .waitFor({ timeout: 30_000 });
    await expect(session.page.locator('[data-testid="time-count"]').textContent()).resolves.toBe(`${win!.n} 起`);

    const after = await session.page.evaluate(() => window.gridpatrol.renderedValues('incidents', 'hour'));
    expect(after.length, 'fewer points drawn').toBeLessThan(before.length);
    expect(
      after.every((f) => typeof f.value === 'number' && f.value >= 8 && f.value <= 11),
      'only 8–11 h drawn',
    ).toBe(true);
    // The points drawn are those SQL finds in the window on screen (a margin of a point's radius at the edges).
    const [x0, y0, x1, y1] = await session.page.evaluate(() => window.gridpatrol.mapBounds());
    const m = 2e-5;
    const inner = await session.db.query<{ id: number }>(
      `SELECT id FROM incident WHERE ${hourSql} BETWEEN 8 AND 11 AND ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))`,
      [x0! + m, y0! + m, x1! - m, y1! - m],
    );
    const outer = await session.db.query<{ id: number }>(
      `SELECT id FROM incident WHERE ${hourSql} BETWEEN 8 AND 11 AND ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))`,
      [x0! - m, y0! - m, x1! + m, y1! + m],
    );
    const drawnIds = new Set(after.map((f) => Number(f.id)));
    expect(
      inner.filter((r) => !drawnIds.has(r.id)),
      'window incidents on screen not drawn',
    ).toEqual([]);
    const outerIds = new Set(outer.map((r) => r.id));
    expect(
      [...drawnIds].filter((id) => !outerIds.has(id)),
      'points drawn outside the window',
    ).toEqual([]);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'time-bar-brushed-1600-zh-CN.png') });
  });

  it('when the day is played with a grid’s 24×7 chart open, then the chart stays open and visible while the window steps', async () => {
    await session.page.goto(`${session.base}/?role=planner&lang=zh-CN&view=grades`);
    await session.page.waitForFunction(
      () => window.gridpatrol.gradedGrids > 0 && window.gridpatrol.timeBins.length === 24,
      undefined,
      { timeout: 120_000 },
    );
    await waitIdle();
    const [grid] = await session.db.query<{ code: string; x: number; y: number }>(
      `WITH c AS (SELECT ST_Centroid(ST_Collect(geom)) AS p FROM grid)
       SELECT g.code, ST_X(ST_PointOnSurface(g.geom)) AS x, ST_Y(ST_PointOnSurface(g.geom)) AS y
       FROM grid g, c ORDER BY g.geom <-> c.p LIMIT 1`,
    );
    const [px, py] = await session.page.evaluate(({ x, y }) => window.gridpatrol.project(x, y), grid!);
    await session.page.mouse.click(px, py);
    await session.page.waitForFunction(() => window.gridpatrol.hourChartTotal > 0, undefined, { timeout: 60_000 });
    const chart = session.page.locator('#details [data-testid="hour-chart"]');
    await expect(chart.isVisible()).resolves.toBe(true);
    expect(await session.page.locator('#details [data-testid="hour-chart-zone"]').textContent()).toContain(
      '北京时间 (Asia/Shanghai)',
    );

    await session.page.locator('[data-testid="time-speed"]').selectOption('4');
    await session.page.locator('[data-testid="time-play"]').click();
    const labels: string[] = [];
    for (let step = 1; step <= 3; step++) {
      await session.page.waitForFunction((n) => window.gridpatrol.timePlayedSteps >= n, step, { timeout: 60_000 });
      expect(await session.page.evaluate(() => window.gridpatrol.timePlaying), 'still playing').toBe(true);
      expect(await chart.count(), `24×7 chart in the DOM at step ${step}`).toBe(1);
      await expect(chart.isVisible(), `24×7 chart visible at step ${step}`).resolves.toBe(true);
    }
    // The steps as the player recorded them (a slow machine cannot make the test read a later one).
    labels.push(...(await session.page.evaluate(() => window.gridpatrol.timePlayedLabels)));
    expect(labels.slice(0, 3)).toEqual(['0:00–1:00', '1:00–2:00', '2:00–3:00']);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'time-bar-playing-1600-zh-CN.png') });
    await session.page.locator('[data-testid="time-play"]').click();
    await session.page.waitForFunction(() => !window.gridpatrol.timePlaying, undefined, { timeout: 30_000 });
    expect(await chart.isVisible(), 'chart still open after pause').toBe(true);
    // The window the player stopped at is the filter: the cells hold that hour's incidents.
    const [a] = await session.page.evaluate(() => window.gridpatrol.timeWindow);
    await session.page.waitForFunction((h) => window.gridpatrol.timeWindowLabel.startsWith(`${h}:00`), a, {
      timeout: 30_000,
    });
    const [n] = await session.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incident WHERE ${hourSql} = $1`, [
      a,
    ]);
    await session.page.waitForFunction((x) => window.gridpatrol.cellsTotal === x, n!.n, { timeout: 60_000 });
  });

  it('when opened on a 390×844 phone, then the bar fits the screen width with all its controls', async () => {
    await session.page.setViewportSize({ width: 390, height: 844 });
    await session.page.goto(`${session.base}/?role=planner&lang=zh-CN&view=incidents`);
    await session.page.waitForFunction(() => window.gridpatrol.timeBins.length === 24, undefined, { timeout: 120_000 });
    await waitIdle();
    const bar = await session.page.locator('#time-bar').boundingBox();
    expect(bar).not.toBeNull();
    expect(bar!.x).toBeGreaterThanOrEqual(0);
    expect(bar!.x + bar!.width).toBeLessThanOrEqual(390);
    expect(bar!.y + bar!.height).toBeLessThanOrEqual(844);
    for (const id of ['time-play', 'time-step', 'time-step-back', 'time-speed', 'time-bin', 'time-histogram']) {
      const b = await session.page.locator(`[data-testid="${id}"]`).boundingBox();
      expect(b, id).not.toBeNull();
      expect(b!.x + b!.width, `${id} inside the screen`).toBeLessThanOrEqual(390);
    }
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'time-bar-phone-390-zh-CN.png') });
    await session.page.setViewportSize({ width: 1600, height: 1000 });
  });
});
