import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridDisk, latLngToCell } from 'h3-js';
import { h3Hotspots } from '../../src/engines/hotspots/index.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

/**
 * A second, independent Gi* implementation in SQL (the formula written again as set operations) on the same cells and
 * the same neighbour pairs; the engine must agree with it to 1e-9 on both databases.
 */
const GI_STAR_SQL = `
  WITH stats AS (
    SELECT count(*)::float8 AS n, avg(x) AS xbar, sqrt(avg(x * x) - avg(x) * avg(x)) AS s FROM gi_cell
  ), local AS (
    SELECT p.i, sum(c.x) AS sx, count(*)::float8 AS w
    FROM gi_pair p JOIN gi_cell c ON c.h3 = p.j GROUP BY p.i
  )
  SELECT l.i AS h3, (l.sx - st.xbar * l.w) / (st.s * sqrt((st.n * l.w - l.w * l.w) / (st.n - 1))) AS z
  FROM local l CROSS JOIN stats st ORDER BY l.i`;

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb({ migrate: false });
  await t.db.exec(
    'CREATE TABLE gi_cell (h3 text PRIMARY KEY, x float8 NOT NULL); CREATE TABLE gi_pair (i text, j text)',
  );
});
afterAll(async () => t?.dispose());

describe('Gi* engine vs SQL', () => {
  it('when 331 cells with skewed counts are scored with k = 1 and k = 2, then every z agrees to 1e-9', async () => {
    const centre = latLngToCell(32.04, 118.78, 9);
    const cells = gridDisk(centre, 10); // 331 cells
    let s = 12345;
    const rnd = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    // Skewed like incident counts: mostly small, a few large.
    const counts = new Map(cells.map((c) => [c, Math.floor(-Math.log(1 - rnd()) * 8)]));
    await t.db.query('INSERT INTO gi_cell SELECT * FROM unnest($1::text[], $2::float8[])', [
      cells,
      cells.map((c) => counts.get(c)),
    ]);
    for (const k of [1, 2]) {
      const set = new Set(cells);
      const pairs = cells.flatMap((c) =>
        gridDisk(c, k)
          .filter((d) => set.has(d))
          .map((d) => [c, d] as const),
      );
      await t.db.exec('TRUNCATE gi_pair');
      await t.db.query('INSERT INTO gi_pair SELECT * FROM unnest($1::text[], $2::text[])', [
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      ]);
      const sql = await t.db.query<{ h3: string; z: number }>(GI_STAR_SQL);
      const engine = new Map(h3Hotspots(counts, { kRing: k }).map((r) => [r.h3, r.z]));
      expect(sql).toHaveLength(cells.length);
      let maxDiff = 0;
      for (const row of sql) maxDiff = Math.max(maxDiff, Math.abs(row.z - (engine.get(row.h3) ?? Number.NaN)));
      expect(maxDiff, `k=${k}: largest |z_engine − z_sql|`).toBeLessThan(1e-9);
    }
  });
});
