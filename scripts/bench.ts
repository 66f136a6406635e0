/**
 * `npm run bench`: runs every suite in server/bench/*.bench.ts (or those named on the command line) and prints one
 * table, each of our operations beside a reference measured in the same run. A suite that fails prints its error in
 * its own row and the others still report; the exit code is 1 when any suite failed.
 * `npm run bench -- --smoke` (or BENCH_SMOKE=1): every suite once at a small size, for CI.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { BenchContext, BenchRow, BenchSuite } from '../server/bench/harness.js';
import { openDb, type Db } from '../server/src/db/client.js';
import { migrate } from '../server/src/db/migrate.js';
import { findTestServer } from '../server/test/helpers/find-test-server.js';
import { postgisTemplate } from '../server/test/helpers/global-setup.js';

const benchDir = path.join(import.meta.dirname, '..', 'server', 'bench');
const args = process.argv.slice(2);
if (args.includes('--smoke')) process.env.BENCH_SMOKE = '1';
const only = args.filter((a) => !a.startsWith('--'));

async function main(): Promise<void> {
  const files = (await readdir(benchDir))
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
  const serverUrl = await findTestServer();
  // Every suite's embedded database starts from one initdb + PostGIS made here (as the tests' global setup does): a
  // fresh PGlite with PostGIS costs 10–50 s on a loaded 2-core machine, one loaded from this dump about 5 s.
  const template = files.length > 0 ? await postgisTemplate() : undefined;
  const rows: SuiteRow[] = [];
  const failed: string[] = [];
  for (const f of files) {
    const name = f.replace(/\.bench\.ts$/, '');
    const t0 = performance.now();
    console.error(`bench: ${name}`);
    // Each suite gets fresh databases: suites load cities of their own, and one suite's rows never meet another's.
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    let embedded: Db | undefined;
    let server: Db | undefined;
    try {
      embedded = await openDb({ schema, loadDataDir: template });
      await migrate(embedded);
      if (serverUrl) {
        server = await openDb({ databaseUrl: serverUrl, schema });
        await migrate(server);
      }
      const ctx: BenchContext = { embedded, server, log: (m) => console.error(`  · ${m}`) };
      const suite = (await import(path.join(benchDir, f))).default as BenchSuite;
      rows.push(...(await suite.run(ctx)).map((r) => ({ suite: name, ...r })));
    } catch (err) {
      failed.push(name);
      console.error(err);
      rows.push({
        suite: name,
        operation: `${name}: FAILED`,
        on: '—',
        size: '—',
        oursMs: Number.NaN,
        reference: '—',
        referenceMs: null,
        note: (err instanceof Error ? err.message : String(err)).split('\n')[0]?.slice(0, 160) ?? '',
      });
    } finally {
      if (server) await server.exec(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
      await server?.close();
      await embedded?.close();
    }
    console.error(
      `bench: ${name} ${failed.at(-1) === name ? 'failed' : 'done'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  printTable(rows);
  if (failed.length) {
    console.error(`bench: ${failed.length} suite(s) failed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

/** A row of the table: the suite (its file name without `.bench.ts`) that measured it, and what it measured. */
type SuiteRow = BenchRow & { suite: string };

function printTable(rows: SuiteRow[]): void {
  const fmt = (ms: number | null) => (ms === null || Number.isNaN(ms) ? '—' : ms < 10 ? ms.toFixed(2) : ms.toFixed(0));
  const table = rows.map((r) => ({
    suite: r.suite,
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
  const cols = Object.keys(table[0] ?? { suite: '', operation: '' }) as (keyof (typeof table)[number])[];
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
