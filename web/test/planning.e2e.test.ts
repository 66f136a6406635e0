import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/src/db/client.js';
import { DRAFT_BEAT_PALETTE } from '../../web/src/map/style.js';
import {
  ARTIFACTS,
  drawn,
  drawnCodes,
  hasChromium,
  nextAnswer as answerOf,
  pixelsNear,
  projected,
  screenshotPixels,
  startBrowserSession,
  waitIdle as idle,
  searchAndSettle,
  type BrowserSession,
} from './browser-session.js';

/** Beat planning in Chromium: workload table, nesting check with auto-align, districting draft — each against the API and the database. */
let session: BrowserSession | undefined;
let db: Db;
let base: string;
let page: Page;

beforeAll(async () => {
  if (!hasChromium) return;
  session = await startBrowserSession({ incidents: 5000 });
  ({ db, base, page } = session);
}, 600_000);

afterAll(async () => session?.close());

// biome-ignore lint/suspicious/noExplicitAny: test-only escape, bodies are checked field by field below
type Json = Record<string, any>;
const one = async <R>(sql: string, params: unknown[] = []): Promise<R> => (await db.query<R>(sql, params))[0] as R;
const api = async (method: string, p: string, body?: unknown): Promise<{ status: number; json: Json }> => {
  const res = await fetch(base + p, {
    method,
    headers: { 'content-type': 'application/json', cookie: session!.cookie },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status === 202) {
    // A heavy analysis ran as a job: its event stream closes at the end, then the result is the endpoint's answer.
    const job = (await res.json()) as Json;
    const headers = { cookie: session!.cookie };
    await (await fetch(`${base}/api/v1/jobs/${job.id}/events`, { headers })).text();
    const result = await fetch(`${base}/api/v1/jobs/${job.id}/result`, { headers });
    return { status: result.status, json: (await result.json()) as Json };
  }
  return { status: res.status, json: (await res.json()) as Json };
};
const panel = (testid: string, opts?: { hasText: string }) =>
  page.locator(`details[data-section="planning"] [data-testid="${testid}"]`, opts);
/** The station of the first two neighbouring beats of one station (the one the cut is made in). */
const PAIR_STATION = `SELECT x.station_id::int AS station FROM beat x JOIN beat y ON x.code < y.code AND x.station_id = y.station_id
  AND ST_Length(ST_CollectionExtract(ST_Intersection(x.geom, y.geom), 2)::geography) > 100 ORDER BY x.code LIMIT 1`;
/** Opens the app fresh as this role with the planning panel on this station: what each case starts from. */
async function openPlanning(role: 'planner' | 'leader', station: number, lang: string): Promise<void> {
  await session!.signInAs(role, role === 'planner' ? station : null);
  await page.goto(`${base}/?role=${role}&lang=${lang}`);
  await idle(page);
  await page.locator('details[data-section="planning"] > summary').click();
  await panel('plan-station').locator(`option[value="${station}"]`).waitFor({ state: 'attached', timeout: 30_000 });
  await panel('plan-station').selectOption(String(station));
}
/** The answer of the next POST to this API path (what the panel is about to draw or has applied). */
const nextAnswer = (p: string) => answerOf<Json>(page, p, 'POST');
const rgbOf = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
/** The draft palette as drawn at fill-opacity 0.75 over the light basemap (~#f0ede6). */
const DRAFT_DRAWN = DRAFT_BEAT_PALETTE.map((hex) => rgbOf(hex).map((c, k) => 0.75 * c + 0.25 * [240, 237, 230][k]!));
const nearestDraftColour = (rgb: [number, number, number]) => {
  const d = DRAFT_DRAWN.map((p) => Math.hypot(p[0]! - rgb[0], p[1]! - rgb[1], p[2]! - rgb[2]));
  return d.indexOf(Math.min(...d));
};

describe.skipIf(!hasChromium)('beat planning in Chromium', () => {
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
    await openPlanning('planner', c.station, 'zh-CN');

    await panel('plan-workload-go').click();
    await panel('plan-workload').locator('tr[data-beat]').first().waitFor({ timeout: 60_000 });
    const w = (await api('GET', `/api/v1/planning/workload?stationId=${c.station}`)).json;
    expect(await panel('plan-workload').locator('tr[data-beat]').count(), 'one table row per beat of the station').toBe(
      w.beats.length,
    );
    for (const b of w.beats as Json[]) {
      const cells = await panel('plan-workload').locator(`tr[data-beat="${b.code}"] td`).allTextContents();
      expect(cells[2]?.replace(/[^0-9]/g, ''), `residents of ${b.code} in the table`).toBe(
        String(Math.round(b.population)),
      );
    }
    const cvCell = await panel('plan-balance').locator('tr[data-measure="population"] td').nth(2).textContent();
    const cvApi = w.balance
      .find((x: Json) => x.stationId === c.station)
      .measures.find((m: Json) => m.measure === 'population').cv;
    expect(Number(cvCell)).toBeCloseTo(cvApi, 3);

    await panel('plan-nesting-go').click();
    await panel('plan-cut', { hasText: c.g }).waitFor({ timeout: 60_000 });
    const g = await one<{ x: number; y: number }>(
      'SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM grid WHERE code = $1',
      [c.g],
    );
    await searchAndSettle(page, c.g);
    // Drawn: the one cut grid in the orange layer, and orange (#f97316 at 0.55) where the grid is on screen.
    expect(drawnCodes(await drawn(page, ['plan-cut'])), 'the cut grids MapLibre drew').toEqual([c.g]);
    const shot = await screenshotPixels(page, 'planner-nesting-cut-zh-CN.png');
    const orange = pixelsNear(
      shot,
      (await projected(page, [[g.x, g.y]]))[0]!,
      ([r, gr, b]) => r > 200 && r - gr > 35 && r - b > 70,
    );
    expect(orange, 'of 25 pixels around the cut grid are orange').toBeGreaterThanOrEqual(13);

    const aligned = nextAnswer('/api/v1/planning/align');
    await panel('plan-align-go').click();
    const proposal = await aligned;
    await expect(panel('plan-align').textContent()).resolves.toContain(c.x);
    await expect(page.locator('details[data-section="planning"]').textContent()).resolves.toContain(`${c.g} → ${c.y}`);
    await idle(page);
    const proposed = drawnCodes(await drawn(page, ['plan-align-line']));
    expect(proposed, 'the proposal beats drawn in green dashes').toContain(c.x);
    expect(proposed.every((code) => (proposal.beats as Json[]).some((b) => b.code === code))).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'planner-align-preview-zh-CN.png') });
    const applied = nextAnswer('/api/v1/planning/align/apply');
    await panel('plan-align-apply').click();
    await applied;
    expect(
      (await api('GET', `/api/v1/planning/nesting?stationId=${c.station}`)).json.cut,
      'nesting after apply',
    ).toEqual([]);
    const back = await one<{ inY: boolean }>(
      'SELECT ST_Within(ST_PointOnSurface(g.geom), b.geom) AS "inY" FROM grid g, beat b WHERE g.code = $1 AND b.code = $2',
      [c.g, c.y],
    );
    expect(back.inY, `grid ${c.g} back in beat ${c.y}`).toBe(true);
    const versions = await db.query<{ code: string }>(
      `SELECT code FROM area_version WHERE change = 'align' ORDER BY code`,
    );
    expect(
      versions.map((v) => v.code),
      'one new version for each beat that changed',
    ).toEqual([c.x, c.y].sort());
  });

  it("when the planner drafts a beat plan, then the grids are coloured by draft beat, the objective is the API's, and applying it saves one-piece beats of whole grids", async () => {
    const { station } = await one<{ station: number }>(PAIR_STATION);
    await openPlanning('planner', station, 'zh-CN');
    const drafted = nextAnswer('/api/v1/planning/districting');
    await panel('plan-draft-go').click();
    const shown = await drafted;
    await panel('plan-draft-summary', { hasText: '→' }).waitFor({ timeout: 0 });
    const grids = await db.query<{ code: string; x: number; y: number }>(
      `SELECT g.code, ST_X(ST_PointOnSurface(g.geom)) AS x, ST_Y(ST_PointOnSurface(g.geom)) AS y
       FROM grid g JOIN beat b ON ST_Within(ST_PointOnSurface(g.geom), b.geom) WHERE b.station_id = $1 ORDER BY g.code`,
      [station],
    );
    await idle(page);
    expect(
      drawnCodes(await drawn(page, ['plan-draft'])),
      'every grid of the station is drawn in the draft layer',
    ).toEqual(grids.map((g) => g.code));
    // Colours: a grid of each of the first two draft beats is drawn nearest its own Set3 colour.
    const shot = await screenshotPixels(page, 'planner-districting-draft-zh-CN.png');
    for (const [i, b] of (shown.beats as Json[]).slice(0, 2).entries()) {
      const g = grids.find((x) => x.code === [...b.gridCodes].sort()[0])!;
      const xy = (await projected(page, [[g.x, g.y]]))[0]!;
      expect(
        pixelsNear(shot, xy, (rgb) => nearestDraftColour(rgb) === i % DRAFT_BEAT_PALETTE.length),
        `of 25 pixels around grid ${g.code} (draft beat ${b.code}) in its colour ${DRAFT_BEAT_PALETTE[i]}`,
      ).toBeGreaterThanOrEqual(13);
    }
    const draft = (await api('POST', '/api/v1/planning/districting', { stationId: station, tolerance: 0.1 })).json;
    const summary = (await panel('plan-draft-summary').textContent()) ?? '';
    expect(summary).toContain(`${draft.current.objective.toFixed(3)} → ${draft.draft.objective.toFixed(3)}`);
    expect(draft.draft.objective).toBeLessThanOrEqual(draft.current.objective);

    const applied = nextAnswer('/api/v1/planning/districting/apply');
    await panel('plan-draft-apply').click();
    await applied;
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
    const { station } = await one<{ station: number }>(PAIR_STATION);
    await openPlanning('leader', station, 'en');
    await expect.poll(() => panel('plan-draft-go').isEnabled(), { timeout: 30_000 }).toBe(true);
    await panel('plan-draft-go').click();
    await panel('plan-draft-summary', { hasText: 'Objective' }).waitFor({ timeout: 0 });
    await idle(page);
    const { n } = await one<{ n: number }>(
      'SELECT count(*)::int AS n FROM grid g JOIN beat b ON ST_Within(ST_PointOnSurface(g.geom), b.geom) WHERE b.station_id = $1',
      [station],
    );
    expect(drawnCodes(await drawn(page, ['plan-draft'])), 'the preview is drawn for the leader').toHaveLength(n);
    await expect(panel('plan-draft-apply').count()).resolves.toBe(0);
    await expect(panel('plan-draft-summary').textContent()).resolves.toContain('Objective');
  });

  it('when nobody is signed in, then the sign-in page shows; a wrong password is refused with a message and the right one opens the map as that user', async () => {
    await page.context().clearCookies();
    await page.goto(`${base}/?lang=zh-CN`);
    await page.locator('[data-testid="signin"]').waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => window.gridpatrol.signedIn)).toBe(false);
    const { username, password } = await session!.credentials('grid_office');
    await page.locator('[data-testid="signin-user"]').fill(username);
    await page.locator('[data-testid="signin-password"]').fill('not the password');
    await page.locator('[data-testid="signin-submit"]').click();
    await page.locator('[data-testid="signin-error"]', { hasText: '用户名或密码错误' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'sign-in-refused-zh-CN.png') });
    await page.locator('[data-testid="signin-password"]').fill(password);
    await page.locator('[data-testid="signin-submit"]').click();
    await page.waitForFunction(() => window.gridpatrol?.signedIn === true, undefined, { timeout: 60_000 });
    await idle(page);
    await expect(page.locator('[data-testid="user"]').textContent()).resolves.toContain(username);
    await expect(page.locator('select[data-testid="role"]').count(), 'only an admin switches views').resolves.toBe(0);
    await page.locator('details[data-section="editing"] > summary').click();
    await expect(
      page.locator('button[data-testid="edit-beat"]').count(),
      'the grid office does not build beats',
    ).resolves.toBe(1);
    expect(await page.locator('button[data-testid="edit-beat"]').isDisabled()).toBe(true);
    await page.locator('[data-testid="sign-out"]').click();
    await page.locator('[data-testid="signin"]').waitFor({ timeout: 30_000 });
  });

  it('when an admin adds a leader in the users panel, then the new account signs in and sees the leader view', async () => {
    await session!.signInAs('admin');
    await page.goto(`${base}/?lang=zh-CN`);
    await idle(page);
    await page.locator('details[data-section="users"] > summary').click();
    await page.locator('[data-testid="users"] tr[data-user]').first().waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="new-user-name"]').fill('li.leader');
    await page.locator('[data-testid="new-user-role"]').selectOption('leader');
    await page.locator('[data-testid="new-user-password"]').fill('a long first password');
    await page.locator('[data-testid="new-user-add"]').click();
    await page.locator('[data-testid="users"] tr[data-user="li.leader"]').waitFor({ timeout: 30_000 });
    const [row] = await db.query<{ role: string }>(`SELECT role FROM app_user WHERE username = 'li.leader'`);
    expect(row?.role).toBe('leader');
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-users-zh-CN.png') });
    await page.locator('[data-testid="sign-out"]').click();
    await page.locator('[data-testid="signin"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="signin-user"]').fill('li.leader');
    await page.locator('[data-testid="signin-password"]').fill('a long first password');
    await page.locator('[data-testid="signin-submit"]').click();
    await page.waitForFunction(() => window.gridpatrol?.signedIn === true, undefined, { timeout: 60_000 });
    await expect(page.locator('[data-testid="user"]').textContent()).resolves.toContain('领导');
    await expect(page.locator('details[data-section="users"]').count(), 'no users panel for a leader').resolves.toBe(0);
  });
});
