import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { loadProvince } from '../src/services/demo-city.service.js';
import { createTileSource } from '../src/services/tile-source.js';
import { findTileset, tileAt } from '../src/tiles/tilesets.js';
import {
  benchCookie,
  listenApp,
  medianMs,
  sized,
  type BenchContext,
  type BenchRow,
  type BenchSuite,
} from './harness.js';

/**
 * Up to what size the embedded database is fine (issue #22): demo districts of 100,000 incidents each (1, 2, 4, 8),
 * each size loaded into a file-backed embedded database as `npm start` keeps one (GRIDPATROL_DATA_DIR) and into a
 * server schema, then the same requests over HTTP on both: incident cells for one month at res 8 over everything, and
 * an incidents tile and a grids tile at z15 on the first district (the app's tile source, cache off). Reported per size: load time, the two medians beside
 * the server's, the database size and this process's RSS after the embedded load (PGlite's WASM heap lives in it).
 * BENCH_EMBEDDED_DISTRICTS=1,2,4 picks the sizes.
 */
const SIZES = (process.env.BENCH_EMBEDDED_DISTRICTS ?? sized('1,2,4,8', '1'))
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const INCIDENTS = sized(100_000, 2_000);
const SEED = 31;

interface Probe {
  cellsMs: number;
  incidentTileMs: number;
  gridTileMs: number;
  cells: number;
  tileBytes: string;
}

async function probe(db: Db): Promise<Probe> {
  const { server, base } = await listenApp(db);
  try {
    const cookie = await benchCookie(db, base);
    const get = async (p: string) => {
      const r = await fetch(base + p, { headers: { cookie } });
      if (!r.ok) throw new Error(`${p}: ${r.status} ${(await r.text()).slice(0, 200)}`);
      return r;
    };
    const [last] = await db.query<{ month: string }>(
      `SELECT to_char(date_trunc('month', max(occurred_at) AT TIME ZONE 'Asia/Shanghai') - interval '1 month', 'YYYY-MM') AS month
       FROM incident`,
    );
    const from = `${last?.month}-01T00:00:00%2B08:00`;
    const [y, m] = (last?.month ?? '2026-01').split('-').map(Number) as [number, number];
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    const cellsPath = `/api/v1/incidents/cells?res=8&from=${from}&to=${next}-01T00:00:00%2B08:00`;
    const cells = ((await (await get(cellsPath)).json()) as unknown[]).length;
    const [spot] = await db.query<{ x: number; y: number }>(
      'SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_Centroid(geom) AS p FROM admin_area WHERE level = $1 ORDER BY code LIMIT 1) s',
      ['district'],
    );
    const t = tileAt(spot?.x ?? 0, spot?.y ?? 0, 15);
    // Straight from the app's tile source (the one the tile routes wrap in their cache): cache off, as the tiles
    // suite measures it.
    const source = createTileSource(db);
    const tile = (name: string) => {
      const ts = findTileset(name);
      if (!ts) throw new Error(`no tileset ${name}`);
      return () => source.getTile(ts, t);
    };
    const sizes = await Promise.all(['incidents', 'grids'].map(async (n) => (await tile(n)()).byteLength));
    return {
      cells,
      tileBytes: `tiles ${sizes.map((b) => `${(b / 1024).toFixed(0)} KB`).join(' / ')}`,
      cellsMs: await medianMs(() => get(cellsPath).then((r) => r.json())),
      incidentTileMs: await medianMs(tile('incidents')),
      gridTileMs: await medianMs(tile('grids')),
    };
  } finally {
    await new Promise<void>((resolve) => (server as Server).close(() => resolve()));
  }
}

async function sizeOf(db: Db): Promise<number> {
  const [r] = await db.query<{ b: string }>('SELECT pg_database_size(current_database()) AS b');
  return Number(r?.b ?? 0);
}

const suite: BenchSuite = {
  name: 'embedded-scale',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    for (const districts of SIZES) {
      const opts = { cities: 1, districtsPerCity: districts, incidentsPerDistrict: INCIDENTS };
      const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
      const dir = await mkdtemp(path.join(os.tmpdir(), 'gp-embedded-scale-'));
      const embedded = await openDb({ dataDir: dir });
      try {
        await migrate(embedded);
        ctx.log(`embedded: loading ${districts} district(s) of ${INCIDENTS} incidents`);
        const t0 = performance.now();
        const total = await loadProvince(embedded, SEED, opts);
        const loadMs = performance.now() - t0;
        const rssMb = process.memoryUsage().rss / 2 ** 20;
        const mine = await probe(embedded);
        const bytes = await sizeOf(embedded);
        let ref: Probe | undefined;
        let serverLoadMs: number | null = null;
        if (ctx.server) {
          await ctx.server.exec('TRUNCATE incident, building, road, camera, grid, beat, station, admin_area CASCADE');
          ctx.log(`server: loading ${districts} district(s)`);
          const t1 = performance.now();
          await loadProvince(ctx.server, SEED, opts);
          serverLoadMs = performance.now() - t1;
          ref = await probe(ctx.server);
        }
        const size = `${districts} district(s): ${total.grids?.toLocaleString('en')} grids, ${total.incidents?.toLocaleString('en')} incidents`;
        const note = `${(bytes / 2 ** 20).toFixed(0)} MB on disk, RSS ${rssMb.toFixed(0)} MB after load (${rssBeforeMb.toFixed(0)} MB before this database opened)`;
        rows.push(
          {
            operation: 'embedded: load (one transaction per district)',
            on: 'embedded',
            size,
            oursMs: loadMs,
            reference: 'same load on the server',
            referenceMs: serverLoadMs,
            note,
          },
          {
            operation: 'embedded: cells, one month, res 8, everything',
            on: 'embedded',
            size,
            oursMs: mine.cellsMs,
            reference: 'same on the server',
            referenceMs: ref?.cellsMs ?? null,
            goal: '≤ 2 s',
            note: `${mine.cells} cells`,
          },
          {
            operation: 'embedded: incidents tile z15, cache off',
            on: 'embedded',
            size,
            oursMs: mine.incidentTileMs,
            reference: 'same on the server',
            referenceMs: ref?.incidentTileMs ?? null,
            note: `${mine.tileBytes} (incidents / grids)`,
          },
          {
            operation: 'embedded: grids tile z15, cache off',
            on: 'embedded',
            size,
            oursMs: mine.gridTileMs,
            reference: 'same on the server',
            referenceMs: ref?.gridTileMs ?? null,
          },
        );
      } finally {
        await embedded.close();
        await rm(dir, { recursive: true, force: true });
      }
    }
    return rows;
  },
};
export default suite;
