import { describe, expect, it } from 'vitest';
import { hasChromium, useBrowserSession, waitIdle as idle } from './browser-session.js';

/** Plan compare in Chromium: two scorecard columns against the API, the moved grid drawn on the map. */
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
// The controls sit in the sidebar's planning section, the tables in the planning drawer over the map.
const panel = (testid: string) =>
  session.page.locator(
    `details[data-section="planning"] [data-testid="${testid}"], #plan-drawer [data-testid="${testid}"]`,
  );

describe.skipIf(!hasChromium)('plan compare in Chromium', () => {
  it("when the planner compares the plan in force with a draft that moves one grid, then the table shows both columns and the API's difference, and the moved grid is drawn", async () => {
    const pair = (
      await session.db.query<{ station: number; grid: string; to: string }>(
        `WITH a AS (SELECT DISTINCT ON (g.code) g.code AS grid, b.code AS beat, b.station_id AS station, g.geom FROM grid g JOIN beat b ON ST_Intersects(b.geom, ST_PointOnSurface(g.geom)) ORDER BY g.code, b.code)
       SELECT x.station::int AS station, x.grid, y.beat AS to FROM a x JOIN a y ON x.station = y.station AND x.beat <> y.beat
         AND ST_Length(ST_CollectionExtract(ST_Intersection(x.geom, y.geom), 2)::geography) > 50 ORDER BY x.grid LIMIT 1`,
      )
    )[0]!;
    const inForce = (await api('GET', `/api/v1/plans/in-force?stationId=${pair.station}`)).json;
    const assignment = (inForce.assignment as Json[]).map((a) => ({
      gridCode: a.gridCode,
      beatCode: a.gridCode === pair.grid ? pair.to : a.beatCode,
    }));
    const draft = await api('POST', '/api/v1/plans', { name: 'draft-e2e', stationId: pair.station, assignment });
    expect(draft.status).toBe(201);
    await session.signInAs('planner', pair.station);
    await session.page.goto(`${session.base}/?role=planner&lang=en`);
    await idle(session.page);
    await session.page.locator('details[data-section="planning"] > summary').click();
    await panel('plan-station')
      .locator(`option[value="${pair.station}"]`)
      .waitFor({ state: 'attached', timeout: 30_000 });
    await panel('plan-station').selectOption(String(pair.station));
    await panel('plan-compare-b')
      .locator(`option[value="${draft.json.id}"]`)
      .waitFor({ state: 'attached', timeout: 30_000 });
    await panel('plan-compare-b').selectOption(String(draft.json.id));
    await panel('plan-compare-go').click();
    await session.page.waitForFunction(
      () => window.gridpatrol.planCompareRows > 0 && window.gridpatrol.planCompareMovedDrawn >= 0,
      undefined,
      { timeout: 120_000 },
    );
    const cmp = (await api('GET', `/api/v1/plans/compare?a=in-force&b=${draft.json.id}&stationId=${pair.station}`))
      .json;
    const rows = await panel('plan-compare-table').locator('tr').allTextContents();
    const cv = rows.find((r) => r.startsWith('Population CV')) ?? '';
    const a = cmp.a.plan.balance.find((b: Json) => b.measure === 'population').cv,
      b = cmp.b.plan.balance.find((b: Json) => b.measure === 'population').cv;
    expect(cv).toContain(a.toFixed(3));
    expect(cv).toContain(b.toFixed(3));
    expect(rows.find((r) => r.startsWith('Grids moved from in force'))).toContain('+1');
    expect(
      await session.page.evaluate(() => window.gridpatrol.planCompareMovedDrawn),
      'the moved grid is outlined on the map',
    ).toBe(1);
  }, 600_000);
});
