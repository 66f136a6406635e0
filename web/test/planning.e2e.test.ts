import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  afterMove,
  hasChromium,
  drawnAt,
  drawnCodes,
  useBrowserSession,
  waitIdle as idle,
} from './browser-session.js';

/** Beat planning in Chromium: workload table, nesting check with auto-align, districting draft — each against the API and the database. */
const session = useBrowserSession({ incidents: 5000 });

// biome-ignore lint/suspicious/noExplicitAny: test-only escape, bodies are checked field by field below
type Json = Record<string, any>;
const one = async <R>(sql: string, params: unknown[] = []): Promise<R> =>
  (await session.db.query<R>(sql, params))[0] as R;
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
const hook = (name: 'planCutGrids' | 'planAlignBeats' | 'planDraftGrids' | 'planWorkloadRows' | 'planApplied') =>
  session.page.evaluate((n) => window.gridpatrol[n], name);

describe.skipIf(!hasChromium)('beat planning in Chromium', () => {
  let cut: { g: string; x: string; y: string; station: number };

  it('when a beat boundary cuts a grid, then the planner sees the workload table, the cut grid in orange, and auto-align puts it back whole', async () => {
    // Beat X takes the western quarter of grid G from its neighbour Y (same construction as the API test).
    const c = await one<{
      g: string;
      x: string;
      y: string;
      xv: number;
      yv: number;
      xid: number;
      yid: number;
      xg: Json;
      yg: Json;
      station: number;
    }>(
      `WITH pair AS (SELECT x.code AS x, y.code AS y, x.id AS xid, y.id AS yid, x.version AS xv, y.version AS yv, x.geom AS xgeom, y.geom AS ygeom, x.station_id AS station
                     FROM beat x JOIN beat y ON x.code < y.code AND x.station_id = y.station_id
                       AND ST_Length(ST_CollectionExtract(ST_Intersection(x.geom, y.geom), 2)::geography) > 100 ORDER BY x.code LIMIT 1),
            g AS (SELECT gr.code, gr.geom FROM grid gr, pair WHERE ST_Within(ST_PointOnSurface(gr.geom), pair.ygeom) AND ST_Touches(gr.geom, pair.xgeom)
                  AND ST_Length(ST_CollectionExtract(ST_Intersection(gr.geom, pair.xgeom), 2)::geography) > 50 ORDER BY gr.code LIMIT 1),
            piece AS (SELECT ST_Intersection(g.geom, ST_Buffer(pair.xgeom, 0.25 * sqrt(ST_Area(g.geom)))) AS p FROM g, pair)
       SELECT g.code AS g, pair.x, pair.y, pair.xv, pair.yv, pair.xid, pair.yid, pair.station,
              ST_AsGeoJSON(ST_Multi(ST_Union(pair.xgeom, piece.p)))::json AS xg, ST_AsGeoJSON(ST_Multi(ST_Difference(pair.ygeom, piece.p)))::json AS yg
       FROM pair, g, piece`,
    );
    expect((await api('PATCH', `/api/v1/beats/${c.xid}`, { version: c.xv, geometry: c.xg })).status).toBe(200);
    expect((await api('PATCH', `/api/v1/beats/${c.yid}`, { version: c.yv, geometry: c.yg })).status).toBe(200);
    cut = c;
    // A point of the quarter beat X took: drawn in X now, in Y again once the cut is aligned.
    const taken = await one<{ x: number; y: number }>(
      `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_PointOnSurface(ST_Intersection(g.geom, b.geom)) AS p
       FROM grid g, beat b WHERE g.code = $1 AND b.code = $2) q`,
      [c.g, c.x],
    );

    await session.signInAs('planner', c.station);
    await session.page.goto(`${session.base}/?role=planner&lang=zh-CN`);
    await idle(session.page);
    await session.page.locator('details[data-section="planning"] > summary').click();
    await panel(`plan-station`).locator(`option[value="${c.station}"]`).waitFor({ state: 'attached', timeout: 30_000 });
    await panel('plan-station').selectOption(String(c.station));

    await panel('plan-workload-go').click();
    await session.page.waitForFunction(() => window.gridpatrol.planWorkloadRows > 0, undefined, { timeout: 60_000 });
    const w = (await api('GET', `/api/v1/planning/workload?stationId=${c.station}`)).json;
    expect(await hook('planWorkloadRows'), 'one table row per beat of the station').toBe(w.beats.length);
    for (const b of w.beats as Json[]) {
      const cells = await panel('plan-workload').locator(`tr[data-beat="${b.code}"] td`).allTextContents();
      // Columns: name, code, weighted incidents, residents, …
      expect(cells[3]?.replace(/[^0-9]/g, ''), `residents of ${b.code} in the table`).toBe(
        String(Math.round(b.population)),
      );
    }
    const cvCell = await panel('plan-balance').locator('tr[data-measure="population"] td').nth(2).textContent();
    const cvApi = w.balance
      .find((x: Json) => x.stationId === c.station)
      .measures.find((m: Json) => m.measure === 'population').cv;
    expect(Number(cvCell)).toBeCloseTo(cvApi, 3);

    await panel('plan-nesting-go').click();
    await session.page.waitForFunction(() => window.gridpatrol.planCutGrids > 0, undefined, { timeout: 60_000 });
    expect(await hook('planCutGrids')).toBe(1);
    await expect(panel('plan-cut').textContent()).resolves.toContain(c.g);
    await session.page.locator('input[data-testid="search"]').fill(c.g);
    // Enter asks the search, then fits the map to the grid: that move, then the idle after it.
    await afterMove(session.page, () => session.page.locator('input[data-testid="search"]').press('Enter'));
    expect(await drawnCodes(session.page, 'plan-cut'), 'the cut grid, and only it, drawn in orange').toEqual([c.g]);
    expect(await drawnAt(session.page, 'beats-fill', taken.x, taken.y), 'the taken quarter drawn in beat X').toEqual([
      c.x,
    ]);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'planner-nesting-cut-zh-CN.png') });

    await panel('plan-align-go').click();
    await session.page.waitForFunction(() => window.gridpatrol.planAlignBeats > 0, undefined, { timeout: 60_000 });
    await expect(panel('plan-align').textContent()).resolves.toContain(c.x);
    // The move reads in the drawer's align table (or the sidebar's summary of it).
    const alignText = (
      await session.page.locator('details[data-section="planning"], #plan-drawer').allTextContents()
    ).join(' ');
    expect(alignText).toContain(`${c.g} → ${c.y}`);
    await idle(session.page);
    expect(await drawnCodes(session.page, 'plan-align-line'), 'the proposal draws beat X').toContain(c.x);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'planner-align-preview-zh-CN.png') });
    await panel('plan-align-apply').click();
    await session.page.waitForFunction(() => window.gridpatrol.planApplied === 1, undefined, { timeout: 60_000 });
    expect(
      (await api('GET', `/api/v1/planning/nesting?stationId=${c.station}`)).json.cut,
      'nesting after apply',
    ).toEqual([]);
    const back = await one<{ inY: boolean }>(
      'SELECT ST_Within(ST_PointOnSurface(g.geom), b.geom) AS "inY" FROM grid g, beat b WHERE g.code = $1 AND b.code = $2',
      [c.g, c.y],
    );
    expect(back.inY, `grid ${c.g} back in beat ${c.y}`).toBe(true);
    // On the map: the reloaded beat tiles draw the quarter in Y, and neither the cut nor the proposal is left.
    await idle(session.page);
    expect(
      await drawnAt(session.page, 'beats-fill', taken.x, taken.y),
      'the quarter drawn in beat Y after the apply',
    ).toEqual([c.y]);
    expect(await drawnCodes(session.page, 'plan-cut'), 'no cut grid drawn after the apply').toEqual([]);
    expect(await drawnCodes(session.page, 'plan-align-line'), 'no proposal drawn after the apply').toEqual([]);
    const versions = await session.db.query<{ code: string }>(
      `SELECT code FROM area_version WHERE change = 'align' ORDER BY code`,
    );
    expect(
      versions.map((v) => v.code),
      'one new version for each beat that changed',
    ).toEqual([c.x, c.y].sort());
  });

  it("when the planner drafts a beat plan, then the grids are coloured by draft beat, the objective is the API's, and applying it saves one-piece beats of whole grids", async () => {
    const station = cut.station;
    await panel('plan-draft-go').click();
    await session.page.waitForFunction(() => window.gridpatrol.planDraftGrids > 0, undefined, { timeout: 120_000 });
    const grids = await one<{ n: number }>(
      'SELECT count(*)::int AS n FROM grid g JOIN beat b ON ST_Within(ST_PointOnSurface(g.geom), b.geom) WHERE b.station_id = $1',
      [station],
    );
    expect(await hook('planDraftGrids'), 'every grid of the station is coloured').toBe(grids.n);
    // What is drawn: only the station's grids are coloured, and every one of them wholly on screen is.
    await idle(session.page);
    const own = await session.db.query<{ code: string; b: number[] }>(
      `SELECT g.code, ARRAY[ST_XMin(g.geom), ST_YMin(g.geom), ST_XMax(g.geom), ST_YMax(g.geom)] AS b
       FROM grid g JOIN beat b ON ST_Within(ST_PointOnSurface(g.geom), b.geom) WHERE b.station_id = $1`,
      [station],
    );
    const drawn = await drawnCodes(session.page, 'plan-draft');
    const ownCodes = new Set(own.map((g) => g.code));
    expect(
      drawn.filter((code) => !ownCodes.has(code)),
      'grids of other stations coloured',
    ).toEqual([]);
    const [w, s, e, n] = (await session.page.evaluate(() => window.gridpatrol.mapBounds())) as [
      number,
      number,
      number,
      number,
    ];
    const onScreen = own.filter(({ b }) => (b[0] ?? 0) > w && (b[2] ?? 0) < e && (b[1] ?? 0) > s && (b[3] ?? 0) < n);
    expect(onScreen.length, 'station grids wholly on screen').toBeGreaterThan(0);
    expect(
      onScreen.filter((g) => !drawn.includes(g.code)).map((g) => g.code),
      'station grids on screen not coloured',
    ).toEqual([]);
    const draft = (await api('POST', '/api/v1/planning/districting', { stationId: station, tolerance: 0.1 })).json;
    const summary = (await panel('plan-draft-summary').textContent()) ?? '';
    expect(summary).toContain(`${draft.current.objective.toFixed(3)} → ${draft.draft.objective.toFixed(3)}`);
    expect(draft.draft.objective).toBeLessThanOrEqual(draft.current.objective);
    await idle(session.page);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'planner-districting-draft-zh-CN.png') });

    // Beyond the tolerance, Apply waits for the planner to confirm the exception, and says why.
    await expect(panel('plan-draft-apply-reason').count()).resolves.toBe(draft.draft.withinTolerance ? 0 : 1);
    await expect(panel('plan-draft-apply').isDisabled()).resolves.toBe(!draft.draft.withinTolerance);
    if (!draft.draft.withinTolerance) await panel('plan-draft-exception').check();
    await panel('plan-draft-apply').click();
    await session.page.waitForFunction(() => window.gridpatrol.planApplied === 2, undefined, { timeout: 60_000 });
    for (const b of draft.beats as Json[]) {
      const r = await one<{ parts: number; same: boolean }>(
        `SELECT (SELECT ST_NumGeometries(ST_Union(geom)) FROM grid WHERE code = ANY($2::text[])) AS parts,
                (SELECT array_agg(g.code ORDER BY g.code) FROM grid g WHERE ST_Within(ST_PointOnSurface(g.geom), (SELECT geom FROM beat WHERE code = $1))) = $2::text[] AS same`,
        [b.code, [...b.gridCodes].sort()],
      );
      expect(r.parts, `beat ${b.code} is one piece`).toBe(1);
      expect(r.same, `beat ${b.code} holds exactly its drafted grids`).toBe(true);
    }
  });

  it('when a leader opens the same panel, then the previews are there but nothing can be applied', async () => {
    await session.signInAs('leader');
    await session.page.goto(`${session.base}/?role=leader&lang=en`);
    await idle(session.page);
    await session.page.locator('details[data-section="planning"] > summary').click();
    await panel(`plan-station`)
      .locator(`option[value="${cut.station}"]`)
      .waitFor({ state: 'attached', timeout: 30_000 });
    await panel('plan-station').selectOption(String(cut.station));
    await expect.poll(() => panel('plan-draft-go').isEnabled(), { timeout: 30_000 }).toBe(true);
    await panel('plan-draft-go').click();
    await session.page.waitForFunction(() => window.gridpatrol.planDraftGrids > 0, undefined, { timeout: 120_000 });
    await expect(panel('plan-draft-apply').count()).resolves.toBe(0);
    await expect(panel('plan-draft-summary').textContent()).resolves.toContain('Objective');
  });

  it('when nobody is signed in, then the sign-in page shows; a wrong password is refused with a message and the right one opens the map as that user', async () => {
    await session.page.context().clearCookies();
    await session.page.goto(`${session.base}/?lang=zh-CN`);
    await session.page.locator('[data-testid="signin"]').waitFor({ timeout: 30_000 });
    expect(await session.page.evaluate(() => window.gridpatrol.signedIn)).toBe(false);
    const { username, password } = await session.credentials('grid_office');
    await session.page.locator('[data-testid="signin-user"]').fill(username);
    await session.page.locator('[data-testid="signin-password"]').fill('not the password');
    await session.page.locator('[data-testid="signin-submit"]').click();
    await session.page
      .locator('[data-testid="signin-error"]', { hasText: '用户名或密码错误' })
      .waitFor({ timeout: 30_000 });
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'sign-in-refused-zh-CN.png') });
    await session.page.locator('[data-testid="signin-password"]').fill(password);
    await session.page.locator('[data-testid="signin-submit"]').click();
    await session.page.waitForFunction(() => window.gridpatrol?.signedIn === true, undefined, { timeout: 60_000 });
    await idle(session.page);
    await expect(session.page.locator('[data-testid="user"]').textContent()).resolves.toContain(username);
    await expect(
      session.page.locator('select[data-testid="role"]').count(),
      'only an admin switches views',
    ).resolves.toBe(0);
    await session.page.locator('details[data-section="editing"] > summary').click();
    await expect(
      session.page.locator('button[data-testid="edit-beat"]').count(),
      'the grid office does not build beats',
    ).resolves.toBe(1);
    expect(await session.page.locator('button[data-testid="edit-beat"]').isDisabled()).toBe(true);
    await session.page.locator('[data-testid="sign-out"]').click();
    await session.page.locator('[data-testid="signin"]').waitFor({ timeout: 30_000 });
  });

  it('when an admin adds a leader in the users panel, then the new account signs in and sees the leader view', async () => {
    await session.signInAs('admin');
    await session.page.goto(`${session.base}/?lang=zh-CN`);
    await idle(session.page);
    await session.page.locator('details[data-section="users"] > summary').click();
    await session.page.locator('[data-testid="users"] tr[data-user]').first().waitFor({ timeout: 30_000 });
    await session.page.locator('[data-testid="new-user-name"]').fill('li.leader');
    await session.page.locator('[data-testid="new-user-role"]').selectOption('leader');
    await session.page.locator('[data-testid="new-user-password"]').fill('a long first password');
    await session.page.locator('[data-testid="new-user-add"]').click();
    await session.page.locator('[data-testid="users"] tr[data-user="li.leader"]').waitFor({ timeout: 30_000 });
    const [row] = await session.db.query<{ role: string }>(`SELECT role FROM app_user WHERE username = 'li.leader'`);
    expect(row?.role).toBe('leader');
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'admin-users-zh-CN.png') });
    await session.page.locator('[data-testid="sign-out"]').click();
    await session.page.locator('[data-testid="signin"]').waitFor({ timeout: 30_000 });
    await session.page.locator('[data-testid="signin-user"]').fill('li.leader');
    await session.page.locator('[data-testid="signin-password"]').fill('a long first password');
    await session.page.locator('[data-testid="signin-submit"]').click();
    await session.page.waitForFunction(() => window.gridpatrol?.signedIn === true, undefined, { timeout: 60_000 });
    await expect(session.page.locator('[data-testid="user"]').textContent()).resolves.toContain('领导');
    await expect(
      session.page.locator('details[data-section="users"]').count(),
      'no users panel for a leader',
    ).resolves.toBe(0);
  });
});
