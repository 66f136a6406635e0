import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { can, ROLES, type Permission, type Role } from '../../src/auth/policy.js';
import { createDemoUsers, ensureAdminFromEnv, MAX_FAILED_SIGN_INS } from '../../src/services/auth.service.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { tableChecksums } from '../helpers/checksums.js';

let app: TestApp;
// biome-ignore lint/suspicious/noExplicitAny: test-only escape, bodies are checked field by field below
type Json = Record<string, any>;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.dispose());

const post = (path: string, body: unknown, cookie = '') =>
  fetch(app.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });

/**
 * Who may call what, written out here (not read from the policy module) so a change of policy shows up as a failing
 * row. L = leader, P = planner, G = grid_office, A = admin. Every route the app registers must be listed.
 */
const ALL = 'LPGA',
  ANALYSE = 'LPGA',
  BEATS = 'PA',
  GRIDS = 'GA',
  ADMIN = 'A',
  // Imports: the door for planners and the grid office; each role's layers are checked by the import itself.
  IMPORT = 'PGA';
const layerRows = (layer: string, who: string): [string, string][] => [
  [`GET /${layer}`, ALL],
  [`GET /${layer}/:id`, ALL],
  [`GET /${layer}/export`, ALL],
  [`POST /${layer}`, who],
  [`PATCH /${layer}/:id`, who],
  [`DELETE /${layer}/:id`, who],
];
const MATRIX: Record<string, string> = Object.fromEntries<string>([
  ['POST /import', IMPORT],
  ['POST /import/beats', BEATS],
  ['POST /import/inspect', IMPORT],
  ['GET /import/layers', ALL],
  ['GET /import/batches', IMPORT],
  ['DELETE /import/batches/:id', IMPORT],
  ['GET /search', ALL],
  ['GET /health', ALL],
  ['GET /region', ALL],
  ['POST /session', ALL],
  ['GET /session', ALL],
  ['DELETE /session', ALL],
  ['GET /users', ADMIN],
  ['POST /users', ADMIN],
  ['PATCH /users/:id', ADMIN],
  ['GET /analysis/coverage', ALL],
  ['GET /analysis/coverage/bands', ALL],
  ['GET /analysis/coverage/bands/blind-spots', ALL],
  ['GET /analysis/coverage/bands/key-places', ALL],
  ['GET /xueliang/kpis', ALL],
  ['GET /xueliang/incomplete', ALL],
  ['GET /xueliang/schools', ALL],
  ['GET /analysis/key-places', ALL],
  ['POST /analysis/placement', ANALYSE],
  ['POST /analysis/placement/bands', ANALYSE],
  ['POST /analysis/placement/accept', BEATS],
  ['GET /analysis/camera-views/:z/:x/:y.mvt', ALL],
  ['GET /analysis/blind-spots', ALL],
  ['GET /analysis/blind-spot-cells', ALL],
  ['GET /analysis/camera-views', ALL],
  ...['cells', 'range', 'categories', 'areas', 'hotspots', 'trends', 'near-repeat', 'hour-profile', 'histogram'].map(
    (p): [string, string] => [`GET /incidents/${p}`, ALL],
  ),
  ['POST /grades/compute', ANALYSE],
  ['GET /grades', ALL],
  ['GET /grades/:gridCode/history', ALL],
  ['GET /routing/isochrone', ALL],
  ['GET /routing/route', ALL],
  ['GET /routing/reach', ALL],
  ['GET /routing/post-suggestions', ALL],
  ['GET /routing/school-gates', ALL],
  ['POST /routing/patrol', ANALYSE],
  ['GET /routing/patrol/:jobId/gpx', ANALYSE],
  ['POST /grids/reshape', GRIDS],
  ['POST /grids/draw', GRIDS],
  ['POST /grids/validate', GRIDS],
  ['POST /grids/:code/split', GRIDS],
  ['POST /grids/merge', GRIDS],
  ['GET /grids/:code/history', ALL],
  ['GET /beats/:code/history', ALL],
  ['GET /beats/:code/grids', ALL],
  ['PUT /beats/:code/grids', BEATS],
  ['GET /planning/workload', ALL],
  ['GET /planning/nesting', ALL],
  ['POST /planning/align', ANALYSE],
  ['POST /planning/align/apply', BEATS],
  ['POST /planning/districting', ANALYSE],
  ['POST /planning/districting/apply', BEATS],
  ['POST /jobs', ALL],
  ['GET /jobs', ALL],
  ['GET /jobs/:id', ALL],
  ['GET /jobs/:id/result', ALL],
  ['GET /jobs/:id/events', ALL],
  ['DELETE /jobs/:id', ALL],
  ['GET /plans', ALL],
  ['GET /plans/compare', ALL],
  ['POST /plans', BEATS],
  ['POST /plans/districting', BEATS],
  ['POST /plans/import', BEATS],
  ['GET /plans/:ref', ALL],
  ['GET /plans/:ref/scorecard', ALL],
  ['GET /plans/:ref/export', ALL],
  ['PATCH /plans/:id', BEATS],
  ['POST /plans/:id/apply', BEATS],
  ...layerRows('admin-areas', GRIDS),
  ...layerRows('grids', GRIDS),
  ...layerRows('stations', BEATS),
  ...layerRows('beats', BEATS),
  ...layerRows('cameras', BEATS),
  ...layerRows('key-places', BEATS),
  ...layerRows('posts', BEATS),
  ...layerRows('checkpoints', BEATS),
  ...layerRows('incidents', BEATS),
  ...layerRows('roads', ADMIN),
  ...layerRows('buildings', ADMIN),
]);
const LETTER: Record<Role, string> = { leader: 'L', planner: 'P', grid_office: 'G', admin: 'A' };
/** Tiles: every role reads them. */
const TILE_MATRIX: Record<string, string> = { 'GET /:tileset/:z/:x/:y.:format': ALL, 'GET /:tileset.json': ALL };

