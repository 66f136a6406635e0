import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/client.js';
import { reshapeGrids } from '../../src/db/repos/area-edits.repo.js';
import { createUser } from '../../src/services/auth.service.js';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { openTestDb, testDbKind, type TestDb } from '../helpers/test-db.js';

/**
 * Faults on the PostgreSQL server: a process killed in the middle of an import, a connection dropped in the middle of
 * an edit, the server killed and restarted while edits stream in. Afterwards nothing is half-written and no
 * acknowledged edit is lost. (Embedded PGlite lives inside the app's own process: there is no separate connection to
 * drop; its transactions are covered by the same repository code.)
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');
// Node itself with tsx as a loader, not the tsx wrapper: a SIGKILL must hit the process that holds the connections.
const NODE_TS = [process.execPath, '--import', 'tsx'];
const onServer = testDbKind() === 'server';
let t: TestDb;
let dir: string;

beforeAll(async () => {
  if (!onServer) return;
  t = await openTestDb();
  await loadDemoCity(t.db, { seed: 20261125, incidents: 500 });
  dir = await mkdtemp(path.join(tmpdir(), 'gp-fault-'));
});
afterAll(async () => {
  await t?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Resolves with the first stdout line matching, while the child runs. */
function waitForLine(child: ChildProcess, re: RegExp, ms = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no line ${re} within ${ms} ms; saw: ${buf.slice(-500)}`)), ms);
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n').find((l) => re.test(l));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited ${code} before ${re}; saw: ${buf.slice(-500)}`));
    });
  });
}
const one = async <R>(db: Db, sql: string, params: unknown[] = []) => (await db.query<R>(sql, params))[0] as R;

