import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../src/app.js';
import { MAX_FAILED_SIGN_INS } from '../../src/services/auth.service.js';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { tableChecksums } from '../helpers/checksums.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Security round 2 (issue 16): the planner fence on every write that changes a beat or a station, fair use of the
 * heavy analyses, filter values parsed at the edge, no account oracle at sign-in, what anonymous callers learn, and
 * the Secure session cookie. Every refusal asserts its exact status and that no table changed.
 */
let app: TestApp;
// biome-ignore lint/suspicious/noExplicitAny: test-only escape, bodies are checked field by field below
type Json = Record<string, any>;

beforeAll(async () => {
  app = await startTestApp();
  await loadDemoCity(app.db, { seed: 20261125, incidents: 600 });
});
afterAll(async () => app?.dispose());

const one = async <R>(sql: string, params: unknown[] = []): Promise<R> => (await app.db.query<R>(sql, params))[0] as R;
const gridsOf = async (beat: string): Promise<string[]> =>
  (
    await app.db.query<{ code: string }>(
      `SELECT g.code FROM grid g, beat b WHERE b.code = $1 AND ST_Within(ST_PointOnSurface(g.geom), b.geom) ORDER BY g.code`,
      [beat],
    )
  ).map((r) => r.code);

/** Two neighbouring beats of different stations (sharing > 100 m of boundary), and each one's station. */
async function foreignNeighbours(): Promise<{
  a: string;
  av: number;
  aid: number;
  as: number;
  b: string;
  bv: number;
  bid: number;
  bs: number;
}> {
  return one(`SELECT x.code AS a, x.version AS av, x.id::int AS aid, x.station_id::int AS "as", y.code AS b, y.version AS bv, y.id::int AS bid, y.station_id::int AS bs
    FROM beat x JOIN beat y ON x.station_id < y.station_id AND x.geom && y.geom
      AND ST_Length(ST_CollectionExtract(ST_Intersection(x.geom, y.geom), 2)::geography) > 100
    ORDER BY x.code, y.code LIMIT 1`);
}