/** What Express keeps of a mounted router or route (router 2.x): `match(path)` is its own matcher, with its options. */
type Layer = {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  match(path: string): false | { path: string };
};
interface Mounted {
  base: '/api/v1' | '/tiles';
  route: string;
  layer: Layer;
}
/** Every route the app registers (Express's router stacks) under /api/v1 and /tiles, as "METHOD /path" with its layer. */
function registeredRoutes(): Mounted[] {
  const app = createApp({ db: {} as never, logger: pino({ level: 'silent' }) }) as unknown as {
    router: { stack: Layer[] };
  };
  const routesOf = (stack: readonly Layer[]): { route: string; layer: Layer }[] =>
    stack.flatMap((l) =>
      l.route
        ? Object.keys(l.route.methods).map((m) => ({ route: `${m.toUpperCase()} ${String(l.route?.path)}`, layer: l }))
        : routesOf(l.handle?.stack ?? []),
    );
  const out: Mounted[] = [];
  for (const mount of app.router.stack) {
    if (!mount.handle?.stack) continue;
    // The mount point is whichever prefix Express's own matcher takes (the web app's routers match neither).
    const base: Mounted['base'] | undefined =
      mount.match('/api/v1/x') && !mount.match('/tiles/x')
        ? '/api/v1'
        : mount.match('/tiles/x') && !mount.match('/api/v1/x')
          ? '/tiles'
          : undefined;
    if (base) out.push(...routesOf(mount.handle.stack).map((r) => ({ base, ...r })));
  }
  return out;
}
const matrixOf = (m: Pick<Mounted, 'base' | 'route'>): string | undefined =>
  (m.base === '/tiles' ? TILE_MATRIX : MATRIX)[m.route];

/** A concrete path for a route: made-up ids that exist nowhere, so nothing can change. */
function concretePath(pattern: string): string {
  return pattern
    .replace(':code/split', '320102001001001/split')
    .replace(':code', 'NOPE0001')
    .replace(':gridCode', '320102001001001')
    .replace(':id', '987654')
    .replace(':z/:x/:y.mvt', '14/13700/6600.mvt')
    .replace(':tileset/:z/:x/:y.:format', 'grids/14/13700/6600.mvt')
    .replace(':tileset.json', 'basemap.json');
}
function concrete(m: Mounted): { method: string; path: string } {
  const [method, pattern] = m.route.split(' ') as [string, string];
  return { method, path: m.base + concretePath(pattern) };
}

