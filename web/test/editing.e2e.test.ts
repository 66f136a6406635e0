import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/src/db/client.js';
import {
  ARTIFACTS,
  drawn,
  drawnBBox,
  drawnCodes,
  hasChromium,
  searchAndSettle,
  startBrowserSession,
  waitIdle as idle,
  type BrowserSession,
} from './browser-session.js';

/** Grid and beat editing in Chromium: draw, split, merge, build a beat — each checked in the database. */
let session: BrowserSession | undefined;
let db: Db;
let base: string;
let page: Page;
let consoleErrors: string[] = [];
let foreignRequests: string[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  session = await startBrowserSession({ incidents: 5000 });
  ({ db, base, page, consoleErrors, foreignRequests } = session);
}, 600_000);

afterAll(async () => session?.close());

const one = async <R>(sql: string, params: unknown[] = []): Promise<R> => (await db.query<R>(sql, params))[0] as R;
const waitIdle = () => idle(page);
const at = (lon: number, lat: number) =>
  page.evaluate(([x, y]) => window.gridpatrol.project(x, y), [lon, lat] as [number, number]);
async function clickAt(lon: number, lat: number): Promise<void> {
  const [x, y] = await at(lon, lat);
  await page.mouse.click(x, y);
  await page.waitForTimeout(600);
}
/** Ends a drawing with Enter, as a user does: terra-draw hears keys on the map, so the map canvas has the focus. */
async function finishDrawing(): Promise<void> {
  await page.locator('canvas.maplibregl-canvas').focus();
  await page.keyboard.press('Enter');
}
/** Searches a code and waits until the map has flown there and drawn. */
const flyTo = (code: string) => searchAndSettle(page, code);
/** Zooms out until every point is on the open map (right of the sidebar, left of the details panel). */
async function ensureVisible(points: readonly [number, number][]): Promise<void> {
  for (let i = 0; i < 4; i++) {
    const xy = await Promise.all(points.map(([x, y]) => at(x, y)));
    if (xy.every(([x, y]) => x > 320 && x < 1040 && y > 20 && y < 880)) return;
    const zoom = await page.evaluate(() => window.gridpatrol.map?.getZoom() ?? 0);
    await page.locator('.maplibregl-ctrl-zoom-out').click();
    // Until the zoom-out has ended (a step of one zoom level), then drawn.
    await page.waitForFunction((z) => {
      const map = window.gridpatrol.map;
      return !!map && !map.isMoving() && map.getZoom() <= z - 0.99;
    }, zoom);
    await waitIdle();
  }
  throw new Error('points do not fit on the map');
}
/** Codes of the grids MapLibre draws as picked (the blue fill of a merge or a beat being built). */
const pickedDrawn = async () => drawnCodes(await drawn(page, ['edit-picked-fill']));
/** Until the picked fill draws this many grids. */
const untilPicked = (n: number) =>
  page.waitForFunction(
    (k) =>
      new Set(
        window.gridpatrol.map?.queryRenderedFeatures({ layers: ['edit-picked-fill'] }).map((f) => f.properties.code),
      ).size === k,
    n,
  );
/** Opens the app fresh as this role with the editing panel open: what each case starts from. */
async function openEditing(role: 'grid_office' | 'planner', stationId?: number): Promise<void> {
  await session!.signInAs(role, stationId);
  await page.goto(`${base}/?role=${role}&lang=zh-CN`);
  await waitIdle();
  await page.locator('details[data-section="editing"] > summary').click();
}
const saves = () => page.evaluate(() => window.gridpatrol.editCount);
async function waitSave(before: number): Promise<string> {
  await page.waitForFunction((n) => window.gridpatrol.editCount > n, before);
  return page.evaluate(() => window.gridpatrol.editStatus);
}

/** A beat with a neighbour of its station and a grid of the neighbour on their boundary (the one added to the beat). */
const BEAT_AND_NEIGHBOUR = `SELECT b.code AS beat, ST_X(ST_PointOnSurface(b.geom)) AS bx, ST_Y(ST_PointOnSurface(b.geom)) AS by,
              g.code AS grid, ST_X(ST_PointOnSurface(g.geom)) AS gx, ST_Y(ST_PointOnSurface(g.geom)) AS gy, o.code AS other, g.population AS pop,
              b.station_id::int AS station,
              ST_XMin(b.geom) AS xmin, ST_YMin(b.geom) AS ymin, ST_XMax(b.geom) AS xmax, ST_YMax(b.geom) AS ymax
       FROM beat b JOIN beat o ON o.code <> b.code AND o.station_id = b.station_id AND ST_Length(ST_CollectionExtract(ST_Intersection(b.geom, o.geom), 2)::geography) > 100
       JOIN grid g ON ST_Within(ST_PointOnSurface(g.geom), o.geom) AND ST_Length(ST_CollectionExtract(ST_Intersection(g.geom, b.geom), 2)::geography) > 50
       ORDER BY b.code OFFSET 20 LIMIT 1`;
