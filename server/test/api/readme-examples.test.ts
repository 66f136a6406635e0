import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdminFromEnv } from '../../src/services/auth.service.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue #19: every `curl` example in README.md runs as written against a fresh `npm start`. Each one runs here, in the
 * README's order, with curl itself (no shell), in a temp directory holding the files the examples name; only the base
 * URL is rewritten to the test app's. A README example that stops working fails this file.
 */

const CURL = '/usr/bin/curl';
const README_BASE = 'http://127.0.0.1:8080';
const run = promisify(execFile);

/** Splits one shell command line into words: quotes, backslashes, and a `#` comment; no expansion (none is used). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unclosed ' in ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let text = '';
      for (i++; i < line.length && line.charAt(i) !== '"'; i++) {
        if (line.charAt(i) === '\\' && '"\\$`'.includes(line.charAt(i + 1))) i++;
        text += line.charAt(i);
      }
      if (i >= line.length) throw new Error(`unclosed " in ${line}`);
      word = (word ?? '') + text;
    } else if (c === '\\') {
      word = (word ?? '') + line.charAt(++i);
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '#' && word === undefined) {
      break;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The commands of README's ```sh blocks, backslash-continued lines joined, with their line numbers. */
function shellCommands(markdown: string): { line: number; words: string[] }[] {
  const out: { line: number; words: string[] }[] = [];
  const lines = markdown.split('\n');
  let inSh = false;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    if (text.startsWith('```')) {
      inSh = !inSh && text.trim() === '```sh';
      continue;
    }
    if (!inSh) continue;
    const start = i;
    let command = text;
    while (command.endsWith('\\') && i + 1 < lines.length) command = `${command.slice(0, -1)} ${lines[++i] ?? ''}`;
    const words = shellWords(command);
    if (words.length) out.push({ line: start + 1, words });
  }
  return out;
}

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const commands = shellCommands(readme);
const curls = commands.filter((c) => c.words[0] === 'curl');
// The README's start line names the admin its sign-in uses (GRIDPATROL_ADMIN_USER=… GRIDPATROL_ADMIN_PASSWORD=… npm start).
const startEnv = new Map(
  (commands.find((c) => c.words.some((w) => w.startsWith('GRIDPATROL_ADMIN_USER=')))?.words ?? [])
    .filter((w) => /^[A-Z_]+=/.test(w))
    .map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] as const),
);

/** A grids layer file for the import example: one basic grid of 1 km² in Nanjing. */
const gridsGeojson = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: {
        code: '320102001001001',
        name: 'README 网格',
        kind: 'basic',
        community_code: '320102001001',
        district_code: '320102000000',
      },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [118.79, 32.04],
            [118.8, 32.04],
            [118.8, 32.05],
            [118.79, 32.05],
            [118.79, 32.04],
          ],
        ],
      },
    },
  ],
};

// biome-ignore lint/suspicious/noExplicitAny: test-only escape, bodies are checked field by field below
type Json = any;
/** What each documented path answers (by path, without the query): a README curl to a path not here fails. */
const shapes: Record<string, (body: Json) => void> = {
  '/api/v1/session': (b) => {
    expect(b.user.username).toBe(startEnv.get('GRIDPATROL_ADMIN_USER'));
    expect(b.user.role).toBe('admin');
    expect(b.permissions).toContain('import');
  },
  '/api/v1/grids': (b) => {
    expect(b.type).toBe('FeatureCollection');
    expect(Array.isArray(b.features)).toBe(true);
    expect(typeof b.numberMatched).toBe('number');
  },
  '/api/v1/incidents/cells': (b) => {
    expect(Array.isArray(b)).toBe(true);
  },
  '/api/v1/import': (b) => {
    expect(b.imported).toEqual({ grids: 1 });
  },
};

const hasCurl = existsSync(CURL);
if (!hasCurl) console.warn(`[gridpatrol] ${CURL} not found: the README curl examples are not run`);

describe.skipIf(!hasCurl)('README curl examples', () => {
  let app: TestApp;
  let dir: string;
  beforeAll(async () => {
    app = await startTestApp();
    const user = startEnv.get('GRIDPATROL_ADMIN_USER');
    const password = startEnv.get('GRIDPATROL_ADMIN_PASSWORD');
    // What main.ts does at start with these two variables.
    if (user && password) await ensureAdminFromEnv(app.db, user, password);
    // The community the example grid lies in (after `npm start` the demo city's areas are there).
    const square = gridsGeojson.features[0]?.geometry;
    for (const properties of [
      { code: '320102000000', level: 'district', name: '玄武区' },
      { code: '320102001001', level: 'community', name: 'README 社区', parent_code: '320102000000' },
    ]) {
      const r = await app.call('POST', '/api/v1/admin-areas', {
        type: 'Feature',
        properties: { ...properties, district_code: '320102000000' },
        geometry: square,
      });
      expect(r.status, JSON.stringify(r.json)).toBe(201);
    }
    dir = await mkdtemp(join(tmpdir(), 'gp-readme-'));
    await writeFile(join(dir, 'grids.geojson'), JSON.stringify(gridsGeojson));
  });
  afterAll(async () => {
    await app?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('when the README is read, then it has a sign-in, a signed-in GET and the import among its curl examples', () => {
    const paths = curls.map((c) => new URL(c.words.find((w) => w.startsWith(README_BASE)) ?? README_BASE).pathname);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/session', '/api/v1/grids', '/api/v1/import']));
    expect(paths.indexOf('/api/v1/session'), 'sign-in comes first').toBe(0);
  });

  for (const { line, words } of curls) {
    it(`when README line ${line} (${words.slice(1).join(' ').slice(0, 90)}) runs, then it answers 2xx and the documented body`, async () => {
      const args = words.slice(1).map((w) => (w.startsWith(README_BASE) ? app.url + w.slice(README_BASE.length) : w));
      const target = words.find((w) => w.startsWith(README_BASE));
      expect(target, 'the example calls the README base URL').toBeDefined();
      const path = new URL(target ?? README_BASE).pathname;
      // --write-out adds the status after the body; the README's own arguments are passed as they are.
      const { stdout } = await run(CURL, ['--silent', '--show-error', '--write-out', '\n%{http_code}', ...args], {
        cwd: dir,
        maxBuffer: 64 * 1024 * 1024,
      });
      const cut = stdout.lastIndexOf('\n');
      const status = Number(stdout.slice(cut + 1));
      const body = stdout.slice(0, cut);
      expect(status, body.slice(0, 500)).toBeGreaterThanOrEqual(200);
      expect(status, body.slice(0, 500)).toBeLessThan(300);
      const shape = shapes[path];
      expect(shape, `a shape for ${path} in this test`).toBeDefined();
      shape?.(JSON.parse(body));
    });
  }
});
