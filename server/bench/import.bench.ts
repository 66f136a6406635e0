import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../src/db/client.js';
import { importFile } from '../src/import/import.service.js';
import { type BenchContext, type BenchRow, type BenchSuite, sized } from './harness.js';

/**
 * Importing the Monaco extract (parse the PBF, validate, write roads, buildings and key places in one transaction)
 * against a bare `COPY` of the same road and building rows (EWKT geometry, CSV) into the same tables: rows per second,
 * goal ≥ 0.5× COPY's. Median of 3 runs each, tables emptied before every run.
 */
const MONACO = path.resolve(import.meta.dirname, '../../../shared/data/monaco/monaco.osm.pbf');
const RUNS = sized(3, 1);

const csvField = (v: unknown) => (v === null || v === undefined ? '' : `"${String(v).replaceAll('"', '""')}"`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function benchOn(db: Db, on: string, log: (m: string) => void): Promise<BenchRow> {
  const bytes = new Uint8Array(readFileSync(MONACO));
  const empty = () => db.exec('TRUNCATE road, building, key_place RESTART IDENTITY CASCADE');
  const ours: number[] = [];
  let rows = 0;
  for (let r = 0; r < RUNS; r++) {
    await empty();
    const t0 = performance.now();
    const report = await importFile(db, bytes, { fileName: 'monaco.osm.pbf', format: 'osm-pbf', actor: 'bench' });
    ours.push(performance.now() - t0);
    rows = (report.imported.roads ?? 0) + (report.imported.buildings ?? 0);
  }
  // The reference rows are exactly what the import wrote, read back as CSV with EWKT geometry.
  const roadCols = ['osm_id', 'name', 'road_class', 'oneway', 'speed_kmh', 'geom'];
  const buildingCols = ['osm_id', 'name', 'height_m', 'levels', 'geom'];
  const dump = async (table: string, cols: string[]) => {
    const out = await db.query<Record<string, unknown>>(
      `SELECT ${cols.map((c) => (c === 'geom' ? 'ST_AsEWKT(geom) AS geom' : c)).join(', ')} FROM ${table} ORDER BY id`,
    );
    return out.map((row) => cols.map((c) => csvField(row[c])).join(',')).join('\n');
  };
  const roadsCsv = await dump('road', roadCols);
  const buildingsCsv = await dump('building', buildingCols);
  const copies: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    await empty();
    const t0 = performance.now();
    await db.copyCsv('road', roadCols, roadsCsv);
    await db.copyCsv('building', buildingCols, buildingsCsv);
    copies.push(performance.now() - t0);
  }
  const [check] = await db.query<{ n: number }>(
    'SELECT (SELECT count(*) FROM road) + (SELECT count(*) FROM building) AS n',
  );
  if (check?.n !== rows) throw new Error(`COPY wrote ${check?.n} rows, the import ${rows}`);
  const oursMs = median(ours),
    refMs = median(copies);
  log(`${on}: import ${oursMs.toFixed(0)} ms, COPY ${refMs.toFixed(0)} ms for ${rows} rows`);
  return {
    operation: 'import Monaco roads+buildings (parse+validate+insert)',
    on,
    size: `${rows} rows`,
    oursMs,
    reference: 'bare COPY of the same rows',
    referenceMs: refMs,
    goal: 'rows/s ≥ 0.5× COPY (ratio ≤ 2×)',
    note: `ours ${Math.round(rows / (oursMs / 1000))} rows/s, COPY ${Math.round(rows / (refMs / 1000))} rows/s`,
  };
}

const suite: BenchSuite = {
  name: 'import',
  async run(ctx: BenchContext) {
    const out = [await benchOn(ctx.embedded, 'embedded', ctx.log)];
    if (ctx.server) out.push(await benchOn(ctx.server, 'server', ctx.log));
    return out;
  },
};
export default suite;
