/**
 * `npm run import -- <file> [--layer roads] [--crs wgs84|cgcs2000|gcj02|bd09|EPSG:n] [--format F]
 *   [--skip-invalid] [--tz America/Chicago] [--map target=source]… [--set target=value]… [--date-order mdy|dmy]
 *   [--key COLUMN] [--dry-run] [--make-valid] [--mode add|replace]` into the configured database (DATABASE_URL, or the embedded one).
 * `npm run import -- --help LAYER` prints what a layer takes; `--undo BATCH` undoes an import; `--batches` lists them.
 * `npm run import -- <file> --inspect [--geojson OUT]` prints what was detected (format, encoding, CRS and why,
 *   columns with types and samples, geometry types, row count, what was left out) and writes the rows as read (WGS84).
 * Prints progress to stderr and the import report as JSON to stdout; exits 1 when the file is refused.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/src/config.js';
import { openDb } from '../server/src/db/client.js';
import { isLayerName, LAYER_NAMES } from '../server/src/contract/layers.js';
import { migrate } from '../server/src/db/migrate.js';
import { AppError } from '../server/src/errors.js';
import { formatFromName, importFile } from '../server/src/import/import.service.js';
import { LAYER_SPECS, specTable } from '../server/src/import/layer-specs.js';
import { PositionSample } from '../server/src/import/inspect.js';
import { readSource } from '../server/src/import/readers/index.js';
import { importBatches, undoImportBatch } from '../server/src/services/import-batches.service.js';
import { geometryColumns, guessCrs, layerMapping } from '../server/src/services/import-inspect.service.js';
import type { InputCrs, InputFormat } from '../server/src/import/types.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    layer: { type: 'string' },
    crs: { type: 'string', default: 'wgs84' },
    format: { type: 'string' },
    'skip-invalid': { type: 'boolean' },
    inspect: { type: 'boolean' },
    geojson: { type: 'string' },
    sheet: { type: 'string' },
    encoding: { type: 'string' },
    tz: { type: 'string' },
    actor: { type: 'string', default: 'cli' },
    map: { type: 'string', multiple: true },
    set: { type: 'string', multiple: true },
    'date-order': { type: 'string' },
    key: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'make-valid': { type: 'boolean' },
    mode: { type: 'string' },
    help: { type: 'string' },
    undo: { type: 'string' },
    batches: { type: 'boolean' },
  },
});
if (values.help !== undefined) {
  const names = values.help && isLayerName(values.help) ? [values.help] : LAYER_NAMES;
  if (values.help && !isLayerName(values.help)) console.error(`unknown layer ${values.help}; all layers:`);
  console.log(names.map((n) => specTable(LAYER_SPECS[n])).join('\n\n'));
  process.exit(0);
}
if (values.mode !== undefined && values.mode !== 'add' && values.mode !== 'replace') {
  console.error(`--mode ${values.mode}: expected add or replace`);
  process.exit(2);
}
/** `target=value` pairs of --map / --set. */
function pairs(list: readonly string[] | undefined, what: string): Record<string, string> | undefined {
  if (!list?.length) return undefined;
  const out: Record<string, string> = {};
  for (const p of list) {
    const eq = p.indexOf('=');
    if (eq < 1) {
      console.error(`--${what} ${p}: expected target=${what === 'map' ? 'column' : 'value'}`);
      process.exit(2);
    }
    out[p.slice(0, eq).trim()] = p.slice(eq + 1);
  }
  return out;
}
if (values.undo !== undefined || values.batches) {
  const config = loadConfig();
  const db = await openDb({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.GRIDPATROL_DATA_DIR,
    schema: config.GRIDPATROL_DB_SCHEMA,
  });
  try {
    await migrate(db);
    if (values.batches) console.log(JSON.stringify(await importBatches(db, 50), null, 2));
    else {
      const id = Number(values.undo);
      if (!Number.isInteger(id) || id <= 0) {
        console.error(`--undo takes a batch id, got ${values.undo}`);
        process.exit(2);
      }
      console.log(JSON.stringify(await undoImportBatch(db, id, values.actor ?? 'cli'), null, 2));
    }
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    console.error(`refused: ${err.message}`);
    for (const e of err.errors.slice(0, 20)) console.error(`  ${e.path}: ${e.message}`);
    process.exitCode = 1;
  } finally {
    await db.close();
  }
  process.exit();
}
const file = positionals[0];
if (!file) {
  console.error(
    'usage: npm run import -- <file> [--layer L] [--crs gcj02|bd09|wgs84|EPSG:n] [--map target=source] [--set target=value] [--dry-run] [--make-valid] [--tz ZONE] | --help [LAYER] | --undo BATCH | --batches',
  );
  process.exit(2);
}
const FORMATS: readonly string[] = ['geojson', 'csv', 'xlsx', 'shapefile', 'kml', 'kmz', 'osm-pbf'];
const mapOpt = pairs(values.map, 'map');
const setOpt = pairs(values.set, 'set');
const dateOrder = values['date-order'];
if (dateOrder !== undefined && dateOrder !== 'mdy' && dateOrder !== 'dmy') {
  console.error(`--date-order must be mdy or dmy, got ${dateOrder}`);
  process.exit(2);
}
if (values.inspect) {
  try {
    await inspect(file);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    console.error(`refused: ${err.message}`);
    for (const e of err.errors.slice(0, 20)) console.error(`  ${e.path}: ${e.message}`);
    process.exit(1);
  }
  process.exit(0);
}
const format = (values.format ?? formatFromName(file)) as InputFormat | undefined;
if (!format || !FORMATS.includes(format)) {
  console.error(`cannot tell the format of ${file}: pass --format ${FORMATS.join('|')}`);
  process.exit(2);
}
if (values.layer !== undefined && !isLayerName(values.layer)) {
  console.error(`unknown layer ${values.layer}`);
  process.exit(2);
}
if (!/^(wgs84|cgcs2000|gcj02|bd09|webmercator|EPSG:\d{4,5})$/i.test(values.crs ?? '')) {
  console.error(`--crs must be wgs84, cgcs2000, gcj02, bd09, webmercator or EPSG:n, got ${values.crs}`);
  process.exit(2);
}

