import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { openDb, type Db } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { TEMPLATE_PATH_ENV } from './global-setup.js';

export type TestDbKind = 'embedded' | 'server';

/** Which database this vitest project runs on (set per project in vitest.config.ts). */
export function testDbKind(): TestDbKind {
  const kind = process.env.GP_TEST_DB;
  if (kind !== 'embedded' && kind !== 'server') {
    throw new Error(
      `GP_TEST_DB must be "embedded" or "server", got ${String(kind)}: run the tests through vitest.config.ts`,
    );
  }
  return kind;
}

export interface TestDb {
  db: Db;
  schema: string;
  /** Drops the throwaway schema (server) and closes the connection. */
  dispose(): Promise<void>;
}

/**
 * A throwaway, migrated database for one test file: on the server a fresh schema in the shared database,
 * embedded a fresh in-memory PGlite started from the template made in global setup (no state is shared).
 */
export async function openTestDb(opts: { migrate?: boolean } = {}): Promise<TestDb> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const kind = testDbKind();
  let db: Db;
  if (kind === 'server') {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('server test project without DATABASE_URL');
    db = await openDb({ databaseUrl: url, schema, maxConnections: 4 });
  } else {
    const templatePath = process.env[TEMPLATE_PATH_ENV];
    const loadDataDir = templatePath ? new Blob([await readFile(templatePath)]) : undefined;
    db = await openDb({ loadDataDir, schema });
  }
  if (opts.migrate !== false) await migrate(db);
  return {
    db,
    schema,
    async dispose() {
      if (kind === 'server') await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.close();
    },
  };
}