describe.skipIf(!onServer)('faults on the server database', () => {
  it('when an import is killed halfway through writing, then none of its rows and no audit row remain', async () => {
    const rows = 400_000;
    const lines = ['lon,lat,occurred_at,category'];
    for (let i = 0; i < rows; i++)
      lines.push(
        `${(118.75 + (i % 1000) * 0.00005).toFixed(6)},${(32.02 + Math.floor(i / 1000) * 0.0002).toFixed(6)},2026-03-01T08:00:00+08:00,盗窃`,
      );
    const file = path.join(dir, 'big.csv');
    await writeFile(file, lines.join('\n'));
    const before = await one<{ n: number; a: number }>(
      t.db,
      `SELECT (SELECT count(*)::int FROM incident) AS n, (SELECT count(*)::int FROM audit_log) AS a`,
    );
    const child = spawn(
      NODE_TS[0]!,
      [...NODE_TS.slice(1), path.join(import.meta.dirname, 'import-child.ts'), t.schema, file],
      { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // Kill once rows are going to the database (the COPY batches report progress), long before the last batch.
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const line = await waitForLine(child, /progress incidents /);
    child.kill('SIGKILL');
    console.log(`import killed at "${line.trim()}"`);
    await new Promise((r) => child.once('exit', r));
    // The server notices the dropped connection and rolls the transaction back.
    for (let i = 0; i < 50; i++) {
      const busy = await one<{ n: number }>(
        t.db,
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' OR (state = 'active' AND query ILIKE '%COPY%incident%')`,
      );
      if (busy.n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const after = await one<{ n: number; a: number }>(
      t.db,
      `SELECT (SELECT count(*)::int FROM incident) AS n, (SELECT count(*)::int FROM audit_log) AS a`,
    );
    expect(out, 'the import must not have finished before the kill').not.toContain('imported');
    expect(after, 'incidents and audit rows after the killed import').toEqual(before);
  });

  it('when the connection is dropped in the middle of an edit, then the edit fails and neither the grid, its version nor an audit row changed', async () => {
    const g = await one<{ code: string; version: number; shape: unknown; households: number }>(
      t.db,
      'SELECT code, version, households, ST_AsGeoJSON(ST_Buffer(geom, -0.00001))::json AS shape FROM grid ORDER BY code OFFSET 3 LIMIT 1',
    );
    const editor = await openDb({ databaseUrl: process.env.DATABASE_URL, schema: t.schema, maxConnections: 1 });
    const auditBefore = await one<{ n: number }>(t.db, 'SELECT count(*)::int AS n FROM audit_log');
    try {
      const attempt = editor.transaction(async (tx) => {
        await tx.query('UPDATE grid SET households = households + 1000 WHERE code = $1', [g.code]);
        // Halfway: this connection is cut by the server (an administrator, a failover, a network fault).
        const [{ pid }] = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
        await t.db.query('SELECT pg_terminate_backend($1)', [pid]);
        await reshapeGrids({ tx, actor: 'fault-test' }, [
          { code: g.code, version: g.version, geometry: g.shape as never },
        ]);
      });
      await expect(attempt).rejects.toThrow();
    } finally {
      await editor.close().catch(() => undefined);
    }
    const now = await one<{ version: number; households: number }>(
      t.db,
      'SELECT version, households FROM grid WHERE code = $1',
      [g.code],
    );
    expect(now).toEqual({ version: g.version, households: g.households });
    expect((await one<{ n: number }>(t.db, 'SELECT count(*)::int AS n FROM audit_log')).n).toBe(auditBefore.n);
    expect(
      (
        await one<{ n: number }>(t.db, `SELECT count(*)::int AS n FROM area_version WHERE code = $1 AND version > $2`, [
          g.code,
          g.version,
        ])
      ).n,
    ).toBe(0);
  });

  it("when the app server is killed while edits stream in and started again, then every acknowledged edit is there and every grid's version matches its audit rows", async () => {
    const password = randomBytes(12).toString('base64url');
    await createUser(t.db, 'fault-test', { username: 'fault-clerk', role: 'grid_office', password });
    const start = async () => {
      const child = spawn(NODE_TS[0]!, [...NODE_TS.slice(1), path.join(ROOT, 'server/src/main.ts')], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PORT: '0', GRIDPATROL_DEMO: '0', GRIDPATROL_DB_SCHEMA: t.schema, LOG_LEVEL: 'warn' },
      });
      const line = await waitForLine(child, /running at http/);
      const url = /(http:\/\/[^/\s]+)/.exec(line)?.[1] as string;
      const res = await fetch(`${url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'fault-clerk', password }),
      });
      return { child, url, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] as string };
    };
    const grids = await t.db.query<{ id: number; version: number; households: number }>(
      'SELECT id::int AS id, version, households FROM grid ORDER BY id LIMIT 150',
    );
    let app = await start();
    const acknowledged = new Map<number, { version: number; households: number }>();
    let sent = 0;
    const statuses = new Map<number, number>();
    let killed = false;
    const exited = new Promise((r) => app.child.once('exit', r));
    // Ten clients edit distinct grids; the server is killed once 40 edits are acknowledged.
    const client = async () => {
      for (;;) {
        const g = grids[sent++];
        if (!g) return;
        // An answer read in full is an acknowledgement; a dropped connection (the kill) is not.
        const answer = await fetch(`${app.url}/api/v1/grids/${g.id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', cookie: app.cookie },
          body: JSON.stringify({ version: g.version, properties: { households: g.households + 7 } }),
        })
          .then(async (res) => ({
            status: res.status,
            body: (await res.json()) as { properties: { version: number; households: number } },
          }))
          .catch(() => undefined);
        if (!answer) return; // the server is gone
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 200) {
          acknowledged.set(g.id, {
            version: answer.body.properties.version,
            households: answer.body.properties.households,
          });
          if (acknowledged.size === 40) {
            killed = true;
            app.child.kill('SIGKILL');
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, client));
    if (!killed) {
      app.child.kill('SIGKILL');
      throw new Error(
        `the kill never came: ${acknowledged.size} acknowledged; statuses ${JSON.stringify([...statuses])}`,
      );
    }
    await exited;
    expect(acknowledged.size).toBeGreaterThanOrEqual(40);
    expect(acknowledged.size, 'the kill cut the stream of edits').toBeLessThan(grids.length);
    app = await start();
    try {
      for (const [id, want] of acknowledged) {
        const res = await fetch(`${app.url}/api/v1/grids/${id}`, { headers: { cookie: app.cookie } });
        const f = (await res.json()) as { properties: { version: number; households: number } };
        expect(
          { version: f.properties.version, households: f.properties.households },
          `acknowledged edit of grid ${id}`,
        ).toEqual(want);
      }
      // Nothing half-written: each grid's version is 1 + its audit rows (edits of the demo load aside: none), and each
      // edited grid holds the edit exactly once.
      const mismatched = await t.db.query<{ id: number }>(
        `SELECT g.id FROM grid g WHERE g.id = ANY($1::bigint[]) AND
        g.version - 1 <> (SELECT count(*) FROM audit_log a WHERE a.entity = 'grid' AND a.entity_id = g.id::text AND a.action = 'update')`,
        [grids.map((g) => g.id)],
      );
      expect(mismatched, 'grids whose version and audit rows disagree').toEqual([]);
      const edited = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM grid WHERE id = ANY($1::bigint[]) AND version > 1`,
        [grids.map((g) => g.id)],
      );
      console.log(
        `restart during writes: ${sent} edits sent, ${acknowledged.size} acknowledged, ${edited[0]!.n} stored`,
      );
      expect(edited[0]!.n).toBeGreaterThanOrEqual(acknowledged.size);
    } finally {
      app.child.kill('SIGTERM');
    }
  }, 600_000);
});
