import autocannon from 'autocannon';
import { loadDemoCity } from '../src/services/demo-city.service.js';
import { tileAt } from '../src/tiles/tilesets.js';
import { benchCookie, listenApp, sized, type BenchContext, type BenchRow, type BenchSuite } from './harness.js';

/**
 * Health and tile latency while 4 placement jobs (whole demo city, 50 cameras each) run on the worker pool, beside the
 * same load with no job running (issue #17). Each measurement: 50 req/s for BENCH_JOBS_SECONDS (default 10) s.
 * Goal: health p99 < 50 ms, tiles p99 < 200 ms.
 */
const SECONDS = Number(process.env.BENCH_JOBS_SECONDS ?? sized(10, 1));

async function p99(
  base: string,
  cookie: string,
  paths: readonly string[],
): Promise<{ p99: number; errors: number; n: number }> {
  const r = await autocannon({
    url: base,
    connections: 10,
    duration: SECONDS,
    overallRate: 50,
    timeout: 10,
    headers: { cookie },
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
  return { p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx, n: r.requests.total };
}

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const db = ctx.embedded;
  const [{ n } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM grid');
  if (n === 0) await loadDemoCity(db, { seed: 20261125, incidents: sized(20_000, 2_000) });
  const { server, base } = await listenApp(db);
  const cookies = [await benchCookie(db, base), await benchCookie(db, base)];
  const grids = await db.query<{ x: number; y: number }>(
    `SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM grid ORDER BY code LIMIT 40`,
  );
  const tiles = grids.flatMap((g, i) => {
    const t = tileAt(g.x, g.y, 14 + (i % 3));
    return ['grids', 'cameras', 'basemap'].map((l) => `/tiles/${l}/${t.z}/${t.x}/${t.y}.mvt`);
  });
  const cookie = cookies[0] ?? '';
  // Warm: the coverage model of the demo city (its views) and the tile cache, so both runs measure the same thing.
  await fetch(`${base}/api/v1/analysis/coverage?area=grid`, { headers: { cookie } });
  ctx.log('no job running');
  const idleHealth = await p99(base, cookie, ['/api/v1/health']);
  const idleTiles = await p99(base, cookie, tiles);
  ctx.log('4 placement jobs');
  const ids: string[] = [];
  for (const [i, k] of [50, 49, 48, 47].entries()) {
    const res = await fetch(`${base}/api/v1/jobs`, {
      method: 'POST',
      headers: { cookie: cookies[i % 2] ?? '', 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'placement', params: { k, area: 'grid' } }),
    });
    ids.push(((await res.json()) as { id: string }).id);
  }
  const busyHealth = await p99(base, cookie, ['/api/v1/health']);
  const busyTiles = await p99(base, cookie, tiles);
  const states = await Promise.all(
    ids.map(
      async (id, i) =>
        (await (await fetch(`${base}/api/v1/jobs/${id}`, { headers: { cookie: cookies[i % 2] ?? '' } })).json()) as {
          state: string;
          progress: number;
        },
    ),
  );
  for (const [i, id] of ids.entries())
    await fetch(`${base}/api/v1/jobs/${id}`, { method: 'DELETE', headers: { cookie: cookies[i % 2] ?? '' } });
  server.close();
  const during = `jobs at the end of the window: ${states.map((s) => `${s.state} ${(100 * s.progress).toFixed(0)} %`).join(', ')}`;
  return [
    {
      operation: 'health p99 while 4 placement jobs run',
      on: 'embedded',
      size: `${busyHealth.n} requests at 50/s`,
      oursMs: busyHealth.p99,
      reference: 'the same with no job running',
      referenceMs: idleHealth.p99,
      goal: '< 50 ms',
      note: `${busyHealth.errors} errors; ${during}`,
    },
    {
      operation: 'tile p99 while 4 placement jobs run',
      on: 'embedded',
      size: `${busyTiles.n} requests at 50/s, ${tiles.length} tiles`,
      oursMs: busyTiles.p99,
      reference: 'the same with no job running',
      referenceMs: idleTiles.p99,
      goal: '< 200 ms',
      note: `${busyTiles.errors} errors`,
    },
  ];
}

const suite: BenchSuite = { name: 'jobs (latency while placements run)', run };
export default suite;
