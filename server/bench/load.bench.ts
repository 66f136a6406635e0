import autocannon from 'autocannon';
import type { Db } from '../src/db/client.js';
import { loadDemoCity } from '../src/services/demo-city.service.js';
import { tileAt } from '../src/tiles/tilesets.js';
import { benchCookie, listenApp, type BenchContext, type BenchRow, type BenchSuite } from './harness.js';

/**
 * Bounded load on loopback: tiles and feature queries at 200 requests/s for BENCH_LOAD_SECONDS (default 60) while a
 * planner saves an edit every 200 ms. Reported: p50/p99 latency, errors, and edits acknowledged vs stored (lost edits).
 * Reference in the same run: the health endpoint at the same rate (the HTTP stack and session check, no data).
 * Goal: p99 < 200 ms, 0 errors, 0 lost edits.
 */
const RATE = 200;
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60);

/** What the web app asks for while a planner pans a street-level map: tiles of several layers and feature/cell queries. */
async function readPaths(db: Db): Promise<string[]> {
  const grids = await db.query<{ x: number; y: number }>(`SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM grid ORDER BY code LIMIT 40`);
  const paths: string[] = [];
  for (const [i, g] of grids.entries()) {
    const z = 14 + (i % 3);
    const t = tileAt(g.x, g.y, z);
    for (const layer of ['grids', 'beats', 'cameras', 'incidents', 'basemap']) paths.push(`/tiles/${layer}/${t.z}/${t.x}/${t.y}.mvt`);
    const d = 0.004;
    paths.push(`/api/v1/grids?bbox=${[g.x - d, g.y - d, g.x + d, g.y + d].map((v) => v.toFixed(5)).join(',')}&limit=50`);
    paths.push(`/api/v1/incidents/cells?res=9&bbox=${[g.x - 3 * d, g.y - 3 * d, g.x + 3 * d, g.y + 3 * d].map((v) => v.toFixed(5)).join(',')}`);
  }
  return paths;
}

async function load(base: string, cookie: string, paths: readonly string[]): Promise<autocannon.Result> {
  return autocannon({
    url: base, connections: 20, duration: SECONDS, overallRate: RATE, timeout: 10, headers: { cookie },
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
}

/** Edits every 200 ms for as long as `until` is pending: each acknowledged save is remembered to be checked after. */
async function editWhile(base: string, cookie: string, db: Db, until: Promise<unknown>): Promise<{ sent: number; acknowledged: Map<number, number>; failed: number }> {
  const grids = await db.query<{ id: number; version: number; households: number }>('SELECT id::int AS id, version, households FROM grid ORDER BY id');
  const acknowledged = new Map<number, number>();
  let done = false, sent = 0, failed = 0;
  void until.then(() => { done = true; });
  for (let i = 0; !done; i++) {
    const g = grids[i % grids.length];
    if (!g) break;
    const households = g.households + 1;
    sent++;
    const res = await fetch(`${base}/api/v1/grids/${g.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ version: g.version, properties: { households } }) });
    if (res.status === 200) {
      const f = await res.json() as { properties: { version: number } };
      g.version = f.properties.version;
      g.households = households;
      acknowledged.set(g.id, households);
    } else {
      failed++;
      await res.arrayBuffer();
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { sent, acknowledged, failed };
}

const errorsOf = (r: autocannon.Result) => r.errors + r.timeouts + r.non2xx;

const suite: BenchSuite = {
  name: 'load',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const dbs: [string, Db][] = [['embedded', ctx.embedded], ...(ctx.server ? [['server', ctx.server] as [string, Db]] : [])];
    for (const [on, db] of dbs) {
      const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM grid') as [{ n: number }];
      if (n === 0) { ctx.log(`loading the demo city (${on})`); await loadDemoCity(db, { seed: 20261125 }); }
      const { server, base } = await listenApp(db);
      try {
        const cookie = await benchCookie(db, base);
        const paths = await readPaths(db);
        ctx.log(`${on}: health at ${RATE}/s for ${SECONDS} s (reference)`);
        const ref = await load(base, cookie, ['/api/v1/health']);
        ctx.log(`${on}: ${paths.length} tile and query paths at ${RATE}/s for ${SECONDS} s with edits`);
        const reads = load(base, cookie, paths);
        const edits = await editWhile(base, cookie, db, reads);
        const r = await reads;
        const stored = await db.query<{ id: number; households: number }>('SELECT id::int AS id, households FROM grid WHERE id = ANY($1::bigint[])', [[...edits.acknowledged.keys()]]);
        const lost = [...edits.acknowledged].filter(([id, h]) => stored.find((s) => s.id === id)?.households !== h).length;
        const ok = r.latency.p99 < 200 && errorsOf(r) === 0 && lost === 0 && edits.failed === 0;
        rows.push({
          operation: `tiles + queries at ${RATE}/s, ${SECONDS} s, edits every 200 ms: p99`, on, size: `${r.requests.total} requests, ${paths.length} paths`,
          oursMs: r.latency.p99, reference: `health at ${RATE}/s: p99`, referenceMs: ref.latency.p99, goal: 'p99 < 200 ms',
          note: `p50 ${r.latency.p50} ms, ${errorsOf(r)} errors (ref ${errorsOf(ref)}), ${r.requests.average.toFixed(0)} req/s; `
            + `edits ${edits.acknowledged.size > 0 ? edits.sent : 0} sent, ${edits.failed} refused, ${lost} lost — ${ok ? 'met' : 'MISSED'}`,
        });
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    }
    return rows;
  },
};

export default suite;
