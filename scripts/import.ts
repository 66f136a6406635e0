/**
 * `npm run import -- <file> [--layer roads] [--crs gcj02|wgs84] [--format geojson|csv|shapefile|osm-pbf]
 *   [--skip-invalid] [--tz America/Chicago]` into the configured database (DATABASE_URL, or the embedded one).
 * Prints progress to stderr and the import report as JSON to stdout; exits 1 when the file is refused.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/src/config.js';
import { openDb } from '../server/src/db/client.js';
import { isLayerName } from '../server/src/contract/layers.js';
import { migrate } from '../server/src/db/migrate.js';
import { AppError } from '../server/src/errors.js';
import { formatFromName, importFile } from '../server/src/import/import.service.js';
import type { InputCrs, InputFormat } from '../server/src/import/types.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    layer: { type: 'string' }, crs: { type: 'string', default: 'wgs84' }, format: { type: 'string' },
    'skip-invalid': { type: 'boolean' }, tz: { type: 'string' }, actor: { type: 'string', default: 'cli' },
  },
});
const file = positionals[0];
if (!file) {
  console.error('usage: npm run import -- <file> [--layer L] [--crs gcj02|wgs84] [--format F] [--skip-invalid] [--tz ZONE]');
  process.exit(2);
}
const format = (values.format ?? formatFromName(file)) as InputFormat | undefined;
if (!format || !['geojson', 'csv', 'shapefile', 'osm-pbf'].includes(format)) {
  console.error(`cannot tell the format of ${file}: pass --format geojson|csv|shapefile|osm-pbf`);
  process.exit(2);
}
if (values.layer !== undefined && !isLayerName(values.layer)) {
  console.error(`unknown layer ${values.layer}`);
  process.exit(2);
}
if (values.crs !== 'wgs84' && values.crs !== 'gcj02') {
  console.error(`--crs must be wgs84 or gcj02, got ${values.crs}`);
  process.exit(2);
}

const config = loadConfig();
if (!config.DATABASE_URL) await mkdir(config.GRIDPATROL_DATA_DIR, { recursive: true });
const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.GRIDPATROL_DATA_DIR });
try {
  await migrate(db);
  let last = -1;
  const report = await importFile(db, new Uint8Array(await readFile(file)), {
    fileName: path.basename(file), format, crs: values.crs as InputCrs, actor: values.actor ?? 'cli',
    ...(values.layer && isLayerName(values.layer) ? { layer: values.layer } : {}),
    ...(values['skip-invalid'] !== undefined ? { skipInvalid: values['skip-invalid'] } : {}),
    ...(values.tz ? { timeZone: values.tz } : {}),
    onProgress: (share, phase) => {
      const pct = Math.floor(share * 10) * 10;
      if (pct !== last) console.error(`… ${pct}% ${phase}`);
      last = pct;
    },
  });
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