/** --inspect: the detection as JSON on stdout; with --geojson OUT the rows as read, streamed to OUT. */
async function inspect(f: string): Promise<void> {
  const s = await readSource(
    { path: f },
    {
      filename: path.basename(f),
      ...(values.crs && values.crs !== 'wgs84' ? { crs: values.crs } : {}),
      ...(values.sheet ? { sheet: values.sheet } : {}),
      ...(values.encoding ? { encoding: values.encoding } : {}),
    },
    values.format && FORMATS.includes(values.format) ? (values.format as InputFormat) : undefined,
  );
  const out = values.geojson ? createWriteStream(values.geojson) : undefined;
  out?.write('{"type":"FeatureCollection","features":[\n');
  let n = 0;
  const sample = new PositionSample();
  for await (const row of s.rows()) {
    sample.add(row.geometry);
    if (
      out &&
      !out.write(
        `${n ? ',\n' : ''}${JSON.stringify({ type: 'Feature', properties: { ...row.properties, '@row': row.rowNumber }, geometry: row.geometry })}`,
      )
    ) {
      await new Promise<void>((r) => out.once('drain', () => r()));
    }
    n++;
  }
  if (out) await new Promise<void>((r) => out.end('\n]}\n', () => r()));
  const { rows: _rows, ...detected } = s;
  // With --layer: the automatic mapping onto that layer (with --map/--set on top), the columns left unmapped (with
  // samples and a suggestion, never mapped by themselves), the required fields still missing, what the layer takes.
  const layer = values.layer && isLayerName(values.layer) ? values.layer : undefined;
  const mapped = layer
    ? layerMapping(
        layer,
        s.columns,
        { ...(mapOpt ? { map: mapOpt } : {}), ...(setOpt ? { set: setOpt } : {}) },
        geometryColumns(s.columns),
      )
    : {};
  // With roads in the configured database: which of wgs84 / gcj02 / bd09 puts the points nearest them.
  const cfg = loadConfig();
  const gdb = await openDb({
    databaseUrl: cfg.DATABASE_URL,
    dataDir: cfg.GRIDPATROL_DATA_DIR,
    schema: cfg.GRIDPATROL_DB_SCHEMA,
  });
  let crsGuess: Awaited<ReturnType<typeof guessCrs>>;
  try {
    await migrate(gdb);
    crsGuess = await guessCrs(gdb, sample.positions(), s.crs.value);
  } finally {
    await gdb.close();
  }
  console.log(JSON.stringify({ ...detected, rowCount: n, crsGuess, ...mapped }, null, 2));
}

/**
 * The process's peak RSS, reading worker included (the bench reads this line). Linux's VmHWM belongs to this
 * program's own memory map; getrusage's maxRSS also counts the parent's size at fork (a 2 GB bench that spawns
 * this reads 1.4 GB for a 2,000-row file), so it is only the fallback off Linux.
 */
function peakRssMb(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Math.round(Number(kb) / 1024);
  } catch {
    // not Linux
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

const config = loadConfig();
if (!config.DATABASE_URL) await mkdir(config.GRIDPATROL_DATA_DIR, { recursive: true });
const db = await openDb({
  databaseUrl: config.DATABASE_URL,
  dataDir: config.GRIDPATROL_DATA_DIR,
  schema: config.GRIDPATROL_DB_SCHEMA,
});
try {
  await migrate(db);
  let last = -1;
  const report = await importFile(db, new Uint8Array(await readFile(file)), {
    fileName: path.basename(file),
    format,
    crs: values.crs as InputCrs,
    actor: values.actor ?? 'cli',
    ...(values.layer && isLayerName(values.layer) ? { layer: values.layer } : {}),
    skipInvalid: values['skip-invalid'],
    ...(values.tz ? { timeZone: values.tz } : {}),
    ...(mapOpt ? { map: mapOpt } : {}),
    ...(setOpt ? { set: setOpt } : {}),
    ...(dateOrder ? { dateOrder } : {}),
    ...(values.key ? { key: values.key } : {}),
    ...(values['dry-run'] ? { dryRun: true } : {}),
    ...(values['make-valid'] ? { makeValid: true } : {}),
    ...(values.mode === 'replace' || values.mode === 'add' ? { mode: values.mode } : {}),
    ...(values.sheet ? { sheet: values.sheet } : {}),
    ...(values.encoding ? { encoding: values.encoding } : {}),
    onProgress: (share, phase) => {
      const pct = Math.floor(share * 10) * 10;
      if (pct !== last) console.error(`… ${pct}% ${phase}`);
      last = pct;
    },
  });
  console.error(`${report.dryRun ? 'dry run (nothing written): ' : `batch ${report.batchId}: `}${report.summary}`);
  console.error(`peak RSS ${peakRssMb()} MB, ${(report.ms / 1000).toFixed(1)} s`);
  console.log(JSON.stringify(report, null, 2));
} catch (err) {
  if (err instanceof AppError) {
    console.error(`refused: ${err.message}`);
    for (const e of err.errors.slice(0, 20)) console.error(`  ${e.path}: ${e.message}`);
    process.exitCode = 1;
  } else throw err;
} finally {
  await db.close();
}
