import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAYERS } from '../../src/contract/layers.js';
import { insertFeatures } from '../../src/db/bulk-insert.js';
import type { Queryable } from '../../src/db/client.js';
import { incidentCells, type IncidentCellFilter } from '../../src/db/repos/incident-cells.repo.js';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

// Incidents split by month (migration 017): rows land in their month, queries for a period read only the months
// it overlaps (shown by EXPLAIN of the repo's own SQL), and a month can be archived and brought back.

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
  await loadDemoCity(t.db, { seed: 20261125, incidents: 20_000 });
});
afterAll(async () => t?.dispose());

async function rows<R>(sql: string, params: unknown[] = []): Promise<R[]> {
  return t.db.query<R>(sql, params);
}

/** incident_local's month partitions with their UTC bounds, read from the catalogue (not from the function's code). */
async function monthPartitions(): Promise<{ name: string; lo: Date; hi: Date }[]> {
  const parts = await rows<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'incident_local'::regclass AND c.relname <> 'incident_local_rest' ORDER BY 1`,
  );
  return parts.map((p) => {
    const m = /FROM \('([^']+)'\) TO \('([^']+)'\)/.exec(p.bound);
    if (!m?.[1] || !m[2]) throw new Error(`unexpected bound ${p.bound}`);
    return { name: p.name, lo: new Date(m[1]), hi: new Date(m[2]) };
  });
}

/** Every table a plan reads, from EXPLAIN's JSON. */
function relationsOf(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) relationsOf(n, into);
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'Relation Name' && typeof v === 'string') into.add(v);
      else relationsOf(v, into);
    }
  }
  return into;
}

/** The tables the planner reads for the repo's incident-cells query, by EXPLAIN of exactly its SQL and parameters. */
async function tablesReadByCells(f: IncidentCellFilter): Promise<Set<string>> {
  const seen: { sql: string; params: readonly unknown[] }[] = [];
  const capture: Queryable = {
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      seen.push({ sql, params });
      return [] as Row[];
    },
    exec: async () => undefined,
  };
  await incidentCells(capture, f);
  const [q] = seen;
  if (!q) throw new Error('incidentCells sent no query');
  const [plan] = await t.db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${q.sql}`, q.params);
  return relationsOf(plan?.['QUERY PLAN']);
}

