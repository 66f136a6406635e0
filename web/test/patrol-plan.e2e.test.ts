import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, useBrowserSession, waitIdle as idle } from './browser-session.js';

/**
 * The patrol plan a planner reads in Chromium: its timetable against the API's answer and against the stops MapLibre
 * draws, the link both ways (row → map, map → row), the GPX of the plan on the map (no new planning), the 1-3-5 tier
 * report and the school-gate (护学岗) question.
 */
const session = useBrowserSession({ incidents: 3000, hookTimeoutMs: 600_000 });

const waitIdle = () => idle(session.page);
const hooks = <T>(fn: () => T) => session.page.evaluate(fn);
const UNTIL = { timeout: 120_000 };

interface Stop {
  id: string;
  kind: string;
  name: string | null;
  lon: number;
  lat: number;
  arrival: string;
}
interface Unit {
  unit: number;
  stops: Stop[];
  gates: { name: string; arrival: string | null }[];
  hotPlaces: { id: string; dosed: boolean }[];
}
let units: Unit[] = [];
let jobId = '';

describe.skipIf(!hasChromium)('the patrol plan in Chromium', () => {
  it('when a planner plans a morning shift with dosage and school gates, then the list holds every stop of the answer in order, with local times, and the map draws each', async () => {
    await session.page.goto(`${session.base}/?role=planner&lang=zh-CN`);
    await waitIdle();
    await session.page.locator('details[data-section="reach"] > summary').click();
    expect(await session.page.locator('[data-testid="patrol-zone"]').textContent()).toContain('Asia/Shanghai');
    await session.page.locator('input[data-testid="patrol-dosage"]').check();
    await session.page.locator('input[data-testid="patrol-gates"]').check();
    await session.page.mouse.click(840, 450);
    await session.page.locator('button[data-testid="patrol-run"]:not([disabled])').waitFor(UNTIL);
    await session.page.locator('select[data-testid="patrol-shift-start"]').selectOption('7');
    await session.page.locator('select[data-testid="patrol-shift-hours"]').selectOption('4');
    await session.page.locator('select[data-testid="patrol-units"]').selectOption('1');
    const answered = session.page.waitForResponse(
      (r) => r.url().includes('/routing/patrol') && r.request().method() === 'POST',
    );
    await session.page.locator('button[data-testid="patrol-run"]').click();
    const res = await answered;
    expect(res.request().postDataJSON()).toMatchObject({
      startHour: 7,
      hours: 4,
      dosage: { places: 3 },
      schoolGates: { record: true },
    });
    // At once: the plan and its job in Content-Location; past a few seconds: 202 with the job (its Location).
    const h = res.headers();
    jobId = (h['content-location'] ?? h.location ?? '').replace(/^.*\/jobs\//, '');
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    await session.page.waitForFunction(() => window.gridpatrol.patrolStops > 0, undefined, UNTIL);
    units = (
      (await (await session.page.request.get(`${session.base}/api/v1/jobs/${jobId}/result`)).json()) as {
        units: Unit[];
      }
    ).units;
    const stops = units.flatMap((u) => u.stops);
    expect(stops.length).toBeGreaterThan(0);
    await session.page.waitForFunction((n) => window.gridpatrol.patrolStops === n, stops.length, UNTIL);
    await waitIdle();

    // The list: one row per stop, in the answer's order, each with its arrival and kind.
    const rows = session.page.locator('[data-testid="patrol-stop-list"] tr[data-stop]');
    expect(await rows.count()).toBe(stops.length);
    expect(await session.page.locator('[data-testid="stop-arrival"]').allTextContents()).toEqual(
      stops.map((s) => s.arrival),
    );
    const kinds = await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.kind));
    const dosedIds = new Set(units.flatMap((u) => u.hotPlaces.map((p) => p.id)));
    expect(kinds).toEqual(
      stops.map((s) => (s.kind === 'prize' ? (dosedIds.has(s.id.split('#')[0] ?? '') ? 'hot' : 'prize') : s.kind)),
    );
    expect(await session.page.locator('[data-testid="patrol-stop-list"]').textContent()).toContain('Asia/Shanghai');
    // The map: every listed stop is a circle drawn on screen (the plan is fitted into view).
    const drawn = await hooks(() => window.gridpatrol.patrolDrawnKeys('patrol-stop-points'));
    expect(new Set(drawn)).toEqual(new Set(units.flatMap((u) => u.stops.map((_, i) => `${u.unit}:${i}`))));
    const gatesPlanned = units.flatMap((u) => u.gates);
    expect(await session.page.locator('[data-testid="gate-missed"]').count()).toBe(
      gatesPlanned.filter((g) => g.arrival === null).length,
    );
    await session.page.locator('[data-testid="patrol-stop-list"]').screenshot({
      path: path.join(ARTIFACTS, 'patrol-stop-list-zh-CN.png'),
    });
  });

  it('when a stop is hovered on the map, then its row is marked; when a row is clicked, then the map flies to its stop and rings it', async () => {
    const stops = units.flatMap((u) => u.stops.map((s, i) => ({ ...s, key: `${u.unit}:${i}` })));
    // A stop alone at its spot (dosage visits share theirs), to hover.
    const lone = stops.find((s) => stops.filter((o) => o.lon === s.lon && o.lat === s.lat).length === 1) ?? stops[0]!;
    const [x, y] = await session.page.evaluate(
      ([lon, lat]) => window.gridpatrol.project(lon ?? 0, lat ?? 0),
      [lone.lon, lone.lat],
    );
    await session.page.mouse.move(x, y);
    await session.page.waitForFunction((k) => window.gridpatrol.patrolSelectedStop === k, lone.key, UNTIL);
    expect(await session.page.locator(`tr[data-stop="${lone.key}"]`).getAttribute('class')).toContain('selected');

    const target = stops[stops.length - 1]!;
    await session.page.locator(`tr[data-stop="${target.key}"]`).click();
    await session.page.waitForFunction((k) => window.gridpatrol.patrolFlownTo === k, target.key, UNTIL);
    await waitIdle();
    const ringed = await hooks(() => window.gridpatrol.patrolDrawnKeys('patrol-stop-selected'));
    expect(ringed).toEqual([target.key]);
    // The ring is where the stop is: its screen position is the map's centre.
    const [cx, cy] = await session.page.evaluate(
      ([lon, lat]) => window.gridpatrol.project(lon ?? 0, lat ?? 0),
      [target.lon, target.lat],
    );
    const box = await session.page.locator('#map').boundingBox();
    expect(Math.abs(cx - (box!.x + box!.width / 2))).toBeLessThan(2);
    expect(Math.abs(cy - (box!.y + box!.height / 2))).toBeLessThan(2);
    expect(await session.page.locator(`tr[data-stop="${target.key}"]`).getAttribute('class')).toContain('selected');
  });

  it('when the GPX is downloaded, then it is the plan on the map, asked of its job, and nothing is planned again', async () => {
    const [before] = await session.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM job WHERE kind = 'patrol'`);
    const posts: string[] = [];
    const count = (r: { url(): string; method(): string }) => {
      if (r.url().includes('/routing/patrol') && r.method() === 'POST') posts.push(r.url());
    };
    session.page.on('request', count);
    const asked = session.page.waitForRequest((r) => r.url().includes('/gpx'));
    await session.page.locator('button[data-testid="patrol-gpx"]').click();
    expect(new URL((await asked).url()).pathname).toBe(`/api/v1/routing/patrol/${jobId}/gpx`);
    await session.page.waitForFunction(() => window.gridpatrol.lastGpx.length > 0, undefined, UNTIL);
    session.page.off('request', count);
    const xml = await hooks(() => window.gridpatrol.lastGpx);
    const names = [...xml.matchAll(/<name>U(\d+) (\d\d:\d\d) ([^<]+)<\/name>/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    expect(names).toEqual(units.flatMap((u) => u.stops.map((s) => `${u.unit} ${s.arrival} ${s.id}`)));
    const [after] = await session.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM job WHERE kind = 'patrol'`);
    expect(after!.n, 'no patrol job for the GPX').toBe(before!.n);
    expect(posts).toEqual([]);
  });

  it('when the reach map is drawn, then the tier panel shows each tier’s compliance and the places that miss, as the API counts them', async () => {
    await session.page.locator('button[data-testid="reach-run"]').click();
    await session.page.locator('[data-testid="tier-panel"]').waitFor(UNTIL);
    const summary = (await (
      await session.page.request.get(`${session.base}/api/v1/routing/reach?profile=car`)
    ).json()) as {
      tiers: { tierMinutes: number; places: number; met: number; misses: { id: number }[] }[];
    };
    const rows = await session.page
      .locator('[data-testid="tier-table"] tr[data-tier]')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    expect(rows.map((r) => [r[1], r[2]])).toEqual(summary.tiers.map((t) => [String(t.places), String(t.met)]));
    const misses = await session.page
      .locator('[data-testid="tier-misses"] tr[data-place]')
      .evaluateAll((trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.place)));
    expect(misses).toEqual(summary.tiers.flatMap((t) => t.misses.map((m) => m.id)));
    await waitIdle();
    await session.page
      .locator('[data-testid="tier-panel"]')
      .screenshot({ path: path.join(ARTIFACTS, 'reach-tiers-zh-CN.png') });
  });

  it('when the planner asks which schools have no 护学岗 at 07:30, then the list is the API’s, the gates the plan keeps count as covered', async () => {
    await session.page.locator('input[data-testid="school-gates-at"]').fill('07:30');
    await session.page.locator('button[data-testid="school-gates-run"]').click();
    await session.page.waitForFunction(() => window.gridpatrol.schoolGatesUncovered >= 0, undefined, UNTIL);
    const answer = (await (
      await session.page.request.get(`${session.base}/api/v1/routing/school-gates?at=07:30`)
    ).json()) as {
      schools: { id: number; coveredBy: { kind: string }[] }[];
      uncovered: { id: number }[];
    };
    expect(await hooks(() => window.gridpatrol.schoolGatesUncovered)).toBe(answer.uncovered.length);
    const warn = await session.page
      .locator('[data-testid="school-gates-table"] tr.warn')
      .evaluateAll((trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.school)));
    expect(warn).toEqual(answer.uncovered.map((s) => s.id));
    // The plan's kept gates (07:30 bells in its 07:00–11:00 shift) are patrol cover in the answer.
    const kept = units.flatMap((u) => u.gates).filter((g) => g.arrival !== null).length;
    const byPatrol = answer.schools.filter((s) => s.coveredBy.some((c) => c.kind === 'patrol')).length;
    expect(byPatrol).toBeLessThanOrEqual(kept);
    if (kept > 0) expect(byPatrol).toBeGreaterThan(0);
    expect(await session.page.locator('[data-testid="school-gates-summary"]').textContent()).toContain(
      `其中 ${answer.uncovered.length} 所无护学岗覆盖`,
    );
    await session.page
      .locator('[data-testid="school-gates"]')
      .screenshot({ path: path.join(ARTIFACTS, 'school-gates-zh-CN.png') });
    expect(session.consoleErrors ?? []).toEqual([]);
  });
});
