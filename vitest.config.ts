import { defineConfig } from 'vitest/config';
import { findTestServer } from './server/test/helpers/find-test-server.js';

/**
 * Three projects:
 * - `engines`: pure TypeScript (engines, web units), once;
 * - `embedded`: every DB/API test on PGlite+PostGIS;
 * - `server`: the same files on a PostgreSQL/PostGIS server: DATABASE_URL, or a local server found at
 *   postgres://postgres@127.0.0.1:5432/test with PostGIS available (GRIDPATROL_TEST_SERVER=0 turns the search off).
 */
export default defineConfig(async () => {
  const serverUrl = await findTestServer();
  const dbTests = ['server/**/*.test.ts', 'scripts/**/*.test.ts'];
  const pureTests = ['server/src/engines/**/*.test.ts', 'web/src/**/*.test.ts', 'server/test/security/**/*.test.ts'];
  const slow = { testTimeout: 180_000, hookTimeout: 180_000 };
  if (!serverUrl) console.warn('[gridpatrol] no PostGIS server found: the "server" test project is skipped');
  return {
    test: {
      // Off unless asked for (`npm run coverage:engines`, a CI step of its own), so `npm test` is not slowed.
      coverage: {
        provider: 'v8' as const,
        include: ['server/src/engines/**/*.ts'],
        exclude: ['**/*.test.ts', '**/*.bench.ts'],
        reporter: ['text-summary', 'json-summary'],
        reportsDirectory: 'coverage/engines',
        // Floor = the engines project's coverage on 2026-12-02 (statements 95.96 %, branches 72.13 %, functions
        // 95.59 %, lines 97.57 %), rounded down and less 1 point of slack. Raise it as tests are added, never lower it.
        thresholds: { statements: 94, branches: 71, functions: 94, lines: 96 },
      },
      projects: [
        { test: { name: 'engines', include: pureTests } },
        {
          test: {
            name: 'embedded',
            include: dbTests,
            exclude: pureTests,
            ...slow,
            globalSetup: ['server/test/helpers/global-setup.ts'],
            env: { GP_TEST_DB: 'embedded' },
          },
        },
        {
          // Real Chromium (Debian's /usr/bin/chromium) driving the built web app against an in-process server.
          test: {
            name: 'browser',
            include: ['web/test/**/*.e2e.test.ts'],
            testTimeout: 240_000,
            hookTimeout: 300_000,
            fileParallelism: false,
            // One retry for a browser case: on 2026-12-02 two browser cases (editing merge, planning leader preview,
            // in a conversion since reverted) waited out the 240 s test timeout in a full CI run while the DB projects
            // loaded the machine, and passed alone and with their neighbours. A case must still pass on one of two runs.
            retry: 1,
          },
        },
        ...(serverUrl
          ? [
              {
                test: {
                  name: 'server',
                  include: dbTests,
                  exclude: pureTests,
                  ...slow,
                  env: { GP_TEST_DB: 'server', DATABASE_URL: serverUrl },
                },
              },
            ]
          : []),
      ],
    },
  };
});
