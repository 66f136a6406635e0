import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Drafts fenced by station: a planner drafts (creates, imports, drafts by districting, edits) only plans of their own
 * station; another station's plan, an all-city plan or another station's beats in the assignment are 403 `scope.*`
 * and store nothing. An admin is not fenced.
 */
let app: TestApp;
let own: number, other: number;
let ownGrid: string, otherBeat: string, ownBeat: string;
let planner: string;

beforeAll(async () => {
  app = await startTestApp();
  await loadDemoCity(app.db, { seed: 20261125, incidents: 1000 });
  const stations = await app.db.query<{ id: number }>(
    'SELECT DISTINCT station_id::int AS id FROM beat ORDER BY id LIMIT 2',
  );
  [own, other] = [stations[0]!.id, stations[1]!.id];
  const [g] = await app.db.query<{ grid: string; beat: string }>(
    `SELECT g.code AS grid, b.code AS beat FROM grid g JOIN beat b ON b.station_id = $1
     AND ST_Intersects(b.geom, ST_PointOnSurface(g.geom)) ORDER BY g.code LIMIT 1`,
    [own],
  );
  [ownGrid, ownBeat] = [g!.grid, g!.beat];
  otherBeat = (
    await app.db.query<{ code: string }>('SELECT code FROM beat WHERE station_id = $1 ORDER BY code LIMIT 1', [other])
  )[0]!.code;
  planner = await app.as('fence-planner', 'planner', own);
}, 600_000);
afterAll(async () => app?.dispose());

const plans = async () => (await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM plan'))[0]!.n;
type Problem = { code: string; errors: { path: string }[] };
const as = (cookie: string) => ({ cookie });

describe('drafts fenced by station', () => {
  it("when a planner drafts for another station, for the whole city or with another station's beat, then 403 scope.other_station and nothing is stored", async () => {
    const before = await plans();
    const foreign = await app.call('POST', '/api/v1/plans', { name: '越界', stationId: other }, as(planner));
    expect(foreign.status).toBe(403);
    expect((foreign.json as Problem).code).toBe('scope.other_station');
    expect((foreign.json as Problem).errors[0]?.path).toBe('stationId');
    const city = await app.call('POST', '/api/v1/plans', { name: '全市' }, as(planner));
    expect(city.status).toBe(403);
    expect((city.json as Problem).code).toBe('scope.other_station');
    const stolen = await app.call(
      'POST',
      '/api/v1/plans',
      { name: '借格', stationId: own, assignment: [{ gridCode: ownGrid, beatCode: otherBeat }] },
      as(planner),
    );
    expect(stolen.status).toBe(403);
    expect((stolen.json as Problem).errors.map((e) => e.path)).toEqual([`beats.${otherBeat}`]);
    const drafted = await app.call(
      'POST',
      '/api/v1/plans/districting',
      { name: '越界自动', stationId: other },
      as(planner),
    );
    expect(drafted.status).toBe(403);
    expect((drafted.json as Problem).code).toBe('scope.other_station');
    const sheet = `网格编码,警格编码\r\n${ownGrid},${ownBeat}\r\n`;
    const imported = await fetch(`${app.url}/api/v1/plans/import?format=csv&name=x&stationId=${other}`, {
      method: 'POST',
      headers: { cookie: planner, 'content-type': 'text/csv' },
      body: sheet,
    });
    expect(imported.status).toBe(403);
    expect(((await imported.json()) as Problem).code).toBe('scope.other_station');
    expect(await plans(), 'no plan stored').toBe(before);
  });

  it("when a planner edits another station's draft, then 403; their own station's drafts they create, import and edit", async () => {
    const theirs = await app.call('POST', '/api/v1/plans', { name: '他所草案', stationId: other });
    expect(theirs.status, 'an admin is not fenced').toBe(201);
    const t = theirs.json as { id: number; version: number };
    const edit = await app.call('PATCH', `/api/v1/plans/${t.id}`, { version: t.version, name: '改名' }, as(planner));
    expect(edit.status).toBe(403);
    expect((edit.json as Problem).code).toBe('scope.other_station');
    const [name] = await app.db.query<{ name: string }>('SELECT name FROM plan WHERE id = $1', [t.id]);
    expect(name!.name).toBe('他所草案');

    const mine = await app.call('POST', '/api/v1/plans', { name: '本所草案', stationId: own }, as(planner));
    expect(mine.status, JSON.stringify(mine.json).slice(0, 300)).toBe(201);
    const m = mine.json as { id: number; version: number };
    const renamed = await app.call(
      'PATCH',
      `/api/v1/plans/${m.id}`,
      { version: m.version, name: '本所二稿' },
      as(planner),
    );
    expect(renamed.status, JSON.stringify(renamed.json).slice(0, 300)).toBe(200);
    const imported = await fetch(`${app.url}/api/v1/plans/import?format=csv&name=own&stationId=${own}`, {
      method: 'POST',
      headers: { cookie: planner, 'content-type': 'text/csv' },
      body: `网格编码,警格编码\r\n${ownGrid},${ownBeat}\r\n`,
    });
    expect(imported.status).toBe(201);
  });

  it('when a planner of no station drafts, then 403 scope.no_station', async () => {
    const loose = await app.as('fence-loose', 'planner', null);
    const r = await app.call('POST', '/api/v1/plans', { name: '无所', stationId: own }, as(loose));
    expect(r.status).toBe(403);
    expect((r.json as Problem).code).toBe('scope.no_station');
  });
});