/** Another app over the same database (its own rate limiters and fair-use state), listening on a free loopback port. */
async function otherApp(deps: Partial<AppDeps>): Promise<{ url: string; close(): Promise<void> }> {
  const express = createApp({ db: app.db, logger: pino({ level: 'silent' }), ...deps });
  return listen(express, http.createServer(express));
}
async function listen(
  _app: Express,
  server: http.Server | https.Server,
): Promise<{ url: string; close(): Promise<void> }> {
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${server instanceof https.Server ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('planner fence', () => {
  it("when a planner of one station applies an align plan giving its beat the grids of a neighbouring station's beat (finding 3), then 403 and nothing changes; districting/apply too", async () => {
    const n = await foreignNeighbours();
    const cookie = await app.as('fence-planner-a', 'planner', n.as);
    const plan = {
      beats: [{ code: n.a, version: n.av, gridCodes: [...(await gridsOf(n.a)), ...(await gridsOf(n.b))] }],
    };
    const before = await tableChecksums(app.db);
    for (const route of ['/api/v1/planning/align/apply', '/api/v1/planning/districting/apply']) {
      const r = await app.call('POST', route, plan, { cookie });
      expect(r.status, `${route}: ${JSON.stringify(r.json)}`).toBe(403);
      expect(r.headers.get('content-type')).toMatch(/problem\+json/);
      expect((r.json as Json).title).toContain(n.b);
    }
    expect(await tableChecksums(app.db)).toEqual(before);
    // Naming the other station's beat in the plan is refused the same way.
    const named = await app.call(
      'POST',
      '/api/v1/planning/align/apply',
      { beats: [...plan.beats, { code: n.b, version: n.bv, gridCodes: ['320102001001001'] }] },
      { cookie },
    );
    expect(named.status).toBe(403);
    expect(await tableChecksums(app.db)).toEqual(before);
  });

  it('when an admin applies the same plan, then 422: a grid would be in two beats (checked in PostGIS inside the transaction), and nothing changes', async () => {
    const n = await foreignNeighbours();
    const bGrids = await gridsOf(n.b);
    const before = await tableChecksums(app.db);
    const r = await app.call('POST', '/api/v1/planning/align/apply', {
      beats: [{ code: n.a, version: n.av, gridCodes: [...(await gridsOf(n.a)), ...bGrids] }],
    });
    expect(r.status, JSON.stringify(r.json)).toBe(422);
    expect((r.json as Json).errors.map((e: Json) => e.path).sort()).toEqual(bGrids.map((g) => `grids.${g}`).sort());
    expect(await tableChecksums(app.db)).toEqual(before);
  });

  it('when a plan drops ground its beats hold without giving it to a beat of the plan, then 422 with the ground left out, and nothing changes', async () => {
    const n = await foreignNeighbours();
    const own = await gridsOf(n.a);
    const cookie = await app.as('fence-planner-a', 'planner', n.as);
    const before = await tableChecksums(app.db);
    const r = await app.call(
      'POST',
      '/api/v1/planning/align/apply',
      { beats: [{ code: n.a, version: n.av, gridCodes: own.slice(1) }] },
      { cookie },
    );
    expect(r.status, JSON.stringify(r.json)).toBe(422);
    expect((r.json as Json).title).toMatch(/with no beat/);
    const dropped = await one<{ a: number }>('SELECT ST_Area(geom::geography) AS a FROM grid WHERE code = $1', [
      own[0],
    ]);
    expect((r.json as Json).problems.features[0].properties.area_m2).toBeCloseTo(dropped.a, -1);
    expect(await tableChecksums(app.db)).toEqual(before);
    // The plan as it stands (every grid kept) is the planner's to apply.
    const same = await app.call(
      'POST',
      '/api/v1/planning/align/apply',
      { beats: [{ code: n.a, version: n.av, gridCodes: own }] },
      { cookie },
    );
    expect(same.status, JSON.stringify(same.json)).toBe(200);
    expect((same.json as Json).beats).toEqual([{ code: n.a, version: n.av, changed: false }]);
  });

  it('when a planner tied to no station edits any beat, then 403 (fail closed), through every beat write', async () => {
    const n = await foreignNeighbours();
    const cookie = await app.as('fence-planner-none', 'planner', null);
    const before = await tableChecksums(app.db);
    const tries = [
      await app.call('PATCH', `/api/v1/beats/${n.aid}`, { version: n.av, properties: { name: '无所' } }, { cookie }),
      await app.call('DELETE', `/api/v1/beats/${n.aid}`, { version: n.av }, { cookie }),
      await app.call('PUT', `/api/v1/beats/${n.a}/grids`, { version: n.av, gridCodes: await gridsOf(n.a) }, { cookie }),
      await app.call(
        'POST',
        '/api/v1/planning/align/apply',
        { beats: [{ code: n.a, version: n.av, gridCodes: await gridsOf(n.a) }] },
        { cookie },
      ),
      await app.call(
        'POST',
        '/api/v1/planning/districting/apply',
        { beats: [{ code: n.a, version: n.av, gridCodes: await gridsOf(n.a) }] },
        { cookie },
      ),
      await app.call('PATCH', `/api/v1/stations/${n.as}`, { version: 1, properties: { name: '无所' } }, { cookie }),
    ];
    expect(tries.map((t) => t.status)).toEqual([403, 403, 403, 403, 403, 403]);
    expect((tries[0]!.json as Json).errors[0].path).toBe('user.stationId');
    expect(await tableChecksums(app.db)).toEqual(before);
  });

  it("when a planner reshapes their own beat into another station's beat, takes its grids, or edits another station, then 403 and nothing changes", async () => {
    const n = await foreignNeighbours();
    const cookie = await app.as('fence-planner-a', 'planner', n.as);
    const grown = await one<{ g: Json }>(
      `SELECT ST_AsGeoJSON(ST_Multi(ST_Union(x.geom, y.geom)))::json AS g FROM beat x, beat y WHERE x.code = $1 AND y.code = $2`,
      [n.a, n.b],
    );
    // A grid of the other beat along the shared boundary (so the beat taking it stays one piece).
    const { code: taken } = await one<{ code: string }>(
      `SELECT g.code FROM grid g, beat a, beat b WHERE a.code = $1 AND b.code = $2
      AND ST_Within(ST_PointOnSurface(g.geom), b.geom) AND ST_Length(ST_CollectionExtract(ST_Intersection(g.geom, a.geom), 2)::geography) > 50
      ORDER BY g.code LIMIT 1`,
      [n.a, n.b],
    );
    const before = await tableChecksums(app.db);
    const reshape = await app.call('PATCH', `/api/v1/beats/${n.aid}`, { version: n.av, geometry: grown.g }, { cookie });
    expect(reshape.status, JSON.stringify(reshape.json)).toBe(403);
    expect((reshape.json as Json).errors[0].message).toContain(n.b);
    const take = await app.call(
      'PUT',
      `/api/v1/beats/${n.a}/grids`,
      { version: n.av, gridCodes: [...(await gridsOf(n.a)), taken] },
      { cookie },
    );
    expect(take.status, JSON.stringify(take.json)).toBe(403);
    const station = await one<{ version: number }>('SELECT version FROM station WHERE id = $1', [n.bs]);
    const otherStation = await app.call(
      'PATCH',
      `/api/v1/stations/${n.bs}`,
      { version: station.version, geometry: { type: 'Point', coordinates: [118.8, 32.05] } },
      { cookie },
    );
    expect(otherStation.status).toBe(403);
    const newStation = await app.call(
      'POST',
      '/api/v1/stations',
      {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [118.8, 32.05] },
        properties: { code: 'S-PLANNER', name: '自建所', district_code: '320102000000' },
      },
      { cookie },
    );
    expect(newStation.status).toBe(403);
    const del = await app.call('DELETE', `/api/v1/stations/${n.bs}`, { version: station.version }, { cookie });
    expect(del.status, 'deleting another station').toBe(403);
    expect(await tableChecksums(app.db)).toEqual(before);
    // Their own station: a move saves.
    const own = await one<{ version: number; x: number; y: number }>(
      'SELECT version, ST_X(geom) AS x, ST_Y(geom) AS y FROM station WHERE id = $1',
      [n.as],
    );
    const moved = await app.call(
      'PATCH',
      `/api/v1/stations/${n.as}`,
      { version: own.version, geometry: { type: 'Point', coordinates: [own.x + 0.0001, own.y] } },
      { cookie },
    );
    expect(moved.status, JSON.stringify(moved.json)).toBe(200);
  });

  it('when a station with beats or users is deleted (finding 4), then 409 naming them and nothing changes; its planner stays fenced; an unused station deletes', async () => {
    const n = await foreignNeighbours();
    const before = await tableChecksums(app.db);
    const st = await one<{ version: number }>('SELECT version FROM station WHERE id = $1', [n.bs]);
    const withBeats = await app.call('DELETE', `/api/v1/stations/${n.bs}`, { version: st.version });
    expect(withBeats.status, JSON.stringify(withBeats.json)).toBe(409);
    const beatsOfB = (
      await app.db.query<{ code: string }>('SELECT code FROM beat WHERE station_id = $1 ORDER BY code', [n.bs])
    ).map((r) => r.code);
    expect((withBeats.json as Json).dependents.beats).toEqual(beatsOfB);
    expect(await tableChecksums(app.db)).toEqual(before);

    // A station with no beats but a planner tied to it (the finding: the planner lost its fence).
    const made = await app.call('POST', '/api/v1/stations', {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [118.8, 32.05] },
      properties: { code: 'S-EMPTY', name: '空所', district_code: '320102000000' },
    });
    expect(made.status).toBe(201);
    const sid = Number((made.json as Json).id);
    const cookie = await app.as('fence-planner-empty', 'planner', sid);
    const mid = await tableChecksums(app.db);
    const withUser = await app.call('DELETE', `/api/v1/stations/${sid}`, { version: 1 });
    expect(withUser.status, JSON.stringify(withUser.json)).toBe(409);
    expect((withUser.json as Json).dependents).toEqual({ beats: [], users: ['fence-planner-empty'], posts: [] });
    const self = await app.call('DELETE', `/api/v1/stations/${sid}`, { version: 1 }, { cookie });
    expect(self.status, 'the planner deleting their own station').toBe(409);
    expect(await tableChecksums(app.db)).toEqual(mid);
    const escaped = await app.call(
      'PATCH',
      `/api/v1/beats/${n.bid}`,
      { version: n.bv, properties: { name: '越权' } },
      { cookie },
    );
    expect(escaped.status).toBe(403);
    // Even SQL that deletes the station cannot untie the planner (migration 009: ON DELETE RESTRICT).
    await expect(app.db.query('DELETE FROM station WHERE id = $1', [sid])).rejects.toThrow();

    const spare = await app.call('POST', '/api/v1/stations', {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [118.81, 32.05] },
      properties: { code: 'S-SPARE', name: '备用所', district_code: '320102000000' },
    });
    expect((await app.call('DELETE', `/api/v1/stations/${(spare.json as Json).id}`, { version: 1 })).status).toBe(204);
  });
});

