import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedThreadOf, openDb } from './client.js';
import { openTestDb, testDbKind, type TestDb } from '../../test/helpers/test-db.js';

/**
 * The `Db` contract both databases keep, now that the embedded one runs on its own thread: the same value types,
 * Postgres error fields (pg-errors.ts maps them), transactions that commit or roll back with others waiting, and
 * (embedded) a dead thread that rejects instead of hanging.
 */
let t: TestDb;
beforeAll(async () => {
  t = await openTestDb({ migrate: false });
  await t.db.exec("CREATE TABLE thr (id int PRIMARY KEY, v text NOT NULL CHECK (v <> ''))");
});
afterAll(async () => t?.dispose());

describe('the Db interface over the embedded thread and the server', () => {
  it('when values come back, then int8 is a number, timestamptz a Date, json parsed and bytea bytes', async () => {
    const [first] = await t.db.query<Record<string, unknown>>(
      `SELECT 9007199254740::int8 AS big, '2026-01-02T03:04:05Z'::timestamptz AS at, '{"a":[1,"x"]}'::jsonb AS j,
              '\\x00ff10'::bytea AS b, 1.5::numeric AS num, ARRAY[1,2]::int[] AS arr, NULL::text AS nothing`,
    );
    const row = first ?? {};
    expect(row.big).toBe(9007199254740);
    expect(row.at).toBeInstanceOf(Date);
    expect((row.at as Date).toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(row.j).toEqual({ a: [1, 'x'] });
    expect(row.b).toBeInstanceOf(Uint8Array);
    expect([...(row.b as Uint8Array)]).toEqual([0, 255, 16]);
    expect(row.num).toBe('1.5');
    expect(row.arr).toEqual([1, 2]);
    expect(row.nothing).toBeNull();
  });

  it('when a constraint is broken, then the error carries code, detail and constraint', async () => {
    await t.db.query('INSERT INTO thr VALUES ($1, $2)', [1, 'a']);
    const dup = await t.db.query('INSERT INTO thr VALUES ($1, $2)', [1, 'b']).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(Error);
    expect(dup).toMatchObject({ code: '23505', constraint: 'thr_pkey', detail: 'Key (id)=(1) already exists.' });
    const check = await t.db.query("INSERT INTO thr VALUES (2, '')").catch((e: unknown) => e);
    expect(check).toMatchObject({ code: '23514', constraint: 'thr_v_check' });
  });

  it('when a transaction throws, then nothing of it stays; when it resolves, all of it does, and a query from outside waits for it', async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query("INSERT INTO thr VALUES (10, 'x')");
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const inside = t.db.transaction(async (tx) => {
      await tx.query("INSERT INTO thr VALUES (11, 'y')");
      await held;
      await tx.query("INSERT INTO thr VALUES (12, 'z')");
      return 'ok';
    });
    const outside = t.db.query<{ ids: number[] }>('SELECT array_agg(id ORDER BY id) AS ids FROM thr');
    setTimeout(release, 50);
    expect(await inside).toBe('ok');
    // Embedded, PGlite serialises the outside query after the transaction; on the server it sees the committed state
    // before the transaction (read committed) — either way never half of it.
    const ids = (await outside)[0]?.ids;
    expect([[1, 11, 12], [1]]).toContainEqual(ids);
    expect((await t.db.query<{ ids: number[] }>('SELECT array_agg(id ORDER BY id) AS ids FROM thr'))[0]?.ids).toEqual([
      1, 11, 12,
    ]);
  });

  it('when CSV is copied in, then its quoted fields arrive whole', async () => {
    await t.db.copyCsv('thr', ['id', 'v'], '20,"a,b"\n21,"say ""hi"""\n');
    expect(await t.db.query('SELECT v FROM thr WHERE id >= 20 ORDER BY id')).toEqual([{ v: 'a,b' }, { v: 'say "hi"' }]);
  });

  it.runIf(testDbKind() === 'embedded')(
    'when the embedded thread dies mid-query, then that query and every later one reject with why, and a dump reopens',
    async () => {
      const dump = await t.db.dumpDataDir?.();
      expect(dump?.size).toBeGreaterThan(1000);
      const db = await openDb({ loadDataDir: dump, schema: t.schema });
      expect(await db.query('SELECT count(*)::int AS n FROM thr')).toEqual([{ n: 5 }]);
      const thread = embeddedThreadOf(db);
      expect(thread).toBeDefined();
      const slow = db.query('SELECT count(*) FROM generate_series(1, 200000000)');
      await new Promise((r) => setTimeout(r, 30));
      await thread?.terminate();
      await expect(slow).rejects.toThrow(/embedded database thread stopped/);
      await expect(db.query('SELECT 1')).rejects.toThrow(/embedded database thread stopped/);
      await db.close();
    },
  );
});