/**
 * Spellings of a path that must never reach a looser handler: the last fixed segment capitalised, percent-encoded
 * or with a `;x` parameter, a trailing slash, a doubled slash. (`exact`: variants no router may take at all.)
 */
function variants(path: string): { name: string; path: string; exact: boolean }[] {
  const parts = path.split('/');
  // The last segment that is a word of the route, not a made-up id or tile number.
  const k = parts.findLastIndex((p, i) => i > 1 && /^[a-z][a-z-]*$/.test(p));
  const at = k > 0 ? k : 1;
  const seg = parts[at] ?? '';
  const swap = (s: string) => parts.map((p, i) => (i === at ? s : p)).join('/');
  const lastSlash = path.lastIndexOf('/');
  return [
    { name: 'capitalised', path: swap(seg.charAt(0).toUpperCase() + seg.slice(1)), exact: false },
    {
      name: 'percent-encoded',
      path: swap(`%${seg.charCodeAt(0).toString(16).toUpperCase()}${seg.slice(1)}`),
      exact: false,
    },
    { name: ';x parameter', path: swap(`${seg};x`), exact: false },
    { name: 'trailing slash', path: `${path}/`, exact: true },
    { name: 'doubled slash', path: `${path.slice(0, lastSlash)}/${path.slice(lastSlash)}`, exact: true },
  ];
}

/** The registered route Express would run for this method and raw path (its own matchers), if any. */
function routeTaking(routes: readonly Mounted[], method: string, path: string): Mounted | undefined {
  return routes.find(
    (r) =>
      r.route.startsWith(`${method} `) &&
      path.startsWith(`${r.base}/`) &&
      r.layer.match(path.slice(r.base.length)) !== false,
  );
}