interface BeatAndNeighbour {
  beat: string;
  bx: number;
  by: number;
  grid: string;
  gx: number;
  gy: number;
  other: string;
  pop: number;
  station: number;
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}
/** Opens the beat in hand for editing: flown to, clicked, and named in the panel. */
async function takeBeat(c: BeatAndNeighbour): Promise<void> {
  await openEditing('planner', c.station);
  await flyTo(c.beat);
  await ensureVisible([
    [c.bx, c.by],
    [c.gx, c.gy],
  ]);
  await clickAt(c.bx, c.by);
  await page.waitForFunction((code) => window.gridpatrol.editTarget === code, c.beat);
}

describe.skipIf(!hasChromium)('grid and beat editing in Chromium', () => {
  // A grid in the middle of the district, away from the sidebar once flown to.
  let grid: {
    code: string;
    cx: number;
    cy: number;
    xmin: number;
    xmax: number;
    ymin: number;
    ymax: number;
    area: number;
    version: number;
  };

  it('when the grid office splits a grid with a drawn line, then two new grids replace it', async () => {
    grid =
      await one(`SELECT code, version, ST_X(ST_Centroid(geom)) AS cx, ST_Y(ST_Centroid(geom)) AS cy, ST_XMin(geom) AS xmin, ST_XMax(geom) AS xmax,
      ST_YMin(geom) AS ymin, ST_YMax(geom) AS ymax, ST_Area(geom::geography) AS area FROM grid WHERE kind = 'basic' ORDER BY code OFFSET 150 LIMIT 1`);
    await openEditing('grid_office');
    await flyTo(grid.code);
    await clickAt(grid.cx, grid.cy);
    await page.waitForFunction((c) => window.gridpatrol.editTarget === c, grid.code);
    await page.locator('button[data-testid="edit-split"]').click();
    const before = await saves();
    const dy = (grid.ymax - grid.ymin) * 0.15;
    await ensureVisible([
      [grid.cx, grid.ymin - dy],
      [grid.cx, grid.ymax + dy],
    ]);
    await clickAt(grid.cx, grid.ymin - dy);
    await clickAt(grid.cx + (grid.xmax - grid.xmin) * 0.05, grid.ymax + dy);
    await finishDrawing();
    expect(await waitSave(before), (await page.locator('[data-testid="edit-status"]').textContent()) ?? '').toBe('ok');
    const gone = await one<{ n: number }>('SELECT count(*)::int AS n FROM grid WHERE code = $1', [grid.code]);
    expect(gone.n).toBe(0);
    const pieces = await db.query<{ code: string; area: number }>(
      `SELECT code, ST_Area(geom::geography) AS area FROM grid
      WHERE code IN (SELECT code FROM area_version WHERE $1 = ANY(parent_codes) AND change = 'split') ORDER BY code`,
      [grid.code],
    );
    expect(pieces).toHaveLength(2);
    expect(Math.abs(pieces[0]!.area + pieces[1]!.area - grid.area) / grid.area).toBeLessThan(1e-5);
    // Drawn: the map's grid tiles now hold the two pieces in its place.
    await page.waitForFunction(
      (codes) => {
        const got = new Set(
          window.gridpatrol.map?.queryRenderedFeatures({ layers: ['grids-fill'] }).map((f) => f.properties.code),
        );
        return codes.every((c) => got.has(c));
      },
      pieces.map((p) => p.code),
    );
    await waitIdle();
    expect(drawnCodes(await drawn(page, ['grids-fill'])), 'the split grid is no longer drawn').not.toContain(grid.code);
    await page.screenshot({ path: path.join(ARTIFACTS, 'grid-office-split-zh-CN.png') });
  });

  it('when the two pieces are clicked and merged, then one grid with the first code holds the original shape', async () => {
    // Its own two pieces: a grid split through the API along a north–south line.
    const g = await one<{ code: string; version: number; cx: number; ymin: number; ymax: number }>(
      `SELECT code, version, ST_X(ST_Centroid(geom)) AS cx, ST_YMin(geom) AS ymin, ST_YMax(geom) AS ymax
       FROM grid WHERE kind = 'basic' ORDER BY code OFFSET 155 LIMIT 1`,
    );
    const dy = (g.ymax - g.ymin) * 0.15;
    const split = await fetch(`${base}/api/v1/grids/${g.code}/split`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: session!.cookie },
      body: JSON.stringify({
        version: g.version,
        line: {
          type: 'LineString',
          coordinates: [
            [g.cx, g.ymin - dy],
            [g.cx, g.ymax + dy],
          ],
        },
      }),
    });
    expect(split.status, await split.clone().text()).toBe(201);
    const grid = { code: g.code };
    await openEditing('grid_office');
    const pieces = await db.query<{ code: string; x: number; y: number; version: number }>(
      `SELECT code, version, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y
      FROM grid WHERE code IN (SELECT code FROM area_version WHERE $1 = ANY(parent_codes) AND change = 'split') ORDER BY code`,
      [grid.code],
    );
    expect(pieces).toHaveLength(2);
    await flyTo(pieces[0]!.code);
    await ensureVisible(pieces.map((p) => [p.x, p.y] as [number, number]));
    await page.locator('button[data-testid="edit-merge"]').click();
    for (const p of pieces) await clickAt(p.x, p.y);
    await untilPicked(2);
    await waitIdle();
    expect(await pickedDrawn(), 'the two pieces drawn as picked').toEqual(pieces.map((p) => p.code).sort());
    const before = await saves();
    await page.locator('button[data-testid="edit-save"]').click();
    expect(await waitSave(before)).toBe('ok');
    const merged = await one<{ code: string; d: number }>(
      `SELECT code, ST_Area(ST_SymDifference(geom, (SELECT geom FROM area_version WHERE code = $1 ORDER BY id LIMIT 1))::geography) AS d
      FROM grid WHERE code = ANY($2::text[])`,
      [grid.code, pieces.map((p) => p.code)],
    );
    expect(merged.code).toBe(pieces[0]!.code);
    // Noise of the split and the union (0.05–0.2 m² on a 6 ha grid), under the 1 m² sliver tolerance.
    expect(merged.d, 'merged shape vs the grid before the split (m²)').toBeLessThan(1);
  });

  it('when a grid is removed and a new one drawn over the gap, then it is saved snapped to its neighbours; drawing over taken ground is refused and shown', async () => {
    const n = await one<{
      id: number;
      code: string;
      version: number;
      area: number;
      xmin: number;
      xmax: number;
      ymin: number;
      ymax: number;
    }>(
      `SELECT id, code, version, ST_Area(geom::geography) AS area, ST_XMin(geom) AS xmin, ST_XMax(geom) AS xmax, ST_YMin(geom) AS ymin, ST_YMax(geom) AS ymax
       FROM grid WHERE kind = 'basic' ORDER BY code OFFSET 160 LIMIT 1`,
    );
    const del = await fetch(`${base}/api/v1/grids/${n.id}`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json', cookie: session!.cookie },
      body: JSON.stringify({ version: n.version }),
    });
    expect(del.status).toBe(204);
    await openEditing('grid_office');
    await flyTo(
      await one<{ code: string }>(
        'SELECT code FROM grid WHERE ST_Touches(geom, (SELECT geom FROM area_version WHERE code = $1 ORDER BY id DESC LIMIT 1)) LIMIT 1',
        [n.code],
      ).then((r) => r.code),
    );
    await page.locator('button[data-testid="edit-draw"]').click();
    const mx = (n.xmax - n.xmin) * 0.15,
      my = (n.ymax - n.ymin) * 0.15;
    const corners: [number, number][] = [
      [n.xmin - mx, n.ymin - my],
      [n.xmax + mx, n.ymin - my],
      [n.xmax + mx, n.ymax + my],
      [n.xmin - mx, n.ymax + my],
    ];
    await ensureVisible(corners);
    let before = await saves();
    for (const [x, y] of corners) await clickAt(x, y);
    await finishDrawing();
    expect(await waitSave(before), (await page.locator('[data-testid="edit-status"]').textContent()) ?? '').toBe('ok');
    const made = await one<{ code: string; d: number }>(
      `SELECT code, ST_Area(ST_SymDifference(geom, (SELECT geom FROM area_version WHERE code = $1 ORDER BY id DESC LIMIT 1))::geography) AS d
      FROM grid ORDER BY created_at DESC, id DESC LIMIT 1`,
      [n.code],
    );
    expect(made.d, 'the new grid fills the removed one exactly (m²)').toBeLessThan(0.5);
    await waitIdle();
    await page.screenshot({ path: path.join(ARTIFACTS, 'grid-office-drawn-zh-CN.png') });
    // Again over the same ground: now all taken.
    await page.locator('button[data-testid="edit-draw"]').click();
    before = await saves();
    for (const [x, y] of corners) await clickAt(x, y);
    await finishDrawing();
    expect(await waitSave(before)).toBe('refused');
    // Drawn: the refused overlap in red, inside the outline drawn (give or take 2e-4°, ~20 m: the outline is snapped
    // to the neighbours' boundaries before it is checked).
    await page.waitForFunction(
      () => (window.gridpatrol.map?.queryRenderedFeatures({ layers: ['edit-problems-fill'] }).length ?? 0) > 0,
    );
    await waitIdle();
    const problem = drawnBBox(await drawn(page, ['edit-problems-fill']));
    expect(problem[0]!, 'problem west edge in the outline').toBeGreaterThanOrEqual(corners[0]![0] - 2e-4);
    expect(problem[2]!, 'problem east edge in the outline').toBeLessThanOrEqual(corners[1]![0] + 2e-4);
    expect(problem[1]!, 'problem south edge in the outline').toBeGreaterThanOrEqual(corners[0]![1] - 2e-4);
    expect(problem[3]!, 'problem north edge in the outline').toBeLessThanOrEqual(corners[2]![1] + 2e-4);
    await page.screenshot({ path: path.join(ARTIFACTS, 'grid-office-refused-zh-CN.png') });
  });

  it('when the planner builds a beat by clicking a neighbouring grid, then the workload updates live and the beat and its neighbour are saved', async () => {
    // Two beats of one station: a planner edits only their own station's beats.
    const c = await one<BeatAndNeighbour>(BEAT_AND_NEIGHBOUR);
    await takeBeat(c);
    await page.locator('button[data-testid="edit-beat"]').click();
    // The whole beat on screen, so every grid of it can be drawn as picked.
    await ensureVisible([
      [c.xmin, c.ymin],
      [c.xmax, c.ymax],
      [c.gx, c.gy],
    ]);
    const ref = await db.query<{ code: string; pop: number }>(
      `SELECT g.code, g.population AS pop FROM grid g, beat b
      WHERE b.code = $1 AND ST_Within(ST_PointOnSurface(g.geom), b.geom) ORDER BY g.code`,
      [c.beat],
    );
    await untilPicked(ref.length);
    await waitIdle();
    expect(await pickedDrawn(), "the beat's grids drawn as picked").toEqual(ref.map((r) => r.code));
    const own = { n: ref.length, pop: ref.reduce((a, r) => a + r.pop, 0) };
    expect(await page.evaluate(() => window.gridpatrol.pickedPopulation), 'workload of the picked grids').toBe(own.pop);
    await clickAt(c.gx, c.gy);
    await untilPicked(own.n + 1);
    await waitIdle();
    expect(await pickedDrawn(), 'the clicked grid drawn as picked too').toEqual(
      [...ref.map((r) => r.code), c.grid].sort(),
    );
    expect(await page.evaluate(() => window.gridpatrol.pickedPopulation), 'live workload adds the clicked grid').toBe(
      own.pop + c.pop,
    );
    const before = await saves();
    await page.locator('button[data-testid="edit-save"]').click();
    expect(await waitSave(before), (await page.locator('[data-testid="edit-status"]').textContent()) ?? '').toBe('ok');
    const holds = await one<{ b: boolean; o: boolean }>(
      `SELECT ST_Within(ST_PointOnSurface(g.geom), b.geom) AS b, ST_Intersects(ST_PointOnSurface(g.geom), o.geom) AS o
      FROM grid g, beat b, beat o WHERE g.code = $1 AND b.code = $2 AND o.code = $3`,
      [c.grid, c.beat, c.other],
    );
    expect(holds).toEqual({ b: true, o: false });
    // Its history: the demo city's version and this save; a row drawn on the map as the old boundary.
    await page.locator('button[data-testid="edit-history"]').click();
    await page.waitForSelector('[data-testid="edit-history-table"] tr');
    const rows = await page.locator('[data-testid="edit-history-table"] tr').count();
    const [stored] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM area_version WHERE entity = 'beat' AND code = $1`,
      [c.beat],
    );
    expect(rows, 'one row per stored version').toBe(stored!.n);
    await page.locator('[data-testid="edit-history-table"] tr').first().click();
    // Drawn: a dashed old boundary along one of the beat's stored versions.
    await page.waitForFunction(
      () => (window.gridpatrol.map?.queryRenderedFeatures({ layers: ['edit-history-line'] }).length ?? 0) > 0,
    );
    await waitIdle();
    const old = drawnBBox(await drawn(page, ['edit-history-line']));
    const versions = await db.query<{ b: number[] }>(
      `SELECT ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)] AS b FROM area_version
       WHERE entity = 'beat' AND code = $1`,
      [c.beat],
    );
    expect(
      versions.some((v) => v.b.every((x, k) => Math.abs(x - (old[k] as number)) < 1e-4)),
      `drawn old boundary ${old} is a stored version's`,
    ).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'planner-beat-built-zh-CN.png') });
  });

  it('when the planner draws a rough outline for a beat, then exactly the grids more than half inside it are picked and saved as the beat', async () => {
    // A beat of its own in hand.
    const c = await one<BeatAndNeighbour>(BEAT_AND_NEIGHBOUR);
    await takeBeat(c);
    const target = c.beat;
    const b = await one<{ code: string; xmin: number; xmax: number; ymin: number; ymax: number }>(
      `SELECT code, ST_XMin(geom) AS xmin, ST_XMax(geom) AS xmax, ST_YMin(geom) AS ymin, ST_YMax(geom) AS ymax FROM beat WHERE code = $1`,
      [target],
    );
    await page.locator('button[data-testid="edit-beat"]').click();
    await page.waitForFunction(() => window.gridpatrol.pickedGrids > 0);
    await page.locator('button[data-testid="edit-lasso"]').click();
    // A quadrilateral inside the beat's box, a little skewed so it cuts grids at odd places.
    const dx = b.xmax - b.xmin,
      dy = b.ymax - b.ymin;
    const corners: [number, number][] = [
      [b.xmin + 0.1 * dx, b.ymin + 0.15 * dy],
      [b.xmax - 0.2 * dx, b.ymin + 0.1 * dy],
      [b.xmax - 0.1 * dx, b.ymax - 0.2 * dy],
      [b.xmin + 0.2 * dx, b.ymax - 0.1 * dy],
    ];
    await ensureVisible(corners);
    const picks = await page.evaluate(() => window.gridpatrol.lassoPicks);
    for (const [x, y] of corners) await clickAt(x, y);
    await finishDrawing();
    await page.waitForFunction((n) => window.gridpatrol.lassoPicks > n, picks);
    const outline = await page.evaluate(() => window.gridpatrol.lassoOutline);
    const ref = await one<{ n: number; pop: number; codes: string[] }>(
      `WITH o AS (SELECT ST_SetSRID(ST_MakePolygon(ST_MakeLine(array_agg(ST_MakePoint((p->>0)::float8, (p->>1)::float8) ORDER BY i))), 4326) AS g
                  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(p, i))
       SELECT count(*)::int AS n, sum(g.population)::int AS pop, array_agg(g.code ORDER BY g.code) AS codes FROM grid g, o
       WHERE ST_Area(ST_Intersection(g.geom, o.g)::geography) > 0.5 * ST_Area(g.geom::geography)`,
      [JSON.stringify(outline)],
    );
    expect(ref.n, 'the outline holds grids').toBeGreaterThan(0);
    await untilPicked(ref.n);
    await waitIdle();
    expect(await pickedDrawn(), 'drawn as picked = PostGIS majority-inside grids').toEqual(ref.codes);
    expect(await page.evaluate(() => window.gridpatrol.pickedPopulation), 'their workload').toBe(ref.pop);
    const before = await saves();
    await page.locator('button[data-testid="edit-save"]').click();
    expect(await waitSave(before), (await page.locator('[data-testid="edit-status"]').textContent()) ?? '').toBe('ok');
    const held = await db.query<{ code: string }>(
      `SELECT g.code FROM grid g, beat b WHERE b.code = $1 AND ST_Within(ST_PointOnSurface(g.geom), b.geom) ORDER BY g.code`,
      [b.code],
    );
    expect(
      held.map((r) => r.code),
      'the saved beat is exactly the picked grids',
    ).toEqual(ref.codes);
    await waitIdle();
    await page.screenshot({ path: path.join(ARTIFACTS, 'planner-beat-drawn-zh-CN.png') });
  });

  it('when the session is over, then no console error was logged and no request left this server', () => {
    expect(foreignRequests).toEqual([]);
    expect(consoleErrors.filter((e) => !/status of 422|status of 409/.test(e))).toEqual([]);
  });
});
