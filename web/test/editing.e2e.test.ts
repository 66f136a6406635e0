import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  hasChromium,
  afterMove,
  drawnAt,
  drawnCodes,
  useBrowserSession,
  waitIdle as idle,
} from './browser-session.js';

/** Grid and beat editing in Chromium: draw, split, merge, build a beat — each checked in the database and on the map. */
const session = useBrowserSession({ incidents: 5000 });

const one = async <R>(sql: string, params: unknown[] = []): Promise<R> =>
  (await session.db.query<R>(sql, params))[0] as R;
const waitIdle = () => idle(session.page);
const at = (lon: number, lat: number) =>
  session.page.evaluate(([x, y]) => window.gridpatrol.project(x, y), [lon, lat] as [number, number]);
/** A click on the map at a lon/lat; the caller waits on what the click changes. */
async function clickAt(lon: number, lat: number): Promise<void> {
  const [x, y] = await at(lon, lat);
  await session.page.mouse.click(x, y);
}
/** Adds a vertex to the shape being drawn: a click, then until terra-draw's store holds one vertex more. */
async function vertexAt(lon: number, lat: number): Promise<void> {
  const before = await session.page.evaluate(() => window.gridpatrol.drawnVertices());
  await clickAt(lon, lat);
  await session.page.waitForFunction((n) => window.gridpatrol.drawnVertices() === n + 1, before, { timeout: 30_000 });
}
/** Ends a drawing with Enter, as a user does: terra-draw hears keys on the map, so the map canvas has the focus. */
async function finishDrawing(): Promise<void> {
  await session.page.locator('canvas.maplibregl-canvas').focus();
  await session.page.keyboard.press('Enter');
}
/** Searches a code and waits until the map has fitted it and is idle; the code's point must then be on the open map. */
async function flyTo(code: string): Promise<void> {
  await session.page.locator('input[data-testid="search"]').fill(code);
  const probe = await one<{ x: number; y: number }>(
    `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_PointOnSurface(geom) AS p FROM grid WHERE code = $1 UNION ALL SELECT ST_PointOnSurface(geom) FROM beat WHERE code = $1) q LIMIT 1`,
    [code],
  );
  // Enter asks the search, then fits the map to the hit: the fit's move, then MapLibre's idle after it.
  await afterMove(session.page, () => session.page.locator('input[data-testid="search"]').press('Enter'));
  const [x, y] = await at(probe.x, probe.y);
  if (!(x > 300 && x < 1100 && y > 0 && y < 900)) throw new Error(`${code} is not on the open map after the fit`);
}
/** Zooms out until every point is on the open map (right of the sidebar, left of the details panel, above the time bar). */
async function ensureVisible(points: readonly [number, number][]): Promise<void> {
  // The time bar lies over the bottom of the map: a click there lands on the bar, as it would for a user.
  const bar = await session.page.locator('#time-bar').boundingBox();
  const bottom = Math.min(880, (bar?.y ?? 1000) - 10);
  for (let i = 0; i < 4; i++) {
    const xy = await Promise.all(points.map(([x, y]) => at(x, y)));
    if (xy.every(([x, y]) => x > 320 && x < 1040 && y > 20 && y < bottom)) return;
    await afterMove(session.page, () => session.page.locator('.maplibregl-ctrl-zoom-out').click());
  }
  throw new Error('points do not fit on the map');
}
const saves = () => session.page.evaluate(() => window.gridpatrol.editCount);
async function waitSave(before: number): Promise<string> {
  await session.page.waitForFunction((n) => window.gridpatrol.editCount > n, before, { timeout: 60_000 });
  return session.page.evaluate(() => window.gridpatrol.editStatus);
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
    await session.signInAs('grid_office');
    await session.page.goto(`${session.base}/?role=grid_office&lang=zh-CN`);
    await waitIdle();
    await session.page.locator('details[data-section="editing"] > summary').click();
    // Off until a grid is picked, and the tooltip says so; the shortcut of an off button does nothing.
    const split = session.page.locator('button[data-testid="edit-split"]');
    expect(await split.isDisabled()).toBe(true);
    expect(await split.getAttribute('title')).toBe('切分 (S) — 请先在地图上点选一个网格');
    expect(await session.page.locator('button[data-testid="edit-beat"]').getAttribute('title')).toContain(
      '仅警务规划人员可编辑警格',
    );
    await flyTo(grid.code);
    expect(await drawnCodes(session.page, 'grids-fill'), 'the grid to split is drawn').toContain(grid.code);
    await clickAt(grid.cx, grid.cy);
    await session.page.waitForFunction((c) => window.gridpatrol.editTarget === c, grid.code, { timeout: 30_000 });
    expect(await split.getAttribute('title')).toBe('切分 (S)');
    // The split starts from the keyboard: S, as the tooltip says.
    await session.page.keyboard.press('s');
    await session.page.locator('button[data-testid="edit-cancel"]').waitFor({ timeout: 30_000 });
    expect(await session.page.locator('button[data-testid="edit-split"]').getAttribute('title')).toContain(
      '请先完成或取消当前编辑',
    );
    const before = await saves();
    const dy = (grid.ymax - grid.ymin) * 0.15;
    await ensureVisible([
      [grid.cx, grid.ymin - dy],
      [grid.cx, grid.ymax + dy],
    ]);
    await vertexAt(grid.cx, grid.ymin - dy);
    await vertexAt(grid.cx + (grid.xmax - grid.xmin) * 0.05, grid.ymax + dy);
    await finishDrawing();
    expect(
      await waitSave(before),
      (await session.page.locator('[data-testid="edit-status"]').textContent()) ?? '',
    ).toBe('ok');
    const gone = await one<{ n: number }>('SELECT count(*)::int AS n FROM grid WHERE code = $1', [grid.code]);
    expect(gone.n).toBe(0);
    const pieces = await session.db.query<{ code: string; area: number }>(
      `SELECT code, ST_Area(geom::geography) AS area FROM grid
      WHERE code IN (SELECT code FROM area_version WHERE $1 = ANY(parent_codes) AND change = 'split') ORDER BY code`,
      [grid.code],
    );
    expect(pieces).toHaveLength(2);
    expect(Math.abs(pieces[0]!.area + pieces[1]!.area - grid.area) / grid.area).toBeLessThan(1e-5);
    // On the map: the reloaded tiles draw both pieces and nothing of the split grid.
    await waitIdle();
    const drawn = await drawnCodes(session.page, 'grids-fill');
    expect(drawn, 'the split grid is no longer drawn').not.toContain(grid.code);
    expect(drawn, 'both pieces are drawn').toEqual(expect.arrayContaining(pieces.map((p) => p.code)));
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'grid-office-split-zh-CN.png') });
  });

  it('when the two pieces are clicked and merged, then one grid with the first code holds the original shape', async () => {
    const pieces = await session.db.query<{ code: string; x: number; y: number; version: number }>(
      `SELECT code, version, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y
      FROM grid WHERE code IN (SELECT code FROM area_version WHERE $1 = ANY(parent_codes) AND change = 'split') ORDER BY code`,
      [grid.code],
    );
    await ensureVisible(pieces.map((p) => [p.x, p.y] as [number, number]));
    await session.page.locator('button[data-testid="edit-merge"]').click();
    // Each click fetches the clicked grid's stored shape before it is picked: wait for that pick before the next.
    for (const [i, p] of pieces.entries()) {
      await clickAt(p.x, p.y);
      await session.page.waitForFunction((n) => window.gridpatrol.pickedGrids === n, i + 1, { timeout: 30_000 });
    }
    await waitIdle();
    expect(await drawnCodes(session.page, 'edit-picked-fill'), 'both pieces drawn as picked').toEqual(
      pieces.map((p) => p.code).sort(),
    );
    const before = await saves();
    await session.page.locator('button[data-testid="edit-save"]').click();
    expect(await waitSave(before)).toBe('ok');
    const merged = await one<{ code: string; d: number }>(
      `SELECT code, ST_Area(ST_SymDifference(geom, (SELECT geom FROM area_version WHERE code = $1 ORDER BY id LIMIT 1))::geography) AS d
      FROM grid WHERE code = ANY($2::text[])`,
      [grid.code, pieces.map((p) => p.code)],
    );
    expect(merged.code).toBe(pieces[0]!.code);
    // Noise of the split and the union (0.05–0.2 m² on a 6 ha grid), under the 1 m² sliver tolerance.
    expect(merged.d, 'merged shape vs the grid before the split (m²)').toBeLessThan(1);
    await waitIdle();
    const drawn = await drawnCodes(session.page, 'grids-fill');
    expect(drawn, 'the merged grid is drawn').toContain(merged.code);
    expect(drawn, 'the retired piece is no longer drawn').not.toContain(pieces[1]!.code);
    expect(await drawnCodes(session.page, 'edit-picked-fill'), 'no pick left drawn after the save').toEqual([]);
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
    const del = await fetch(`${session.base}/api/v1/grids/${n.id}`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json', cookie: session.cookie },
      body: JSON.stringify({ version: n.version }),
    });
    expect(del.status).toBe(204);
    await flyTo(
      await one<{ code: string }>(
        'SELECT code FROM grid WHERE ST_Touches(geom, (SELECT geom FROM area_version WHERE code = $1 ORDER BY id DESC LIMIT 1)) LIMIT 1',
        [n.code],
      ).then((r) => r.code),
    );
    await session.page.locator('button[data-testid="edit-draw"]').click();
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
    for (const [x, y] of corners) await vertexAt(x, y);
    await finishDrawing();
    expect(
      await waitSave(before),
      (await session.page.locator('[data-testid="edit-status"]').textContent()) ?? '',
    ).toBe('ok');
    const made = await one<{ code: string; d: number }>(
      `SELECT code, ST_Area(ST_SymDifference(geom, (SELECT geom FROM area_version WHERE code = $1 ORDER BY id DESC LIMIT 1))::geography) AS d
      FROM grid ORDER BY created_at DESC, id DESC LIMIT 1`,
      [n.code],
    );
    expect(made.d, 'the new grid fills the removed one exactly (m²)').toBeLessThan(0.5);
    await waitIdle();
    expect(await drawnCodes(session.page, 'grids-fill'), 'the new grid is drawn').toContain(made.code);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'grid-office-drawn-zh-CN.png') });
    // Again over the same ground: now all taken.
    await session.page.locator('button[data-testid="edit-draw"]').click();
    before = await saves();
    for (const [x, y] of corners) await vertexAt(x, y);
    await finishDrawing();
    expect(await waitSave(before)).toBe('refused');
    expect(await session.page.evaluate(() => window.gridpatrol.editProblems)).toBeGreaterThan(0);
    // The overlap is drawn, over the removed grid's ground and inside the refused outline (with a snap's reach).
    await waitIdle();
    const shown = await session.page.evaluate(() => window.gridpatrol.renderedBBox('edit-problems-fill'));
    expect(shown, 'the overlap drawn (its bbox)').toHaveLength(4);
    const [w, s, e, nn] = shown as [number, number, number, number];
    const [cx, cy] = [(n.xmin + n.xmax) / 2, (n.ymin + n.ymax) / 2];
    expect(w < cx && cx < e && s < cy && cy < nn, `overlap ${shown.join(',')} covers the grid's middle`).toBe(true);
    expect(
      w > n.xmin - 2 * mx && e < n.xmax + 2 * mx && s > n.ymin - 2 * my && nn < n.ymax + 2 * my,
      `overlap ${shown.join(',')} lies within the refused outline`,
    ).toBe(true);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'grid-office-refused-zh-CN.png') });
  });

  it('when the planner builds a beat by clicking a neighbouring grid, then the workload updates live and the beat and its neighbour are saved', async () => {
    // Two beats of one station: a planner edits only their own station's beats.
    const c = await one<{
      beat: string;
      bx: number;
      by: number;
      grid: string;
      gx: number;
      gy: number;
      other: string;
      pop: number;
      station: number;
    }>(
      `SELECT b.code AS beat, ST_X(ST_PointOnSurface(b.geom)) AS bx, ST_Y(ST_PointOnSurface(b.geom)) AS by,
              g.code AS grid, ST_X(ST_PointOnSurface(g.geom)) AS gx, ST_Y(ST_PointOnSurface(g.geom)) AS gy, o.code AS other, g.population AS pop,
              b.station_id::int AS station
       FROM beat b JOIN beat o ON o.code <> b.code AND o.station_id = b.station_id AND ST_Length(ST_CollectionExtract(ST_Intersection(b.geom, o.geom), 2)::geography) > 100
       JOIN grid g ON ST_Within(ST_PointOnSurface(g.geom), o.geom) AND ST_Length(ST_CollectionExtract(ST_Intersection(g.geom, b.geom), 2)::geography) > 50
       ORDER BY b.code OFFSET 20 LIMIT 1`,
    );
    await session.signInAs('planner', c.station);
    await session.page.goto(`${session.base}/?role=planner&lang=zh-CN`);
    await waitIdle();
    await session.page.locator('details[data-section="editing"] > summary').click();
    await flyTo(c.beat);
    await ensureVisible([
      [c.bx, c.by],
      [c.gx, c.gy],
    ]);
    await clickAt(c.bx, c.by);
    await session.page.waitForFunction((code) => window.gridpatrol.editTarget === code, c.beat, { timeout: 30_000 });
    await session.page.locator('button[data-testid="edit-beat"]').click();
    await session.page.waitForFunction(() => window.gridpatrol.pickedGrids > 0, undefined, { timeout: 30_000 });
    const own = await session.page.evaluate(() => ({
      n: window.gridpatrol.pickedGrids,
      pop: window.gridpatrol.pickedPopulation,
    }));
    const [ref] = await session.db.query<{ n: number; pop: number; codes: string[] }>(
      `SELECT count(*)::int AS n, sum(g.population)::int AS pop, array_agg(g.code) AS codes FROM grid g, beat b
      WHERE b.code = $1 AND ST_Within(ST_PointOnSurface(g.geom), b.geom)`,
      [c.beat],
    );
    expect(own).toEqual({ n: ref!.n, pop: ref!.pop });
    await waitIdle();
    expect(await drawnCodes(session.page, 'edit-picked-fill'), "the beat's grids drawn as picked").toEqual(
      [...ref!.codes].sort(),
    );
    expect(await drawnAt(session.page, 'beats-fill', c.gx, c.gy), 'the grid is drawn in the other beat before').toEqual(
      [c.other],
    );
    await clickAt(c.gx, c.gy);
    await session.page.waitForFunction((n) => window.gridpatrol.pickedGrids === n + 1, own.n, { timeout: 30_000 });
    await waitIdle();
    expect(await drawnCodes(session.page, 'edit-picked-fill'), 'the clicked grid drawn as picked too').toEqual(
      [...ref!.codes, c.grid].sort(),
    );
    const pop = await session.page.evaluate((p) => p.toLocaleString(), own.pop + c.pop);
    expect(await session.page.locator('[data-testid="edit-workload"]').textContent(), 'workload shown').toContain(pop);
    expect(
      await session.page.evaluate(() => window.gridpatrol.pickedPopulation),
      'live workload adds the clicked grid',
    ).toBe(own.pop + c.pop);
    const before = await saves();
    await session.page.locator('button[data-testid="edit-save"]').click();
    expect(
      await waitSave(before),
      (await session.page.locator('[data-testid="edit-status"]').textContent()) ?? '',
    ).toBe('ok');
    const holds = await one<{ b: boolean; o: boolean }>(
      `SELECT ST_Within(ST_PointOnSurface(g.geom), b.geom) AS b, ST_Intersects(ST_PointOnSurface(g.geom), o.geom) AS o
      FROM grid g, beat b, beat o WHERE g.code = $1 AND b.code = $2 AND o.code = $3`,
      [c.grid, c.beat, c.other],
    );
    expect(holds).toEqual({ b: true, o: false });
    await waitIdle();
    expect(await drawnAt(session.page, 'beats-fill', c.gx, c.gy), 'the grid is drawn in the built beat').toEqual([
      c.beat,
    ]);
    // Its history: the demo city's version and this save; a row drawn on the map as the old boundary.
    await session.page.locator('button[data-testid="edit-history"]').click();
    await session.page.waitForSelector('[data-testid="edit-history-table"] tr');
    const rows = await session.page.locator('[data-testid="edit-history-table"] tr').count();
    const [stored] = await session.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM area_version WHERE entity = 'beat' AND code = $1`,
      [c.beat],
    );
    expect(rows, 'one row per stored version').toBe(stored!.n);
    await session.page.locator('[data-testid="edit-history-table"] tr').first().click();
    await session.page.waitForFunction(() => window.gridpatrol.historyShown === 1, undefined, { timeout: 10_000 });
    await waitIdle();
    // The first row is the first stored version: its boundary is the one drawn dashed.
    const old = await one<{ b: number[] }>(
      `SELECT ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)] AS b FROM area_version
      WHERE entity = 'beat' AND code = $1 ORDER BY id LIMIT 1`,
      [c.beat],
    );
    const shown = await session.page.evaluate(() => window.gridpatrol.renderedBBox('edit-history-line'));
    expect(shown, 'the old boundary drawn (its bbox)').toHaveLength(4);
    for (let i = 0; i < 4; i++)
      expect(Math.abs((shown[i] ?? 0) - (old.b[i] ?? 0)), `old boundary bbox[${i}]`).toBeLessThan(2e-5);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'planner-beat-built-zh-CN.png') });
  });

  it('when the planner draws a rough outline for a beat, then exactly the grids more than half inside it are picked and saved as the beat', async () => {
    // The beat still in hand from the test before.
    const target = await session.page.evaluate(() => window.gridpatrol.editTarget);
    const b = await one<{ code: string; xmin: number; xmax: number; ymin: number; ymax: number }>(
      `SELECT code, ST_XMin(geom) AS xmin, ST_XMax(geom) AS xmax, ST_YMin(geom) AS ymin, ST_YMax(geom) AS ymax FROM beat WHERE code = $1`,
      [target],
    );
    await session.page.locator('button[data-testid="edit-beat"]').click();
    await session.page.waitForFunction(() => window.gridpatrol.pickedGrids > 0, undefined, { timeout: 30_000 });
    await session.page.locator('button[data-testid="edit-lasso"]').click();
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
    const picks = await session.page.evaluate(() => window.gridpatrol.lassoPicks);
    for (const [x, y] of corners) await vertexAt(x, y);
    await finishDrawing();
    await session.page.waitForFunction((n) => window.gridpatrol.lassoPicks > n, picks, { timeout: 30_000 });
    const outline = await session.page.evaluate(() => window.gridpatrol.lassoOutline);
    const ref = await one<{ n: number; pop: number; codes: string[] }>(
      `WITH o AS (SELECT ST_SetSRID(ST_MakePolygon(ST_MakeLine(array_agg(ST_MakePoint((p->>0)::float8, (p->>1)::float8) ORDER BY i))), 4326) AS g
                  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(p, i))
       SELECT count(*)::int AS n, sum(g.population)::int AS pop, array_agg(g.code ORDER BY g.code) AS codes FROM grid g, o
       WHERE ST_Area(ST_Intersection(g.geom, o.g)::geography) > 0.5 * ST_Area(g.geom::geography)`,
      [JSON.stringify(outline)],
    );
    expect(ref.n, 'the outline holds grids').toBeGreaterThan(0);
    expect(
      await session.page.evaluate(() => ({
        n: window.gridpatrol.pickedGrids,
        pop: window.gridpatrol.pickedPopulation,
      })),
      'picked = PostGIS majority-inside grids',
    ).toEqual({ n: ref.n, pop: ref.pop });
    await waitIdle();
    expect(await drawnCodes(session.page, 'edit-picked-fill'), 'the picked grids drawn').toEqual([...ref.codes].sort());
    const before = await saves();
    await session.page.locator('button[data-testid="edit-save"]').click();
    expect(
      await waitSave(before),
      (await session.page.locator('[data-testid="edit-status"]').textContent()) ?? '',
    ).toBe('ok');
    const held = await session.db.query<{ code: string; x: number; y: number }>(
      `SELECT g.code, ST_X(ST_PointOnSurface(g.geom)) AS x, ST_Y(ST_PointOnSurface(g.geom)) AS y
      FROM grid g, beat b WHERE b.code = $1 AND ST_Within(ST_PointOnSurface(g.geom), b.geom) ORDER BY g.code`,
      [b.code],
    );
    expect(
      held.map((r) => r.code),
      'the saved beat is exactly the picked grids',
    ).toEqual(ref.codes);
    // On the map: the reloaded beat tiles draw the beat over each of its grids, and the picks are gone.
    await waitIdle();
    for (const g of held)
      expect(await drawnAt(session.page, 'beats-fill', g.x, g.y), `beat drawn over grid ${g.code}`).toEqual([b.code]);
    expect(await drawnCodes(session.page, 'edit-picked-fill'), 'no pick left drawn after the save').toEqual([]);
    await session.page.screenshot({ path: path.join(ARTIFACTS, 'planner-beat-drawn-zh-CN.png') });
  });

  it('when the session is over, then no console error was logged and no request left this server', () => {
    expect(session.foreignRequests).toEqual([]);
    expect(session.consoleErrors.filter((e) => !/status of 422|status of 409/.test(e))).toEqual([]);
  });
});
