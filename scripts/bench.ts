/**
 * `npm run bench`: runs every suite in server/bench/*.bench.ts (or those named on the command line) and prints one
 * table, each of our operations beside a reference measured in the same run.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { BenchContext, BenchRow, BenchSuite } from '../server/bench/harness.js';
import { openDb, type Db } from '../server/src/db/client.js';
import { migrate } from '../server/src/db/migrate.js';
import { findTestServer } from '../server/test/helpers/find-test-server.js';

const benchDir = path.join(import.meta.dirname, '..', 'server', 'bench');
const only = process.argv.slice(2);

async function main(): Promise<void> {
  const files = (await readdir(benchDir))
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const embedded = await openDb({ schema });
  await migrate(embedded);
  const serverUrl = await findTestServer();
  let server: Db | undefined;
  if (serverUrl) {
    server = await openDb({ databaseUrl: serverUrl, schema });
    await migrate(server);
  }
  const ctx: BenchContext = { embedded, server, log: (m) => console.error(`  · ${m}`) };
  const rows: BenchRow[] = [];
  try {
    for (const f of files) {
      const suite = (await import(path.join(benchDir, f))).default as BenchSuite;
      console.error(`bench: ${suite.name}`);
      rows.push(...(await suite.run(ctx)));
    }
  } finally {
    if (server) await server.exec(`DROP SCHEMA ${schema} CASCADE`);
    await server?.close();
    await embedded.close();
  }
  printTable(rows);
}

function printTable(rows: BenchRow[]): void {
  const fmt = (ms: number | null) => (ms === null ? '—' : ms < 10 ? ms.toFixed(2) : ms.toFixed(0));
  const table = rows.map((r) => ({
    operation: r.operation,
    on: r.on,
    size: r.size,
    'ours ms': fmt(r.oursMs),
    reference: r.reference,
    'ref ms': fmt(r.referenceMs),
    ratio: r.referenceMs ? `${(r.oursMs / r.referenceMs).toFixed(2)}×` : '—',
    goal: r.goal ?? '',
    note: r.note ?? '',
  }));
  const cols = Object.keys(table[0] ?? { operation: '' }) as (keyof (typeof table)[number])[];
  const width = cols.map((c) => Math.max(c.length, ...table.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(width[i] ?? 0)).join(' | ')} |`;
  console.log(line(cols.map(String)));
  console.log(line(width.map((w) => '-'.repeat(w))));
  for (const r of table) console.log(line(cols.map((c) => String(r[c]))));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
