import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, useBrowserSession, waitIdle as idle } from './browser-session.js';

/** The planning drawer, the districting review and the compare swipe in Chromium, asserted on what MapLibre draws. */
const session = useBrowserSession({ incidents: 2000, hookTimeoutMs: 600_000 });

// biome-ignore lint/suspicious/noExplicitAny: test-only escape, bodies are checked field by field below
type Json = Record<string, any>;
const api = async (method: string, p: string, body?: unknown): Promise<{ status: number; json: Json }> => {
  const res = await fetch(session.base + p, {
    method,
    headers: { 'content-type': 'application/json', cookie: session.cookie },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Json };
};
const side = (testid: string) => session.page.locator(`details[data-section="planning"] [data-testid="${testid}"]`);
const drawer = (testid: string) => session.page.locator(`#plan-drawer [data-testid="${testid}"]`);
const rendered = (layer: string) => session.page.evaluate((l) => window.gridpatrol.renderedCodes(l), layer);
/** Grid codes drawn by the swipe's two layers (A left, B right) at points either side of the divider at `dx`. */
type Hit = { x: number; y: number; a: string[]; b: string[] };
const probeAround = (dx: number, offsets = [-120, -60, -20, 20, 60, 120]): Promise<Hit[]> =>
  session.page.evaluate(
    ([d, offs]) => {
      const m = document.getElementById('map') as HTMLElement;
      const hits: Hit[] = [];
      for (let y = 60; y < m.clientHeight * 0.55; y += 25)
        for (const px of offs.map((o) => d + o))
          hits.push({
            x: px,
            y,
            a: window.gridpatrol.renderedCodesAt('plan-compare-fill', px, y),
            b: window.gridpatrol.renderedCodesAt('plan-compare-fill-b', px, y),
          });
      return hits;
    },
    [dx, offsets] as const,
  );
/** Away from the divider at `x` (a grid straddling it shows one plan whole), each side draws its own plan only. */
function expectSidesApart(probe: Hit[], x: number): { left: Hit[]; right: Hit[] } {
  const left = probe.filter((p) => p.x < x && (p.a.length || p.b.length));
  const right = probe.filter((p) => p.x > x && (p.a.length || p.b.length));
  expect(left.length, 'grids drawn left of the divider').toBeGreaterThan(0);
  expect(right.length, 'grids drawn right of the divider').toBeGreaterThan(0);
  for (const p of left.filter((q) => q.x < x - 50)) expect(p.b, `B drawn at ${p.x},${p.y}`).toEqual([]);
  for (const p of right.filter((q) => q.x > x + 50)) expect(p.a, `A drawn at ${p.x},${p.y}`).toEqual([]);
  return { left, right };
}
/** The map's box in the page (the divider's x is relative to it). */
const mapBox = () =>
  session.page.evaluate(() => {
    const r = (document.getElementById('map') as HTMLElement).getBoundingClientRect();
    return { left: r.left, top: r.top, width: r.width, height: r.height };
  });
const dividerX = () => session.page.evaluate(() => window.gridpatrol.swipeDividerX());

/** Beats more than ±tol off the mean, written out (the reference for what the drawer names and colours). */
const beyond = (rows: { code: string; v: number }[], tol: number) => {
  const mean = rows.reduce((s, r) => s + r.v, 0) / rows.length;
  return rows.filter((r) => Math.abs(r.v / mean - 1) > tol).map((r) => r.code);
};

describe.skipIf(!hasChromium)('planning drawer in Chromium', () => {
  let station: number;
  let names: Map<string, string>;

  it('when the planner asks for the workload, then the drawer holds one row per beat the API answers, names first and codes second, and only the beats beyond the tolerance are coloured and named', async () => {
    const pair = (
      await session.db.query<{ station: number; grid: string; to: string }>(
        `WITH a AS (SELECT DISTINCT ON (g.code) g.code AS grid, b.code AS beat, b.station_id AS station, g.geom FROM grid g JOIN beat b ON ST_Intersects(b.geom, ST_PointOnSurface(g.geom)) ORDER BY g.code, b.code)
       SELECT x.station::int AS station, x.grid, y.beat AS to FROM a x JOIN a y ON x.station = y.station AND x.beat <> y.beat
         AND ST_Length(ST_CollectionExtract(ST_Intersection(x.geom, y.geom), 2)::geography) > 50 ORDER BY x.grid LIMIT 1`,
      )
    )[0]!;
    station = pair.station;
    await session.signInAs('planner', station);
    await session.page.setViewportSize({ width: 1600, height: 1000 });
    await session.page.goto(`${session.base}/?role=planner&lang=zh-CN`);
    await idle(session.page);
    await session.page.locator('details[data-section="planning"] > summary').click();
    await side('plan-station').locator(`option[value="${station}"]`).waitFor({ state: 'attached', timeout: 30_000 });
    await side('plan-station').selectOption(String(station));
    const beatRows = await session.db.query<{ code: string; name: string }>(
      'SELECT code, name FROM beat WHERE station_id = $1',
      [station],
    );
    names = new Map(beatRows.map((b) => [b.code, b.name]));
    await side('plan-workload-go').click();
    await session.page.waitForFunction(() => window.gridpatrol.planWorkloadRows > 0, undefined, { timeout: 120_000 });
    const w = (await api('GET', `/api/v1/planning/workload?stationId=${station}`)).json;
    const rows = drawer('plan-workload').locator('tr[data-beat]');
    // The beat names arrive with the station's beats: wait until every row reads its name.
    await expect
      .poll(async () => (await rows.locator('td[data-col="name"]').allTextContents()).join('|'), { timeout: 30_000 })
      .toBe((w.beats as Json[]).map((b) => names.get(b.code)).join('|'));
    const cells = await rows.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)),
    );
    expect(cells).toEqual((w.beats as Json[]).map((b) => [names.get(b.code), b.code]));
    const ref = beyond(
      (w.beats as Json[]).map((b) => ({ code: b.code, v: b.weightedIncidents })),
      0.1,
    );
    const coloured = await drawer('plan-workload')
      .locator('tr.beyond')
      .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.beat));
    expect(coloured.sort()).toEqual([...ref].sort());
    const text = (await drawer('plan-beyond').textContent()) ?? '';
    for (const code of ref) expect(text).toContain(names.get(code));
    await idle(session.page);
    for (const code of await rendered('plan-beyond')) expect(ref, `${code} drawn as beyond`).toContain(code);

    // Hover a row: its beat is outlined on the map; click: the map flies to it.
    const first = (w.beats as Json[])[0]!.code as string;
    await rows.first().hover();
    await session.page.waitForFunction((c) => window.gridpatrol.planHovered === `beat:${c}`, first);
    await idle(session.page);
    expect(await rendered('plan-hover-beat')).toEqual([first]);
    await rows.first().click();
    await session.page.waitForFunction((c) => window.gridpatrol.planFlownTo === `beat:${c}`, first, {
      timeout: 30_000,
    });
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'drawer-workload-1600x1000-zh-CN.png') });
  }, 600_000);

  it('when a draft is beyond a tolerance of 0 %, then only the draft labels are drawn, the beats beyond are named, and Apply is disabled with the reason until the exception is confirmed', async () => {
    await side('plan-tol').fill('0');
    await side('plan-tol').dispatchEvent('change');
    await side('plan-draft-go').click();
    await session.page.waitForFunction(() => window.gridpatrol.planDraftLabels > 0, undefined, { timeout: 300_000 });
    await idle(session.page);
    const labels = await rendered('plan-draft-labels');
    expect(labels.length).toBeGreaterThan(0);
    const draftCodes = await session.page.evaluate(() => window.gridpatrol.planDraftLabels);
    expect(labels.length).toBeLessThanOrEqual(draftCodes);
    expect(await session.page.evaluate(() => window.gridpatrol.renderedCount('beat-labels')), 'old labels hidden').toBe(
      0,
    );
    await expect(side('plan-draft-apply').isDisabled()).resolves.toBe(true);
    const reason = (await side('plan-draft-apply-reason').textContent()) ?? '';
    expect(reason).toContain('超出容差');
    const draftRows = drawer('plan-draft').locator('tr.beyond');
    expect(await draftRows.count()).toBeGreaterThan(0);
    const firstBeyond = await draftRows.first().locator('td[data-col="name"]').textContent();
    expect(reason).toContain(firstBeyond);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'drawer-draft-1600x1000-zh-CN.png') });

    // 卷帘 in the review: the beats in force left of the divider, the draft right of it, neither plan's labels.
    const inForce = (await api('GET', `/api/v1/plans/in-force?stationId=${station}`)).json;
    const current = new Map((inForce.assignment as Json[]).map((a) => [a.gridCode as string, a.beatCode as string]));
    await side('plan-draft-swipe').check();
    await session.page.waitForFunction(() => Number.isFinite(window.gridpatrol.swipeDividerX()), undefined, {
      timeout: 60_000,
    });
    await idle(session.page);
    expect(await rendered('plan-draft'), 'the whole-map draft fill steps aside').toEqual([]);
    expect(await rendered('plan-draft-labels')).toEqual([]);
    const dx = await dividerX();
    const sides = expectSidesApart(await probeAround(dx), dx);
    for (const p of sides.left) for (const g of p.a) expect(current.has(g), `${g} is a grid in force`).toBe(true);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'drawer-draft-swipe-1600x1000-zh-CN.png') });
    await side('plan-draft-swipe').uncheck();
    await session.page.waitForFunction(() => !Number.isFinite(window.gridpatrol.swipeDividerX()));
    await idle(session.page);
    expect((await rendered('plan-draft')).length, 'the draft is drawn whole again').toBeGreaterThan(0);
    expect(await rendered('plan-compare-fill-b')).toEqual([]);
    expect(await rendered('plan-compare-fill')).toEqual([]);
    await session.page.setViewportSize({ width: 1280, height: 720 });
    await idle(session.page);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'drawer-draft-1280x720-zh-CN.png') });
    await side('plan-draft-exception').check();
    await expect.poll(() => side('plan-draft-apply').isEnabled()).toBe(true);
    await expect(side('plan-draft-apply-reason').count()).resolves.toBe(0);
    await side('plan-draft-discard').click();
    await session.page.waitForFunction(() => window.gridpatrol.planDraftLabels === 0);
    await idle(session.page);
    expect(await rendered('plan-draft-labels')).toEqual([]);
  }, 600_000);

  it('when two plans are compared under the swipe, then left of the divider plan A is drawn and right of it plan B, and the scorecards sit in two columns in the drawer', async () => {
    const inForce = (await api('GET', `/api/v1/plans/in-force?stationId=${station}`)).json;
    const beatsOf = [...new Set((inForce.assignment as Json[]).map((a) => a.beatCode as string))].sort();
    // Plan B: every grid of the first beat goes to the second (a visible difference across the station).
    const assignment = (inForce.assignment as Json[]).map((a) => ({
      gridCode: a.gridCode,
      beatCode: a.beatCode === beatsOf[0] ? beatsOf[1] : a.beatCode,
    }));
    const draft = await api('POST', '/api/v1/plans', { name: 'swipe-e2e', stationId: station, assignment });
    expect(draft.status).toBe(201);
    await session.page.setViewportSize({ width: 1600, height: 1000 });
    await session.page.reload();
    await idle(session.page);
    await session.page.locator('details[data-section="planning"] > summary').click();
    await side('plan-station').locator(`option[value="${station}"]`).waitFor({ state: 'attached', timeout: 30_000 });
    await side('plan-station').selectOption(String(station));
    await side('plan-compare-b').locator(`option[value="${draft.json.id}"]`).waitFor({ state: 'attached' });
    await side('plan-compare-b').selectOption(String(draft.json.id));
    await side('plan-compare-go').click();
    await session.page.waitForFunction(() => window.gridpatrol.planCompareRows > 0, undefined, { timeout: 120_000 });
    const head = await drawer('plan-compare-table').locator('tr').first().locator('th').allTextContents();
    expect(head[1]).toMatch(/^A /);
    expect(head[2]).toMatch(/^B swipe-e2e/);
    await side('plan-compare-swipe').check();
    await session.page.waitForFunction(() => Number.isFinite(window.gridpatrol.swipeDividerX()), undefined, {
      timeout: 60_000,
    });
    await idle(session.page);
    const x = await dividerX();
    const { right } = expectSidesApart(await probeAround(x), x);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'drawer-compare-swipe-1600x1000-zh-CN.png') });

    // Drag the divider right, past points that drew plan B: they now lie left of it and draw plan A.
    const box = await mapBox();
    const was = right.filter((p) => p.b.length > 0);
    expect(was.length, 'plan B drawn right of the divider').toBeGreaterThan(0);
    const to = Math.min(box.width * 0.9, Math.max(...was.map((p) => p.x)) + 80);
    const y = box.top + 80;
    await session.page.mouse.move(box.left + x, y);
    await session.page.mouse.down();
    await session.page.mouse.move(box.left + to, y, { steps: 8 });
    await session.page.mouse.up();
    await idle(session.page);
    const x2 = await dividerX();
    expect(Math.abs(x2 - to), `divider at ${x2}, dragged to ${to}`).toBeLessThan(3);
    const slider = Number(await side('plan-compare-swipe-at').inputValue());
    expect(slider, 'the slider follows the divider').toBe(Math.round((x2 / box.width) * 100));
    const crossed = was.filter((p) => p.x < x2 - 50);
    expect(crossed.length, 'points the drag crossed').toBeGreaterThan(0);
    const after = await session.page.evaluate(
      (pts) =>
        pts.map((p) => ({
          a: window.gridpatrol.renderedCodesAt('plan-compare-fill', p.x, p.y),
          b: window.gridpatrol.renderedCodesAt('plan-compare-fill-b', p.x, p.y),
        })),
      crossed,
    );
    for (const [i, p] of after.entries()) {
      expect(p.b, `B still drawn at ${crossed[i]!.x},${crossed[i]!.y}`).toEqual([]);
      expect(p.a.length, `A drawn at ${crossed[i]!.x},${crossed[i]!.y}`).toBeGreaterThan(0);
    }
    // Left of the dragged divider (away from it) no grid draws plan B; plan A is drawn there.
    const leftOf = (await probeAround(x2, [-220, -160, -100, -60])).filter((p) => p.a.length || p.b.length);
    expect(leftOf.length, 'grids drawn left of the dragged divider').toBeGreaterThan(0);
    for (const p of leftOf) expect(p.b, `B drawn at ${p.x},${p.y}`).toEqual([]);
    // The keyboard moves it too: focused, one arrow press is 2 % of the map's width; aria-valuenow says where it is.
    await session.page.locator('[data-testid="plan-swipe-divider"]').focus();
    await session.page.keyboard.press('ArrowLeft');
    await idle(session.page);
    expect(Math.abs((await dividerX()) - (x2 - 0.02 * box.width))).toBeLessThan(2);
    expect(await session.page.locator('[data-testid="plan-swipe-divider"]').getAttribute('aria-valuenow')).toBe(
      String(Math.round((x2 / box.width - 0.02) * 100)),
    );
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'drawer-compare-swipe-dragged-1600x1000-zh-CN.png') });
    await session.page.setViewportSize({ width: 1280, height: 720 });
    await idle(session.page);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'drawer-compare-swipe-1280x720-zh-CN.png') });
  }, 600_000);
});
