import { gridDistance } from 'h3-js';
import type { Db } from '../src/db/client.js';
import { insertFeatures } from '../src/db/bulk-insert.js';
import { LAYERS } from '../src/contract/layers.js';
import { incidentCells } from '../src/db/repos/incident-cells.repo.js';
import { incidentsByArea } from '../src/db/repos/incident-analysis.repo.js';
import { generateDemoCity } from '../src/engines/demo/index.js';
import { h3Hotspots } from '../src/engines/hotspots/index.js';
import { loadDemoCity } from '../src/services/demo-city.service.js';
import { medianMs, sized, type BenchContext, type BenchRow, type BenchSuite } from './harness.js';

/**
 * Incidents at city scale: 1,000,000 generated incidents (the demo district's hot spots, a year) —
 * - ingest through the bulk-insert path (validation-free rows, H3 ids computed) vs a bare COPY of the same stored rows;
 * - H3 res-9 counts for a date range and evening hours (GROUP BY on the stored ids) vs a bare count(*) of the same
 *   filter (the scan floor; goal ≤ 2 s embedded), and incidents per grid for the same filter (the spatial join
 *   /incidents/areas and the grades run) against the same floor;
 * - Gi* over all non-empty cells (+ the study area's empty ones) with k-ring neighbours vs the naive search that
 *   compares every pair of cells (gridDistance), on the same cells.
 */

const COUNT = sized(1_000_000, 3_000);
const SEED = 20261125;
const COLUMNS = [
  'occurred_at',
  'category',
  'severity',
  'source',
  'h3_r7',
  'h3_r8',
  'h3_r9',
  'h3_r10',
  'district_code',
  'geom',
];
const csvField = (v: unknown) => (v === null || v === undefined ? '' : `"${String(v).replaceAll('"', '""')}"`);

/** The stored rows as CSV, dumped from the first database loaded and reused (the rows are the same on both). */
let storedCsv: string | undefined;

async function ingestRows(
  db: Db,
  on: string,
  rows: Parameters<typeof insertFeatures>[2],
  log: (m: string) => void,
): Promise<BenchRow> {
  await db.exec('TRUNCATE incident RESTART IDENTITY');
  log(`${on}: inserting ${rows.length} incidents`);
  const t0 = performance.now();
  await db.transaction((tx) => insertFeatures(tx, LAYERS.incidents, rows));
  const ours = performance.now() - t0;
  if (storedCsv === undefined) {
    log(`${on}: dumping them as CSV for COPY`);
    const dumped = await db.query<Record<string, unknown>>(
      `SELECT occurred_at::text, category, severity, source, h3_r7::text, h3_r8::text, h3_r9::text, h3_r10::text, district_code,
         ST_AsEWKT(geom) AS geom FROM incident ORDER BY id`,
    );
    storedCsv = dumped.map((r) => COLUMNS.map((c) => csvField(r[c])).join(',')).join('\n');
  }
  const csv = storedCsv;
  await db.exec('TRUNCATE incident RESTART IDENTITY');
  const t1 = performance.now();
  await db.copyCsv('incident', COLUMNS, csv);
  const copy = performance.now() - t1;
  return {
    operation: 'ingest incidents (bulk insert, H3 r7–r10)',
    on,
    size: `${rows.length.toLocaleString('en')} rows`,
    oursMs: ours,
    reference: 'bare COPY of the stored rows',
    referenceMs: copy,
    note: `${Math.round(rows.length / (ours / 1000)).toLocaleString('en')} rows/s vs ${Math.round(rows.length / (copy / 1000)).toLocaleString('en')}`,
  };
}

/** Gi* with neighbours found by comparing every pair of cells: the O(n²) way. */
function naiveGiStar(values: ReadonlyMap<string, number>, k: number): Map<string, number> {
  const cells = [...values.keys()];
  const x = cells.map((c) => values.get(c) ?? 0);
  const n = cells.length;
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const s = Math.sqrt(x.reduce((a, b) => a + b * b, 0) / n - mean * mean);
  const z = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    let w = 0,
      sum = 0;
    for (let j = 0; j < n; j++) {
      if (gridDistance(cells[i] ?? '', cells[j] ?? '') <= k) {
        w++;
        sum += x[j] ?? 0;
      }
    }
    z.set(cells[i] ?? '', (sum - mean * w) / (s * Math.sqrt((n * w - w * w) / (n - 1))));
  }
  return z;
}

const suite: BenchSuite = {
  name: 'incidents',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    ctx.log(`generating ${COUNT.toLocaleString('en')} incidents`);
    const incidents = generateDemoCity(SEED, { incidents: COUNT }).incidents;
    const dbs: [string, Db][] = [
      ['embedded', ctx.embedded],
      ...(ctx.server ? [['server', ctx.server] as [string, Db]] : []),
    ];
    const filter = {
      res: 9 as const,
      from: '2026-03-01T00:00:00+08:00',
      to: '2026-09-01T00:00:00+08:00',
      hours: [19, 20, 21, 22],
    };
    for (const [on, db] of dbs) {
      await loadDemoCity(db, { seed: SEED, incidents: 0 });
      rows.push(await ingestRows(db, on, incidents, ctx.log));
      await db.exec('ANALYZE incident');
      const cells = await incidentCells(db, filter);
      const scanMs = await medianMs(() =>
        db.query(
          `SELECT count(*) FROM incident WHERE occurred_at >= $1 AND occurred_at < $2
          AND extract(hour FROM occurred_at AT TIME ZONE 'Asia/Shanghai')::int = ANY($3::int[])`,
          [filter.from, filter.to, filter.hours],
        ),
      );
      rows.push({
        operation: 'H3 r9 counts, 6 months × 19–23 h',
        on,
        size: `${cells.length} cells, ${cells.reduce((a, c) => a + c.n, 0).toLocaleString('en')} incidents`,
        oursMs: await medianMs(() => incidentCells(db, filter)),
        goal: on === 'embedded' ? '≤ 2 s' : undefined,
        reference: 'bare count(*) of the same filter',
        referenceMs: scanMs,
      });
      const { res: _res, ...areaFilter } = filter;
      const grids = await incidentsByArea(db, 'grid', areaFilter);
      rows.push({
        operation: 'incidents per grid (spatial join), same filter',
        on,
        size: `${grids.length} grids, ${grids.reduce((a, g) => a + g.incidents, 0).toLocaleString('en')} incidents`,
        oursMs: await medianMs(() => incidentsByArea(db, 'grid', areaFilter), 3),
        reference: 'bare count(*) of the same filter',
        referenceMs: scanMs,
      });
    }
    // Gi* on the cells of the last database loaded (the engine is the same whatever the database).
    const db = dbs[dbs.length - 1]![1];
    for (const res of [9, 10] as const) {
      const cells = await incidentCells(db, { res });
      const values = new Map(cells.map((c) => [c.h3, c.n]));
      const naive = naiveGiStar(values, 1);
      const ours = h3Hotspots(values, { kRing: 1 });
      const worst = Math.max(...ours.map((c) => Math.abs(c.z - (naive.get(c.h3) ?? Number.NaN))));
      rows.push({
        operation: `Gi* (k = 1, FDR) on all non-empty r${res} cells`,
        on: 'engine',
        size: `${values.size.toLocaleString('en')} cells`,
        oursMs: await medianMs(async () => h3Hotspots(values, { kRing: 1 }), 5),
        reference: 'naive O(n²) neighbour search',
        referenceMs: await medianMs(async () => naiveGiStar(values, 1), 1, 0),
        note: `max |Δz| ${worst.toExponential(1)}`,
      });
    }
    return rows;
  },
};

export default suite;
