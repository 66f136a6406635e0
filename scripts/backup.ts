/**
 * `npm run backup -- <file>`: the configured database to a file. Server (DATABASE_URL): pg_dump custom format.
 * Embedded: the PGlite data directory as a gzipped tarball — stop `npm start` first (one process owns the directory).
 *
 * `npm run restore -- <file> [--into DIR]`: server: pg_restore into DATABASE_URL (an empty database with PostGIS);
 * embedded: a new data directory (default GRIDPATROL_DATA_DIR, which must not exist yet) from the tarball.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/src/config.js';
import { openDb } from '../server/src/db/client.js';
import {
  backupEmbedded,
  backupServer,
  embeddedBackupBlob,
  restoreServer,
} from '../server/src/services/backup.service.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { into: { type: 'string' } } });
const [command, file] = positionals;
const config = loadConfig();
if (!file || (command !== 'backup' && command !== 'restore')) {
  console.error('usage: npm run backup -- <file> | npm run restore -- <file> [--into DIR]');
  process.exit(2);
}
if (command === 'backup') {
  if (config.DATABASE_URL) await backupServer(config.DATABASE_URL, file);
  else {
    const db = await openDb({ dataDir: config.GRIDPATROL_DATA_DIR });
    try {
      console.log(`${await backupEmbedded(db, file)} bytes`);
    } finally {
      await db.close();
    }
  }
  console.log(`backup written to ${file}`);
} else if (config.DATABASE_URL) {
  await restoreServer(config.DATABASE_URL, file);
  console.log(`restored ${file} into the server database`);
} else {
  const dir = values.into ?? config.GRIDPATROL_DATA_DIR;
  if (existsSync(dir)) {
    console.error(`${dir} exists: restore into a new directory (--into DIR)`);
    process.exit(2);
  }
  const db = await openDb({ dataDir: dir, loadDataDir: await embeddedBackupBlob(file) });
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM grid');
  await db.close();
  console.log(`restored ${file} into ${dir} (${row?.n ?? 0} grids)`);
}