describe('fair use of heavy analyses', () => {
  it('when a user already runs their allowed analyses, then the next answers 429 problem+json with Retry-After and nothing changes; other users and light requests pass', async () => {
    const other = await otherApp({
      fairUse: {
        concurrentPerUser: 1,
        concurrentTotal: 10,
        cpuMsPerWindow: Number.POSITIVE_INFINITY,
        windowMs: 60_000,
      },
    });
    try {
      const leader = await app.as('fair-leader', 'leader');
      const second = await app.as('fair-leader-2', 'leader');
      // An analysis whose body is still arriving is in progress (admitted when its headers came).
      const url = new URL(`${other.url}/api/v1/planning/align`);
      const held = http.request(url, {
        method: 'POST',
        headers: { cookie: leader, 'content-type': 'application/json', 'content-length': '14' },
      });
      const heldDone = new Promise<number>((resolve) =>
        held.on('response', (r) => {
          r.resume();
          r.on('end', () => resolve(r.statusCode ?? 0));
        }),
      );
      held.write('{"by": ');
      // Wait until the server has admitted it: a second request of the same user is refused.
      let refused: Response | undefined;
      for (let i = 0; i < 200 && !refused; i++) {
        const r = await fetch(`${other.url}/api/v1/planning/workload`, { headers: { cookie: leader } });
        if (r.status === 429) refused = r;
        else await r.arrayBuffer();
      }
      expect(refused?.status).toBe(429);
      expect(refused!.headers.get('content-type')).toMatch(/problem\+json/);
      expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await refused!.json()) as Json).reason).toBe('concurrent');
      const before = await tableChecksums(app.db);
      const grades = await fetch(`${other.url}/api/v1/grades/compute`, {
        method: 'POST',
        headers: { cookie: leader, 'content-type': 'application/json' },
        body: JSON.stringify({ from: '2026-01-01T00:00:00+08:00', to: '2026-06-01T00:00:00+08:00' }),
      });
      expect(grades.status).toBe(429);
      expect(await tableChecksums(app.db), 'a refused grade computation stores nothing').toEqual(before);
      expect(
        (await fetch(`${other.url}/api/v1/planning/workload`, { headers: { cookie: second } })).status,
        'another user',
      ).toBe(200);
      expect(
        (await fetch(`${other.url}/api/v1/grids?limit=1`, { headers: { cookie: leader } })).status,
        'a light read',
      ).toBe(200);
      expect((await fetch(`${other.url}/api/v1/health`)).status).toBe(200);
      held.end('"area"}');
      expect(await heldDone).toBe(200);
      expect(
        (await fetch(`${other.url}/api/v1/planning/workload`, { headers: { cookie: leader } })).status,
        'the slot is free again',
      ).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('when a user has used up their CPU time for the minute, then heavy analyses answer 429 with a Retry-After within the minute; another user still runs', async () => {
    const other = await otherApp({
      fairUse: { concurrentPerUser: 4, concurrentTotal: 10, cpuMsPerWindow: 1, windowMs: 60_000 },
    });
    try {
      const leader = await app.as('cpu-leader', 'leader');
      const first = await fetch(`${other.url}/api/v1/planning/workload`, { headers: { cookie: leader } });
      expect(first.status).toBe(200);
      await first.arrayBuffer();
      const second = await fetch(`${other.url}/api/v1/routing/reach?profile=car`, { headers: { cookie: leader } });
      expect(second.status).toBe(429);
      const retry = Number(second.headers.get('retry-after'));
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(60);
      expect(((await second.json()) as Json).reason).toBe('cpu');
      const fresh = await app.as('cpu-leader-2', 'leader');
      expect((await fetch(`${other.url}/api/v1/planning/workload`, { headers: { cookie: fresh } })).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe('filter values are parsed at the edge', () => {
  it('when a list filter has a value its column cannot hold, then 400 problem+json naming the query field (not a 500 from SQL)', async () => {
    const bad: [string, string][] = [
      ['incidents', 'occurred_at=garbage'],
      ['incidents', 'occurred_at=2026-13-01T00:00:00Z'],
      ['incidents', 'severity=abc'],
      ['incidents', 'severity=99999999999'],
      ['incidents', 'severity='],
      ['cameras', 'networked=yes'],
      ['cameras', 'installed_on=2026-02-30'],
      ['cameras', 'installed_on=yesterday'],
      ['cameras', 'status=broken'],
      ['cameras', 'heading_deg=1e999'],
      ['cameras', 'heading_deg=north'],
      ['grids', 'population=1.5'],
      ['grids', 'kind=other'],
      ['grids', 'code=DROP'],
      ['beats', 'station_id=1;2'],
      ['beats', 'station_id=12345678901234567890'],
      ['incidents', 'occurred_at[gt]=2026-01-01T00:00:00Z'],
    ];
    const before = await tableChecksums(app.db);
    for (const [layer, q] of bad) {
      const r = await app.call('GET', `/api/v1/${layer}?${q}`);
      expect(r.status, `${layer}?${q}: ${JSON.stringify(r.json)}`).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/problem\+json/);
      expect((r.json as Json).errors[0].path).toBe(`query.${q.split(/[=[]/)[0]}`);
    }
    expect(await tableChecksums(app.db)).toEqual(before);
  });

  it('when filter values are good, then they match what SQL counts', async () => {
    const inc = await one<{ at: Date; n: number }>(
      'SELECT occurred_at AS at, count(*) OVER (PARTITION BY occurred_at)::int AS n FROM incident ORDER BY id LIMIT 1',
    );
    const at = new Date(inc.at).toISOString();
    const byTime = await app.call('GET', `/api/v1/incidents?occurred_at=${encodeURIComponent(at)}`);
    expect(byTime.status).toBe(200);
    expect((byTime.json as Json).numberMatched).toBe(inc.n);
    const working = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM camera WHERE status = 'working' AND networked`,
    );
    const cams = await app.call('GET', '/api/v1/cameras?status=working&networked=true&limit=1');
    expect((cams.json as Json).numberMatched).toBe(working.n);
    const sev = await one<{ n: number }>('SELECT count(*)::int AS n FROM incident WHERE severity = 2');
    expect(((await app.call('GET', '/api/v1/incidents?severity=2&limit=1')).json as Json).numberMatched).toBe(sev.n);
  });
});

describe('sign-in answers do not tell which accounts exist', () => {
  it(`when an unknown name and a real account each fail ${MAX_FAILED_SIGN_INS} times, then both answer 401 ×${MAX_FAILED_SIGN_INS} then the same 423`, async () => {
    // A fresh app: its per-address sign-in limiter has counted nothing (the test users above signed in on the other).
    const other = await otherApp({});
    try {
      await app.as('oracle-real', 'leader');
      const run = async (username: string) => {
        const out: { status: number; body: Json }[] = [];
        for (let i = 0; i <= MAX_FAILED_SIGN_INS; i++) {
          const r = await postJson(`${other.url}/api/v1/session`, { username, password: `wrong password ${i}` });
          out.push({ status: r.status, body: (await r.json()) as Json });
        }
        return out;
      };
      const real = await run('oracle-real');
      const unknown = await run('oracle-nobody');
      const expected = [...Array(MAX_FAILED_SIGN_INS).fill(401), 423];
      expect(real.map((r) => r.status)).toEqual(expected);
      expect(unknown.map((r) => r.status)).toEqual(expected);
      // The lock's end is a time (it differs by the milliseconds between the runs): compared by its form.
      const iso = /\d{4}-\d\d-\d\dT[0-9:.]+Z/g;
      const shape = (b: Json) => ({
        ...b,
        title: String(b.title).replace(iso, 'T'),
        lockedUntil: typeof b.lockedUntil,
      });
      expect(unknown.map((r) => shape(r.body))).toEqual(real.map((r) => shape(r.body)));
      const lockMs = Date.parse(unknown.at(-1)!.body.lockedUntil) - Date.now();
      expect(lockMs).toBeGreaterThan(14 * 60_000);
      expect(lockMs).toBeLessThanOrEqual(15 * 60_000);
      // No row is stored for the unknown name beyond the audit trail every failure already writes.
      expect(
        (await one<{ n: number }>(`SELECT count(*)::int AS n FROM app_user WHERE username = 'oracle-nobody'`)).n,
      ).toBe(0);
    } finally {
      await other.close();
    }
  });
});

describe('what anonymous callers learn', () => {
  it('when health is asked anonymously, then only { status }; signed in, the database mode and versions', async () => {
    const anon = await fetch(`${app.url}/api/v1/health`);
    expect(anon.status).toBe(200);
    expect(await anon.json()).toEqual({ status: 'ok' });
    const signed = (await app.call('GET', '/api/v1/health')).json as Json;
    expect(signed.status).toBe('ok');
    expect(signed.database.mode).toMatch(/^(embedded|server)$/);
    expect(signed.database.postgis).toMatch(/^3\./);
  });

  it('when the OpenAPI document is asked anonymously, then 401 problem+json; signed in, the document', async () => {
    const anon = await fetch(`${app.url}/api/openapi.json`);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('content-type')).toMatch(/problem\+json/);
    const signed = await app.call('GET', '/api/openapi.json');
    expect(signed.status).toBe(200);
    expect((signed.json as Json).openapi).toBe('3.1.0');
  });
});

describe('the session cookie is Secure over HTTPS', () => {
  const signInCookie = async (base: string, headers: Record<string, string>, agent?: https.Agent): Promise<string> => {
    const password = 'cookie test password';
    if (!(await one<{ n: number }>(`SELECT count(*)::int AS n FROM app_user WHERE username = 'cookie-user'`)).n) {
      expect(
        (await app.call('POST', '/api/v1/users', { username: 'cookie-user', role: 'leader', password })).status,
      ).toBe(201);
    }
    const body = JSON.stringify({ username: 'cookie-user', password });
    const url = new URL(`${base}/api/v1/session`);
    return new Promise((resolve, reject) => {
      const req = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            ...headers,
          },
        },
        (res) => {
          res.resume();
          expect(res.statusCode).toBe(200);
          resolve(String(res.headers['set-cookie']?.[0] ?? ''));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  };

  it('when signed in over plain HTTP, then not Secure; a client claiming HTTPS by header without a trusted proxy is not believed', async () => {
    const plain = await otherApp({});
    try {
      expect(await signInCookie(plain.url, {})).not.toMatch(/;\s*Secure/i);
      expect(await signInCookie(plain.url, { 'x-forwarded-proto': 'https' })).not.toMatch(/;\s*Secure/i);
    } finally {
      await plain.close();
    }
  });

  it('when the request came through a trusted proxy over HTTPS (GRIDPATROL_TRUST_PROXY), or straight over HTTPS, then the cookie is Secure', async () => {
    const proxied = await otherApp({ trustProxy: 'loopback' });
    try {
      const c = await signInCookie(proxied.url, { 'x-forwarded-proto': 'https' });
      expect(c).toMatch(/;\s*Secure/i);
      expect(c).toMatch(/HttpOnly/);
      expect(await signInCookie(proxied.url, { 'x-forwarded-proto': 'http' })).not.toMatch(/;\s*Secure/i);
    } finally {
      await proxied.close();
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'gp-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          path.join(dir, 'key.pem'),
          '-out',
          path.join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      const express = createApp({ db: app.db, logger: pino({ level: 'silent' }) });
      const tls = await listen(
        express,
        https.createServer(
          { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) },
          express,
        ),
      );
      try {
        // The test's own throwaway certificate: not verified.
        const agent = new https.Agent({ rejectUnauthorized: false });
        expect(await signInCookie(tls.url, {}, agent)).toMatch(/;\s*Secure/i);
      } finally {
        await tls.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