describe('sign-in, sessions and roles', () => {
  it('when nobody is signed in, then every API read and tile answers 401 problem+json; health and the web app do not need a session', async () => {
    for (const p of [
      '/api/v1/grids',
      '/api/v1/analysis/coverage',
      '/api/v1/users',
      '/tiles/grids/14/13700/6600.mvt',
      '/tiles/basemap.json',
    ]) {
      const res = await fetch(app.url + p);
      expect(res.status, p).toBe(401);
      expect(res.headers.get('content-type'), p).toMatch(/application\/problem\+json/);
    }
    expect((await fetch(`${app.url}/api/v1/health`)).status).toBe(200);
    const forged = await fetch(`${app.url}/api/v1/grids`, { headers: { cookie: 'gp_session=made-up-token' } });
    expect(forged.status, 'a made-up token').toBe(401);
  });

  it('when a user signs in, then the cookie is HttpOnly and SameSite=Strict, the session names the user, and after sign-out the same cookie is refused', async () => {
    const cookie = await app.as('li-planner', 'planner');
    const me = await app.call('GET', '/api/v1/session', undefined, { cookie });
    expect(me.status).toBe(200);
    expect((me.json as Json).user).toMatchObject({ username: 'li-planner', role: 'planner' });
    expect((me.json as Json).permissions).toEqual(['read', 'analyse', 'edit_beats', 'import_files']);
    const password = 'correct horse battery';
    const created = await app.call('POST', '/api/v1/users', { username: 'wang-leader', role: 'leader', password });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const res = await post('/api/v1/session', { username: 'wang-leader', password });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^gp_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const mine = setCookie.split(';')[0]!;
    expect((await app.call('DELETE', '/api/v1/session', undefined, { cookie: mine })).status).toBe(204);
    expect((await app.call('GET', '/api/v1/grids', undefined, { cookie: mine })).status, 'the signed-out cookie').toBe(
      401,
    );
    const stored = await app.db.query<{ h: string }>(
      `SELECT password_hash AS h FROM app_user WHERE username = 'wang-leader'`,
    );
    expect(stored[0]!.h, 'argon2id hash, never the password').toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored[0]!.h).not.toContain(password);
    const audit = await app.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE actor = 'wang-leader' ORDER BY id`,
    );
    expect(audit.map((a) => a.action)).toEqual(['sign_in', 'sign_out']);
  });

  it(`when a password is wrong ${MAX_FAILED_SIGN_INS} times, then the account locks (423 even with the right password) until an admin resets it`, async () => {
    const password = 'another long secret';
    expect(
      (await app.call('POST', '/api/v1/users', { username: 'zhou-clerk', role: 'grid_office', password })).status,
    ).toBe(201);
    const unknown = await post('/api/v1/session', { username: 'nobody-here', password: 'whatever-it-is' });
    const wrong = await post('/api/v1/session', { username: 'zhou-clerk', password: 'not it at all' });
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    expect(((await unknown.json()) as Json).title, 'one message, so usernames cannot be probed').toBe(
      ((await wrong.json()) as Json).title,
    );
    for (let i = 1; i < MAX_FAILED_SIGN_INS; i++)
      expect((await post('/api/v1/session', { username: 'zhou-clerk', password: `wrong ${i} ..` })).status).toBe(401);
    const locked = await post('/api/v1/session', { username: 'zhou-clerk', password });
    expect(locked.status).toBe(423);
    expect(((await locked.json()) as Json).lockedUntil).toMatch(/^\d{4}-/);
    const actions = await app.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE actor = 'zhou-clerk' AND action <> 'create' ORDER BY id`,
    );
    expect(actions.map((a) => a.action)).toEqual([
      ...Array(MAX_FAILED_SIGN_INS - 1).fill('sign_in_failed'),
      'locked',
      'sign_in_failed',
    ]);
    const { id } = (
      await app.db.query<{ id: number }>(`SELECT id::int AS id FROM app_user WHERE username = 'zhou-clerk'`)
    )[0]!;
    expect((await app.call('PATCH', `/api/v1/users/${id}`, { password: 'a brand new secret' })).status).toBe(200);
    expect((await post('/api/v1/session', { username: 'zhou-clerk', password: 'a brand new secret' })).status).toBe(
      200,
    );
  });

  it('when anyone but an admin manages users, then 403; a short password or an unknown role is refused with a field path', async () => {
    const cookie = await app.as('li-planner', 'planner');
    expect((await app.call('GET', '/api/v1/users', undefined, { cookie })).status).toBe(403);
    const short = await app.call('POST', '/api/v1/users', { username: 'short-pw', role: 'leader', password: 'abc' });
    expect(short.status).toBe(422);
    expect((short.json as Json).errors[0].path).toBe('password');
    const badRole = await app.call('POST', '/api/v1/users', {
      username: 'bad-role',
      role: 'root',
      password: 'long enough pass',
    });
    expect(badRole.status).toBe(400);
    expect((badRole.json as Json).errors[0].path).toBe('role');
  });

  it('when every role calls every endpoint, then it is allowed or 403 exactly as the matrix says, and the database does not change', async () => {
    const mounted = registeredRoutes();
    const unlisted = mounted.filter((m) => matrixOf(m) === undefined).map((m) => `${m.base} ${m.route}`);
    expect(unlisted, 'routes the matrix does not list').toEqual([]);
    const cookies = Object.fromEntries(
      await Promise.all(ROLES.map(async (r) => [r, await app.as(`matrix-${r.replace('_', '-')}`, r)] as const)),
    ) as Record<Role, string>;
    const before = await tableChecksums(app.db);
    const wrongs: string[] = [];
    for (const m of mounted) {
      const route = `${m.base} ${m.route}`;
      if (m.route === 'POST /session' || m.route === 'DELETE /session') continue; // would sign the matrix users in or out
      const { method, path } = concrete(m);
      for (const role of ROLES) {
        const res = await fetch(app.url + path, {
          method,
          headers: { cookie: cookies[role], 'content-type': 'application/json' },
          ...(method === 'GET' ? {} : { body: JSON.stringify({ 'not a field': true }) }),
        });
        const allowed = matrixOf(m)!.includes(LETTER[role]);
        if (res.status === 401 || (res.status === 403) === allowed)
          wrongs.push(`${role} ${route}: ${res.status}, expected ${allowed ? 'allowed' : '403'}`);
        if (res.status === 403) expect(res.headers.get('content-type')).toMatch(/problem\+json/);
        await res.arrayBuffer();
      }
    }
    expect(wrongs).toEqual([]);
    const after = await tableChecksums(app.db);
    expect(after, 'no table changed (audit rows for sign-in aside)').toEqual(before);
    expect(mounted.filter((m) => m.base === '/tiles').length, 'the tile routes are enumerated too').toBe(2);
  });

  it('when the OpenAPI document is read, then every registered route is in it with its permission, and that permission grants exactly the roles the matrix allows', async () => {
    const doc = (await app.call('GET', '/api/openapi.json')).json as Json;
    const mounted = registeredRoutes().filter((m) => m.base === '/api/v1');
    const wrongs: string[] = [];
    for (const m of mounted) {
      const [method, pattern] = m.route.split(' ') as [string, string];
      const op = doc.paths?.[`/api/v1${pattern.replace(/:([A-Za-z]+)/g, '{$1}')}`]?.[method.toLowerCase()];
      if (!op) {
        wrongs.push(`${m.route}: not in the document`);
        continue;
      }
      const p = op['x-permission'] as Permission | 'public' | 'signed_in' | undefined;
      if (p === undefined) {
        wrongs.push(`${m.route}: no x-permission`);
        continue;
      }
      const granted = ROLES.filter((r) => p === 'public' || p === 'signed_in' || can(r, p))
        .map((r) => LETTER[r])
        .join('');
      const allowed = ROLES.map((r) => LETTER[r])
        .filter((l) => matrixOf(m)?.includes(l))
        .join('');
      if (granted !== allowed)
        wrongs.push(`${m.route}: x-permission ${p} grants ${granted}, the matrix allows ${allowed}`);
    }
    expect(mounted.length, 'routes enumerated').toBeGreaterThan(50);
    expect(wrongs).toEqual([]);
  });

  it('when a path is spelt differently (case, %-encoding, ;x, trailing or doubled slash), then every role gets the permission of the route Express matched, or 404 when none', async () => {
    const mounted = registeredRoutes();
    const cookies = Object.fromEntries(
      await Promise.all(ROLES.map(async (r) => [r, await app.as(`variant-${r.replace('_', '-')}`, r)] as const)),
    ) as Record<Role, string>;
    const before = await tableChecksums(app.db);
    const wrongs: string[] = [];
    let tried = 0;
    for (const m of mounted) {
      const { method, path } = concrete(m);
      for (const v of variants(path)) {
        const taker = routeTaking(mounted, method, v.path);
        // Express's own matchers: the exact-path variants must be taken by no route at all (strict routing).
        if (v.exact && taker) wrongs.push(`${method} ${v.path} (${v.name}) is taken by ${taker.route}`);
        const who = taker ? matrixOf(taker) : undefined;
        for (const role of ROLES) {
          const res = await fetch(app.url + v.path, {
            method,
            headers: { cookie: cookies[role], 'content-type': 'application/json' },
            ...(method === 'GET' ? {} : { body: JSON.stringify({ 'not a field': true }) }),
          });
          await res.arrayBuffer();
          tried++;
          const what = `${role} ${method} ${v.path} (${v.name} of ${m.route}): ${res.status}`;
          if (!taker || who === undefined) {
            if (res.status !== 404) wrongs.push(`${what}, expected 404: no route takes it`);
            else if (!/problem\+json/.test(res.headers.get('content-type') ?? ''))
              wrongs.push(`${what} is not problem+json`);
          } else if (!who.includes(LETTER[role]) && res.status !== 403) {
            wrongs.push(`${what}, expected 403 as on ${taker.route}`);
          } else if (who.includes(LETTER[role]) && (res.status === 401 || res.status === 403)) {
            wrongs.push(`${what}, expected the handler of ${taker.route}`);
          }
        }
      }
    }
    expect(tried).toBeGreaterThan(500);
    expect(wrongs).toEqual([]);
    // DELETE /session variants would have signed a user out: the sign-in audit rows aside, nothing changed.
    expect(await tableChecksums(app.db)).toEqual(before);
  });

  it("when a planner of one station edits a beat of another, then 403 and nothing changes; their own station's beat saves with them as the actor", async () => {
    const beats = await app.db.query<{ id: number; version: number; station: number }>(
      `SELECT DISTINCT ON (station_id) id::int AS id, version, station_id::int AS station FROM beat WHERE station_id IS NOT NULL ORDER BY station_id, id`,
    );
    if (beats.length < 2) {
      // The fixture has fewer than two stations with beats: make two, each with one beat, through the API.
      beats.splice(0, beats.length);
      for (const [i, x] of [118.7, 118.72].entries()) {
        const st = await app.call('POST', '/api/v1/stations', {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [x + 0.005, 32.005] },
          properties: { code: `S-${i}`, name: `测试所${i}`, district_code: '320102000000' },
        });
        expect(st.status, JSON.stringify(st.json)).toBe(201);
        const sq = [
          [x, 32],
          [x + 0.01, 32],
          [x + 0.01, 32.01],
          [x, 32.01],
          [x, 32],
        ];
        const b = await app.call('POST', '/api/v1/beats', {
          type: 'Feature',
          geometry: { type: 'Polygon', coordinates: [sq] },
          properties: {
            code: `B-${i}`,
            name: `测试警格${i}`,
            station_id: (st.json as Json).id,
            district_code: '320102000000',
          },
        });
        expect(b.status, JSON.stringify(b.json)).toBe(201);
        beats.push({ id: Number((b.json as Json).id), version: 1, station: Number((st.json as Json).id) });
      }
    }
    const [own, other] = beats as [(typeof beats)[0], (typeof beats)[0]];
    const cookie = await app.as('station-planner', 'planner', own.station);
    const before = await tableChecksums(app.db);
    const refused = await app.call(
      'PATCH',
      `/api/v1/beats/${other.id}`,
      { version: other.version, properties: { name: '越权' } },
      { cookie },
    );
    expect(refused.status, JSON.stringify(refused.json)).toBe(403);
    const moved = await app.call(
      'PATCH',
      `/api/v1/beats/${own.id}`,
      { version: own.version, properties: { station_id: other.station } },
      { cookie },
    );
    expect(moved.status, 'moving a beat to another station').toBe(403);
    expect(await tableChecksums(app.db)).toEqual(before);
    const ok = await app.call(
      'PATCH',
      `/api/v1/beats/${own.id}`,
      { version: own.version, properties: { name: '本所警格' } },
      { cookie },
    );
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    const audit = await app.db.query<{ actor: string }>(
      `SELECT actor FROM audit_log WHERE entity = 'beat' AND entity_id = $1 ORDER BY id DESC LIMIT 1`,
      [String(own.id)],
    );
    expect(audit[0]?.actor).toBe('station-planner');
  });

  it('when sign-in is hammered from one address, then after 20 attempts it answers 429 problem+json', async () => {
    // A fresh app: its limiter has counted nothing yet.
    const other = await startTestApp();
    try {
      // startTestApp signed in once already. A new name each time: a name locks after 5 failures, known or not.
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++)
        statuses.push(
          (
            await fetch(`${other.url}/api/v1/session`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ username: `x-y-${i}`, password: 'nope' }),
            })
          ).status,
        );
      expect(statuses.slice(0, 19).every((s) => s === 401)).toBe(true);
      expect(statuses[19]).toBe(429);
    } finally {
      await other.dispose();
    }
  });

  it('when the first admin comes from the environment or the demo makes its accounts, then no password is shared or default', async () => {
    expect(await ensureAdminFromEnv(app.db, 'ops-admin', undefined)).toBeUndefined();
    const made = await ensureAdminFromEnv(app.db, 'ops-admin', 'from the environment');
    expect(made?.role).toBe('admin');
    expect(
      await ensureAdminFromEnv(app.db, 'ops-admin', 'from the environment'),
      'second start: already there',
    ).toBeUndefined();
    expect(await createDemoUsers(app.db), 'users exist: no demo accounts').toEqual([]);
    await app.db.exec('TRUNCATE app_user CASCADE');
    const demo = await createDemoUsers(app.db);
    expect(demo.map((d) => d.role)).toEqual(['admin', 'leader', 'planner', 'grid_office']);
    expect(new Set(demo.map((d) => d.password)).size).toBe(4);
    for (const d of demo) expect(d.password.length).toBeGreaterThanOrEqual(16);
  });
});
