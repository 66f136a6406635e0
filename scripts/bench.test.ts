import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDbKind } from '../server/test/helpers/test-db.js';

/**
 * The bench smoke in CI (issue #14): `npm run bench -- --smoke` runs every suite once at its small size, so a bench
 * that no longer runs fails `npm test` the day it breaks. It opens both databases itself (a fresh embedded one, and the
 * server named by DATABASE_URL, which the server project sets), so it runs in the server project only.
 */
const root = path.resolve(import.meta.dirname, '..');
const suites = readdirSync(path.join(root, 'server', 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();

function runSmoke(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'scripts/bench.ts', '--smoke'], {
      cwd: root,
      env: { ...process.env, BENCH_SMOKE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The suite column of the printed table (`| suite | operation | … |`), one entry per row. */
function suitesInTable(stdout: string): { suite: string; operation: string }[] {
  const lines = stdout.split('\n').filter((l) => l.startsWith('| '));
  const cells = (l: string) =>
    l
      .slice(2, -2)
      .split(' | ')
      .map((c) => c.trim());
  const [head, , ...rows] = lines;
  expect(head && cells(head).slice(0, 2)).toEqual(['suite', 'operation']);
  return rows.map((l) => {
    const [suite = '', operation = ''] = cells(l);
    return { suite, operation };
  });
}

describe.skipIf(testDbKind() === 'embedded')('npm run bench -- --smoke', () => {
  it(
    'when every suite runs once at its small size, then it exits 0 and every suite reports rows, none FAILED',
    async () => {
      expect(suites.length).toBeGreaterThan(5);
      const { code, stdout, stderr } = await runSmoke();
      // The bench's own log names the failing suite and its error: keep its tail in the message.
      expect(code, stderr.slice(-4000)).toBe(0);
      const rows = suitesInTable(stdout);
      expect(
        rows.filter((r) => r.operation.endsWith(': FAILED')),
        stdout,
      ).toEqual([]);
      expect([...new Set(rows.map((r) => r.suite))].sort()).toEqual(suites);
    },
    // The whole smoke took 5 min 58 s on 2026-12-03 on a 2-core machine at load 8–10 (web app build included): about
    // three times that, as a full `npm test` runs beside it.
    20 * 60_000,
  );
});
