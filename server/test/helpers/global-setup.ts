import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const TEMPLATE_PATH_ENV = 'GP_PGLITE_TEMPLATE';

/**
 * An embedded database after initdb + CREATE EXTENSION postgis, as PGlite's data-directory dump: what `openDb`'s
 * `loadDataDir` starts from (the tests here; `npm run bench` for every suite's fresh embedded database).
 */
export async function postgisTemplate(): Promise<Blob> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { postgis } = await import('@electric-sql/pglite-postgis');
  const pgl = await PGlite.create({ extensions: { postgis } });
  await pgl.exec('CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public');
  const dump = await pgl.dumpDataDir('none');
  await pgl.close();
  return dump;
}

/**
 * Embedded tests: initdb + CREATE EXTENSION postgis once, dumped to a file that every test file starts from
 * (about 3 s to load instead of about 10 s to create).
 */
export default async function setup({ provide: _provide }: { provide: unknown }): Promise<() => Promise<void>> {
  if (process.env[TEMPLATE_PATH_ENV]) return async () => undefined;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gridpatrol-template-'));
  const file = path.join(dir, 'pglite-postgis.tar');
  await writeFile(file, Buffer.from(await (await postgisTemplate()).arrayBuffer()));
  process.env[TEMPLATE_PATH_ENV] = file;
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
