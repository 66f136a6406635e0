/**
 * `npm run export -- LAYER --format geojson|csv|xlsx|shapefile|kml|kmz [--out FILE] [--bbox minLon,minLat,maxLon,maxLat]
 *   [--headers zh|en] [--encoding utf-8|gbk]` from the configured database (DATABASE_URL, or the embedded one): the
 * file `npm run import` reads back to the same rows (the import template's columns, WGS84). Prints the row count to
 * stderr; writes to --out or `LAYER.EXT` in the current directory.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/src/config.js';
import { exportQuery } from '../server/src/contract/export.js';
import { isLayerName, LAYER_NAMES } from '../server/src/contract/layers.js';
import { openDb } from '../server/src/db/client.js';
import { migrate } from '../server/src/db/migrate.js';
import { AppError } from '../server/src/errors.js';
import { inProcess } from '../server/src/jobs/runner.js';
import { exportLayer } from '../server/src/services/export.service.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    format: { type: 'string', default: 'geojson' },
    out: { type: 'string' },
    bbox: { type: 'string' },
    headers: { type: 'string' },
    encoding: { type: 'string' },
  },
});
const layer = positionals[0];
if (!layer || !isLayerName(layer)) {
  console.error(`usage: npm run export -- LAYER --format F [--out FILE]; layers: ${LAYER_NAMES.join(', ')}`);
  process.exit(2);
}
const q = exportQuery.safeParse({
  format: values.format,
  ...(values.bbox ? { bbox: values.bbox } : {}),
  ...(values.headers ? { headers: values.headers } : {}),
  ...(values.encoding ? { encoding: values.encoding } : {}),
});
if (!q.success) {
  console.error(q.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  process.exit(2);
}
const config = loadConfig();
const db = await openDb({
  databaseUrl: config.DATABASE_URL,
  dataDir: config.GRIDPATROL_DATA_DIR,
  schema: config.GRIDPATROL_DB_SCHEMA,
});
try {
  await migrate(db);
  const file = await exportLayer(
    db,
    layer,
    {
      format: q.data.format,
      headers: q.data.headers,
      encoding: q.data.encoding,
      ...(q.data.bbox ? { bbox: q.data.bbox } : {}),
    },
    // A one-shot CLI: the file is written on this thread (no pool to start).
    inProcess,
  );
  const out = values.out ?? file.fileName;
  await writeFile(out, file.bytes);
  console.error(`${file.rows} ${layer} → ${out} (${file.bytes.length} bytes)`);
} catch (err) {
  console.error(err instanceof AppError ? `${err.message}: ${JSON.stringify(err.errors)}` : err);
  process.exitCode = 1;
} finally {
  await db.close();
}