describe('incidents partitioned by month', () => {
  it('when the demo city is loaded, then every incident sits in the partition of its own UTC month and none in the catch-all', async () => {
    const byMonth = await rows<{ month: string; n: number }>(
      `SELECT to_char(date_trunc('month', occurred_at AT TIME ZONE 'UTC'), 'YYYY_MM') AS month, count(*)::int AS n
       FROM incident GROUP BY 1 ORDER BY 1`,
    );
    const byPartition = await rows<{ part: string; n: number }>(
      'SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM incident GROUP BY 1 ORDER BY 1',
    );
    expect(byMonth.reduce((s, r) => s + r.n, 0)).toBe(20_000);
    expect(byMonth.length).toBeGreaterThanOrEqual(12);
    expect(byPartition).toEqual(byMonth.map((r) => ({ part: `incident_m${r.month}`, n: r.n })));
    const parts = await monthPartitions();
    expect(parts.map((p) => p.name)).toEqual(byMonth.map((r) => `incident_m${r.month}`));
    for (const p of parts) {
      expect(p.lo.getUTCDate()).toBe(1);
      expect(p.lo.getUTCHours()).toBe(0);
      expect(p.hi.getUTCMonth()).toBe((p.lo.getUTCMonth() + 1) % 12);
    }
  });

  it('when cells are asked for ten local days, then the plan reads only the month partition those days fall in', async () => {
    const parts = await monthPartitions();
    const mid = parts[Math.floor(parts.length / 2)];
    if (!mid) throw new Error('no partitions');
    // Days 10–20 of that month at UTC+8: inside one UTC month whatever the month.
    const from = new Date(mid.lo.getTime() + 9 * 86_400_000 - 8 * 3_600_000);
    const to = new Date(from.getTime() + 10 * 86_400_000);
    const read = await tablesReadByCells({ res: 8, from: from.toISOString(), to: to.toISOString() });
    expect([...read]).toEqual([mid.name]);
    // The same question answered on the one partition alone gives the same counts (pruning lost nothing).
    const cells = await incidentCells(t.db, { res: 8, from: from.toISOString(), to: to.toISOString() });
    const direct = await rows<{ h3: string; n: number }>(
      `SELECT to_hex(h3_r8) AS h3, count(*)::int AS n FROM ${mid.name}
       WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY h3_r8 ORDER BY h3_r8`,
      [from, to],
    );
    expect(cells).toEqual(direct);
    expect(cells.reduce((s, c) => s + c.n, 0)).toBeGreaterThan(0);
  });

  it('when a local calendar month is asked for, then the plan reads exactly the UTC months it overlaps (two at UTC+8)', async () => {
    const parts = await monthPartitions();
    const i = Math.floor(parts.length / 2);
    const [prev, mid] = [parts[i - 1], parts[i]];
    if (!prev || !mid) throw new Error('too few partitions');
    // The local month starts 8 h before the UTC one: its first evening belongs to the previous UTC month.
    const from = new Date(mid.lo.getTime() - 8 * 3_600_000);
    const to = new Date(mid.hi.getTime() - 8 * 3_600_000);
    const expected = parts.filter((p) => p.lo < to && p.hi > from).map((p) => p.name);
    expect(expected).toEqual([prev.name, mid.name]);
    const read = await tablesReadByCells({ res: 8, from: from.toISOString(), to: to.toISOString(), hours: [20, 21] });
    expect([...read].sort()).toEqual(expected);
    // With no period every month is read: the plan reader does see more than one partition when the plan has them.
    const all = await tablesReadByCells({ res: 8 });
    expect([...all].filter((n) => n.startsWith('incident_m')).sort()).toEqual(parts.map((p) => p.name));
  });

  it('when a row of a month without a partition comes in by plain SQL, then it waits in the catch-all until its month is made', async () => {
    await t.db.query(
      `INSERT INTO incident (occurred_at, category, h3_r7, h3_r8, h3_r9, h3_r10, geom)
       VALUES ('2031-07-15T12:00:00Z', 'test', 1, 2, 3, 4, ST_SetSRID(ST_MakePoint(118.79, 32.05), 4326))`,
    );
    const [before] = await rows<{ part: string; id: number }>(
      "SELECT tableoid::regclass::text AS part, id FROM incident WHERE occurred_at = '2031-07-15T12:00:00Z'",
    );
    expect(before?.part).toBe('incident_local_rest');
    const [made] = await rows<{ n: number }>(
      "SELECT incident_ensure_months(ARRAY['2031-07-15T12:00:00Z'::timestamptz, '2031-07-31T23:00:00Z']) AS n",
    );
    expect(made?.n).toBe(1);
    const after = await rows<{ part: string; id: number }>(
      "SELECT tableoid::regclass::text AS part, id FROM incident WHERE occurred_at = '2031-07-15T12:00:00Z'",
    );
    expect(after).toEqual([{ part: 'incident_m2031_07', id: before?.id }]);
    const [rest] = await rows<{ n: number }>('SELECT count(*)::int AS n FROM incident_local_rest');
    expect(rest?.n).toBe(0);
    await t.db.query("DELETE FROM incident WHERE occurred_at = '2031-07-15T12:00:00Z'");
  });

  it('when incidents come in without a district code, then each gets the district its point lies in (NULL outside)', async () => {
    const [inside] = await rows<{ x: number; y: number; code: string }>(
      `SELECT ST_X(p) AS x, ST_Y(p) AS y, code FROM (SELECT ST_PointOnSurface(geom) AS p, code FROM admin_area
        WHERE level = 'district' ORDER BY code LIMIT 1) s`,
    );
    const point = (lon: number, lat: number) => ({ type: 'Point' as const, coordinates: [lon, lat] });
    const ids = await t.db.transaction((tx) =>
      insertFeatures(tx, LAYERS.incidents, [
        {
          geometry: point(inside!.x, inside!.y),
          properties: { category: 'test', occurred_at: '2026-05-02T01:00:00Z' },
        },
        // An explicit null is filled the same way; a point at sea lies in no district and keeps NULL.
        {
          geometry: point(inside!.x, inside!.y),
          properties: { category: 'test', occurred_at: '2026-05-02T02:00:00Z', district_code: null },
        },
        { geometry: point(122.5, 31.0), properties: { category: 'test', occurred_at: '2026-05-02T03:00:00Z' } },
      ]),
    );
    const got = await rows<{ id: number; district_code: string | null }>(
      'SELECT id, district_code FROM incident WHERE id = ANY($1::bigint[]) ORDER BY occurred_at',
      [ids],
    );
    expect(got.map((r) => r.district_code)).toEqual([inside!.code, inside!.code, null]);
    await t.db.query('DELETE FROM incident WHERE id = ANY($1::bigint[])', [ids]);
  });

  it('when a month is archived, then it leaves every count and the tile version moves; restored, it is all back', async () => {
    const parts = await monthPartitions();
    const first = parts[0];
    if (!first) throw new Error('no partitions');
    const count = async () => (await rows<{ n: number }>('SELECT count(*)::int AS n FROM incident'))[0]?.n ?? NaN;
    const version = async () =>
      (await rows<{ v: number }>("SELECT version::int AS v FROM table_version WHERE table_name = 'incident'"))[0]?.v ??
      NaN;
    const [inMonth] = await rows<{ n: number }>(`SELECT count(*)::int AS n FROM ${first.name}`);
    const n0 = await count();
    const v0 = await version();
    const cells0 = await incidentCells(t.db, { res: 7 });
    const [archived] = await rows<{ name: string }>('SELECT incident_archive_month($1::date) AS name', [
      first.lo.toISOString().slice(0, 10),
    ]);
    expect(archived?.name).toBe(`${first.name}_archived`);
    expect(await count()).toBe(n0 - (inMonth?.n ?? NaN));
    expect(await version()).toBe(v0 + 1);
    const [kept] = await rows<{ n: number }>(`SELECT count(*)::int AS n FROM ${first.name}_archived`);
    expect(kept?.n).toBe(inMonth?.n);
    const cells1 = await incidentCells(t.db, { res: 7 });
    expect(cells1.reduce((s, c) => s + c.n, 0)).toBe(n0 - (inMonth?.n ?? NaN));

    await t.db.query('SELECT incident_restore_month($1::date)', [first.lo.toISOString().slice(0, 10)]);
    expect(await count()).toBe(n0);
    expect(await version()).toBe(v0 + 2);
    expect(await incidentCells(t.db, { res: 7 })).toEqual(cells0);
  });
});
