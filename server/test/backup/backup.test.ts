import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/client.js';
import { backupEmbedded, backupServer, embeddedBackupBlob, restoreServer } from '../../src/services/backup.service.js';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { tableChecksums } from '../helpers/checksums.js';
import { openTestDb, testDbKind, type TestDb } from '../helpers/test-db.js';

/** Backup and restore: the documented commands' code path, restored into a fresh database and compared table by table. */
let t: TestDb;
let dir: string;
beforeAll(async () => {
  t = await openTestDb();
  await loadDemoCity(t.db, { seed: 20261125, incidents: 1500 });
  // An edit after the load, so the backup holds versions and audit rows too.
  await t.db.exec(
    `UPDATE grid SET households = households + 1, version = version + 1 WHERE code = (SELECT min(code) FROM grid)`,
  );
  dir = await mkdtemp(path.join(tmpdir(), 'gp-backup-'));
});
afterAll(async () => {
  await t?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('when the database is backed up and restored into a fresh one, then every table has the same rows', async () => {
    const before = await tableChecksums(t.db);
    expect(Object.keys(before).length).toBeGreaterThan(10);
    const file = path.join(dir, 'gridpatrol.backup');
    if (testDbKind() === 'embedded') {
      const bytes = await backupEmbedded(t.db, file);
      expect(bytes).toBeGreaterThan(1000);
      const restored = await openDb({
        dataDir: path.join(dir, 'restored'),
        loadDataDir: await embeddedBackupBlob(file),
        schema: t.schema,
      });
      try {
        expect(await tableChecksums(restored)).toEqual(before);
      } finally {
        await restored.close();
      }
    } else {
      const url = process.env.DATABASE_URL as string;
      await backupServer(url, file, { schema: t.schema });
      expect((await stat(file)).size).toBeGreaterThan(1000);
      // A fresh database with PostGIS, as the documented restore expects.
      const name = `gp_restore_${randomBytes(4).toString('hex')}`;
      await t.db.exec(`CREATE DATABASE ${name}`);
      const target = url.replace(/\/[^/?]+(\?|$)/, `/${name}$1`);
      try {
        const admin = await openDb({ databaseUrl: target, maxConnections: 1 });
        await admin.exec('CREATE EXTENSION IF NOT EXISTS postgis');
        await admin.close();
        await restoreServer(target, file);
        const restored = await openDb({ databaseUrl: target, schema: t.schema, maxConnections: 2 });
        try {
          expect(await tableChecksums(restored)).toEqual(before);
        } finally {
          await restored.close();
        }
      } finally {
        await t.db.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    }
  });
});
