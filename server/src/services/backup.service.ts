import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Db } from '../db/client.js';

const run = promisify(execFile);

/**
 * Backups of either database. Server: `pg_dump --format=custom` of the database (or one schema) and `pg_restore` into
 * a database that has PostGIS, both the PostgreSQL client tools of the server's major version. Embedded: PGlite's own
 * data-directory tarball (gzip), taken from the open database, and opened again with `loadDataDir`.
 */
export async function backupServer(databaseUrl: string, file: string, opts: { schema?: string } = {}): Promise<void> {
  await run(
    'pg_dump',
    [
      '--format=custom',
      '--no-owner',
      '--no-privileges',
      ...(opts.schema ? ['--schema', opts.schema] : []),
      '--file',
      file,
      databaseUrl,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
}

export async function restoreServer(databaseUrl: string, file: string): Promise<void> {
  // One transaction: a restore that fails halfway leaves the target as it was.
  await run(
    'pg_restore',
    ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', '--dbname', databaseUrl, file],
    { maxBuffer: 64 * 1024 * 1024 },
  );
}

export async function backupEmbedded(db: Db, file: string): Promise<number> {
  if (!db.dumpDataDir) throw new Error('backupEmbedded needs the embedded database');
  const bytes = new Uint8Array(await (await db.dumpDataDir()).arrayBuffer());
  await writeFile(file, bytes);
  return bytes.length;
}

/** The tarball to hand to `openDb({ loadDataDir, dataDir })`, which writes it into a new data directory. */
export async function embeddedBackupBlob(file: string): Promise<Blob> {
  return new Blob([await readFile(file)]);
}
