import { existsSync } from 'node:fs';
import { open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import express, { type Express } from 'express';
import { projectRoot } from './config.js';

export const WEB_ROOT = path.join(projectRoot, 'web');
export const WEB_DIST = path.join(WEB_ROOT, 'dist');

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestMtime(p) : (await stat(p)).mtimeMs);
  }
  return newest;
}

async function isFresh(): Promise<boolean> {
  const index = path.join(WEB_DIST, 'index.html');
  const sources = Math.max(
    await newestMtime(path.join(WEB_ROOT, 'src')),
    (await stat(path.join(WEB_ROOT, 'index.html'))).mtimeMs,
  );
  return existsSync(index) && (await stat(index)).mtimeMs >= sources;
}

/** A build lock older than this is a crashed builder's: taken over. */
const STALE_LOCK_MS = 10 * 60 * 1000;

/**
 * Builds the web app with Vite when web/dist is missing or older than its sources (a fresh clone, an edit). Several
 * processes may ask at once (the server, the browser tests and the bench's web suite in one CI run): one builds under
 * an exclusive lock file, the others wait for it and then find the build fresh, so Vite never empties web/dist under
 * a process serving it.
 */
export async function ensureWebBuilt(log: (msg: string) => void): Promise<void> {
  if (await isFresh()) return;
  const lock = path.join(WEB_ROOT, '.dist-build.lock');
  for (;;) {
    try {
      await (await open(lock, 'wx')).close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > STALE_LOCK_MS) await rm(lock, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    if (await isFresh()) return;
    log('building the web app (web/dist is missing or stale)…');
    const { build } = await import('vite');
    await build({ configFile: path.join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    await rm(lock, { force: true });
  }
}

/** Serves web/dist and answers unknown non-API GETs with index.html (the app routes itself). */
export function serveWebApp(app: Express): void {
  if (!existsSync(WEB_DIST)) return;
  app.use(
    express.static(WEB_DIST, {
      index: 'index.html',
      maxAge: '1h',
      setHeaders: (res, p) => {
        if (p.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  app.get(/.*/, (req, res, next) => {
    // Never for /api or /tiles in any spelling (case, %-encoding): those answer 404 problem+json when no route matches.
    let p = req.path;
    try {
      p = decodeURIComponent(p);
    } catch {
      /* malformed escapes: keep the raw path */
    }
    if (/^\/+(api|tiles)(\/|;|$)/i.test(p)) {
      next();
      return;
    }
    res.sendFile(path.join(WEB_DIST, 'index.html'));
  });
}
