import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { openDb, type Db } from '../src/db/client.js';
import { importFile } from '../src/import/import.service.js';
import { findTestServer } from '../test/helpers/find-test-server.js';
import { type BenchContext, type BenchRow, type BenchSuite, sized } from './harness.js';

/**
 * Issue #15's import rows, each beside a reference measured in the same run:
 * - the Monaco extract (parse the PBF, validate, write roads, buildings and key places in one transaction) vs a bare
 *   `COPY` of the same road and building rows (EWKT geometry, CSV): goal ≤ 2× COPY's time. Median of 3 runs each.
 * - 1,000,000 incidents from a CSV with Chinese headers (read, map, parse local times, validate, match, write, record
 *   for undo) vs a bare `COPY` of the rows it stored: goal ≥ 0.7× COPY's rows/s; peak RSS of this process sampled.
 * - 2,000,000 incidents through `npm run import` in a child process (server): seconds and its peak RSS, goal < 1 GB.
 * - a 10,000-row xlsx camera ledger (title row, GB/T 28181 codes, 东/南 directions, 枪机/球机): seconds, goal < 5 s,
 *   beside exceljs reading the same workbook alone.
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
    goal: 'time ≤ 2× COPY',
    note: `ours ${Math.round(rows / (oursMs / 1000))} rows/s, COPY ${Math.round(rows / (refMs / 1000))} rows/s`,
  };
}

const INCIDENTS = sized(1_000_000, 5_000);
const CLI_INCIDENTS = sized(2_000_000, 2_000);
const LEDGER_ROWS = sized(10_000, 200);
const CATEGORIES = ['盗窃', '抢劫', '纠纷', '交通事故', '诈骗'];

/** n incidents as a CSV an office would export: 编号, local 发生时间, 警情类别, 经度/纬度 in Nanjing, from a fixed seed. */
function incidentCsv(n: number): string {
  let s = 20261203;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const lines = ['编号,发生时间,警情类别,经度,纬度'];
  for (let i = 0; i < n; i++) {
    const at = new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 365 * 86_400_000));
    const wall = at.toISOString().slice(0, 16).replace('T', ' ');
    lines.push(
      `J${i},${wall},${CATEGORIES[i % 5]},${(118.7 + rnd() * 0.2).toFixed(6)},${(32 + rnd() * 0.1).toFixed(6)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * How far RSS rose above its level before `fn`, sampled every 50 ms (the whole bench process, so PGlite too on
 * embedded; the bench's own earlier suites are the level it starts from).
 */
async function peakRssMb<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const value = await fn();
    return { value, peakMb: Math.round((Math.max(peak, process.memoryUsage().rss) - before) / 1e6) };
  } finally {
    clearInterval(timer);
  }
}

async function incidentsOn(db: Db, on: string, log: (m: string) => void): Promise<BenchRow> {
  const bytes = new TextEncoder().encode(incidentCsv(INCIDENTS));
  await db.exec('TRUNCATE incident RESTART IDENTITY CASCADE');
  const t0 = performance.now();
  const { value: report, peakMb } = await peakRssMb(() =>
    importFile(db, bytes, {
      fileName: 'incidents.csv',
      format: 'csv',
      layer: 'incidents',
      timeZone: 'Asia/Shanghai',
      actor: 'bench',
    }),
  );
  const oursMs = performance.now() - t0;
  if (report.counts.incidents?.new !== INCIDENTS) throw new Error(`imported ${report.summary}`);
  const cols = ['occurred_at', 'category', 'external_id', 'h3_r7', 'h3_r8', 'h3_r9', 'h3_r10', 'district_code', 'geom'];
  const rows = await db.query<Record<string, unknown>>(
    `SELECT ${cols.map((c) => (c === 'geom' ? 'ST_AsEWKT(geom) AS geom' : c === 'occurred_at' ? 'occurred_at::text AS occurred_at' : c)).join(', ')} FROM incident ORDER BY id`,
  );
  const stored = rows.map((row) => cols.map((c) => csvField(row[c])).join(',')).join('\n');
  await db.exec('TRUNCATE incident RESTART IDENTITY CASCADE');
  const r0 = performance.now();
  await db.copyCsv('incident', cols, stored);
  const refMs = performance.now() - r0;
  log(
    `${on}: ${INCIDENTS} incidents from CSV ${(oursMs / 1000).toFixed(1)} s, COPY ${(refMs / 1000).toFixed(1)} s, peak RSS ${peakMb} MB`,
  );
  return {
    operation: 'incidents from a CSV (read+map+local times+validate+match+write+undo record)',
    on,
    size: `${INCIDENTS.toLocaleString('en')} rows`,
    oursMs,
    reference: 'bare COPY of the rows it stored',
    referenceMs: refMs,
    goal: 'rows/s ≥ 0.7× COPY (ratio ≤ 1.43×)',
    note: `ours ${Math.round(INCIDENTS / (oursMs / 1000))} rows/s, COPY ${Math.round(INCIDENTS / (refMs / 1000))} rows/s; RSS rose ${peakMb} MB during the import`,
  };
}

const run = promisify(execFile);

/** `npm run import` of a 2,000,000-row CSV in a child process against a fresh schema of the server: time and peak RSS. */
async function cliOnServer(log: (m: string) => void): Promise<BenchRow | undefined> {
  const url = await findTestServer();
  if (!url) return undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gp-bench-import-'));
  const file = path.join(dir, 'incidents-2m.csv');
  writeFileSync(file, incidentCsv(CLI_INCIDENTS));
  const schema = `bench_cli_${randomBytes(4).toString('hex')}`;
  const root = path.resolve(import.meta.dirname, '../..');
  try {
    const t0 = performance.now();
    const { stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/import.ts', file, '--layer', 'incidents', '--tz', 'Asia/Shanghai'],
      { cwd: root, env: { ...process.env, DATABASE_URL: url, GRIDPATROL_DB_SCHEMA: schema }, maxBuffer: 1 << 26 },
    );
    const oursMs = performance.now() - t0;
    const peak = /peak RSS (\d+) MB/.exec(stderr)?.[1];
    if (!peak || !stderr.includes(`${CLI_INCIDENTS} new`)) throw new Error(`import CLI said: ${stderr.slice(-300)}`);
    log(`server CLI: ${CLI_INCIDENTS} incidents in ${(oursMs / 1000).toFixed(1)} s, peak RSS ${peak} MB`);
    return {
      operation: '`npm run import` of an incident CSV (child process, progress on stderr)',
      on: 'server',
      size: `${CLI_INCIDENTS.toLocaleString('en')} rows, ${(readFileSync(file).byteLength / 1e6).toFixed(0)} MB`,
      oursMs,
      reference: '—',
      referenceMs: null,
      goal: 'peak RSS < 1 GB',
      note: `peak RSS ${peak} MB (the process, reading worker included); ${Math.round(CLI_INCIDENTS / (oursMs / 1000))} rows/s with start-up`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    const db = await openDb({ databaseUrl: url, schema: 'public' });
    await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await db.close();
  }
}

/** A camera ledger as a county office keeps it: a title line, then the header, GB/T 28181 codes, words for values. */
async function ledgerXlsx(n: number): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('点位台账');
  ws.addRow(['某某分局视频监控点位台账']);
  ws.addRow(['设备编码', '点位名称', '经度', '纬度', '安装方向', '摄像机类型', '设备状态', '安装高度']);
  const dirs = ['东', '东南', '南', '西南', '西', '西北', '北', '东北'];
  for (let i = 0; i < n; i++)
    ws.addRow([
      `32010200001320${String(i).padStart(6, '0')}`,
      `点位${i}`,
      118.75 + (i % 100) * 0.0005,
      32.03 + Math.floor(i / 100) * 0.0005,
      dirs[i % 8],
      i % 3 ? '枪机' : '球机',
      i % 10 ? '在线' : '离线',
      4 + (i % 4),
    ]);
  // exceljs types its Buffer as the older Node one; the bytes are what we want.
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

async function ledgerOn(db: Db, bytes: Uint8Array, on: string, log: (m: string) => void): Promise<BenchRow> {
  await db.exec('TRUNCATE camera RESTART IDENTITY CASCADE');
  const t0 = performance.now();
  const report = await importFile(db, bytes, {
    fileName: 'ledger.xlsx',
    format: 'xlsx',
    layer: 'cameras',
    actor: 'bench',
  });
  const oursMs = performance.now() - t0;
  if (report.counts.cameras?.new !== LEDGER_ROWS) throw new Error(`imported ${report.summary}`);
  const r0 = performance.now();
  const wb = new ExcelJS.Workbook();
  // exceljs takes a Node Buffer; the cast bridges its older Buffer typing.
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const refMs = performance.now() - r0;
  log(
    `${on}: ${LEDGER_ROWS}-row xlsx ledger ${(oursMs / 1000).toFixed(2)} s, exceljs alone ${(refMs / 1000).toFixed(2)} s`,
  );
  return {
    operation: 'xlsx camera ledger (title row, GB/T 28181 codes decoded, 方向/类型/状态 words mapped)',
    on,
    size: `${LEDGER_ROWS.toLocaleString('en')} rows`,
    oursMs,
    reference: 'exceljs reading the same workbook alone',
    referenceMs: refMs,
    goal: '< 5 s',
  };
}

const suite: BenchSuite = {
  name: 'import',
  async run(ctx: BenchContext) {
    const dbs: [Db, string][] = [[ctx.embedded, 'embedded']];
    if (ctx.server) dbs.push([ctx.server, 'server']);
    const out: BenchRow[] = [];
    for (const [db, on] of dbs) out.push(await benchOn(db, on, ctx.log));
    for (const [db, on] of dbs) out.push(await incidentsOn(db, on, ctx.log));
    const cli = await cliOnServer(ctx.log);
    if (cli) out.push(cli);
    const ledger = await ledgerXlsx(LEDGER_ROWS);
    for (const [db, on] of dbs) out.push(await ledgerOn(db, ledger, on, ctx.log));
    return out;
  },
};
export default suite;
