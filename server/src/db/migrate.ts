import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from './client.js';

const MIGRATIONS_DIR = path.join(import.meta.dirname, 'migrations');
/** Serialises migration runs of concurrent processes (test files) on one server database. */
const MIGRATION_LOCK_KEY = 72_747_001;

/**
 * Applies the plain-SQL files in db/migrations in name order, each in its own transaction,
 * and records each in `schema_migrations`. The same files run on PGlite and on the server.
 * @returns the names applied by this call
 */
export async function migrate(db: Db): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
  await db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const applied: string[] = [];
  for (const name of files) {
    const sql = await readFile(path.join(MIGRATIONS_DIR, name), 'utf8');
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE name = $1', [name]);
      if (seen.length > 0) return false;
      await tx.exec(sql);
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
      return true;
    });
    if (done) applied.push(name);
  }
  return applied;
}
