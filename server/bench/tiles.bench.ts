import type { AddressInfo } from 'node:net';
import http, { type Server } from 'node:http';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import type { Db } from '../src/db/client.js';
import { insertFeatures } from '../src/db/bulk-insert.js';
import { LAYERS } from '../src/contract/layers.js';
import { attributeSql, zoomFilter } from '../src/db/repos/tiles.repo.js';
import { nodeTileSource, postgisTileSource, type TileSource } from '../src/services/tile-source.js';
import {
  findTileset,
  layersAtZoom,
  TILE_BUFFER,
  TILE_EXTENT,
  tileAt,
  type TileCoord,
  type TileLayerSpec,
  type TilesetSpec,
} from '../src/tiles/tilesets.js';
import { benchCookie, medianMs, sized, type BenchContext, type BenchRow, type BenchSuite } from './harness.js';
import { buildBenchCity, CITY_BOUNDS } from './tiles-city.js';

/**
 * Tiles against the bare ST_AsMVT query a DBA would write for the same tiles (the manual's form: same rows and
 * attributes, no simplification), run with `pg` on the same server. Ours is measured through the TileSource (the
 * code the route calls) and through HTTP (in-process Express on a local port, Node's fetch as client).
 * Each timing is the median over 5 runs of getting the whole tile list one tile after another.
 */

const BENCH_ZOOMS = [12, 13, 14, 15, 16];
const TILES_PER_ZOOM = sized(16, 2);

/** Up to 16 tiles per zoom covering the bench city, nearest the centre first. */
function benchTiles(): TileCoord[] {
  const { west, south, east, north } = CITY_BOUNDS;
  const cx = (west + east) / 2;
  const cy = (south + north) / 2;
  return BENCH_ZOOMS.flatMap((z) => {
    const a = tileAt(west, north, z);
    const b = tileAt(east, south, z);
    const c = tileAt(cx, cy, z);
    const all: TileCoord[] = [];
    for (let x = a.x; x <= b.x; x++) for (let y = a.y; y <= b.y; y++) all.push({ z, x, y });
    all.sort((p, q) => Math.hypot(p.x - c.x, p.y - c.y) - Math.hypot(q.x - c.x, q.y - c.y));
    return all.slice(0, TILES_PER_ZOOM);
  });
}

/**
 * The textbook one-query tile (the PostGIS manual's form): ST_AsMVTGeom over ST_TileEnvelope, the same rows and
 * attributes, no simplification, no NULL filter.
 */
function bareLayerSql(l: TileLayerSpec, z: number): string | null {
  const zoom = zoomFilter(l.zoomRule, z);
  if (zoom === null) return null;
  const cols = l.attributes.map((a) => `${attributeSql(a)} AS ${a.name}`);
  const geom = l.geometrySource === 'label-point' ? 'ST_PointOnSurface(s.geom)' : 's.geom';
  return `(SELECT ST_AsMVT(t, '${l.id}', ${TILE_EXTENT}, 'geom', 'fid') FROM (
    SELECT s.id AS fid, ${cols.join(', ')},
      ST_AsMVTGeom(ST_Transform(${geom}, 3857), ST_TileEnvelope($1, $2, $3), ${TILE_EXTENT}, ${TILE_BUFFER}, true) AS geom
    FROM ${LAYERS[l.from].table} s
    WHERE s.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => ${TILE_BUFFER / TILE_EXTENT}), 4326)${zoom}) t)`;
}

function bareSql(ts: TilesetSpec, z: number): string | null {
  const layers = layersAtZoom(ts, z)
    .map((l) => bareLayerSql(l, z))
    .filter((q): q is string => q !== null);
  return layers.length ? `SELECT ${layers.join(' || ')} AS mvt` : null;
}

async function loadCity(db: Db, log: (m: string) => void): Promise<void> {
  const city = buildBenchCity(undefined, sized(1, 0.1));
  const t0 = performance.now();
  await db.transaction(async (tx) => {
    await insertFeatures(tx, LAYERS['admin-areas'], city.admin);
    await insertFeatures(tx, LAYERS.grids, city.grids);
    await insertFeatures(tx, LAYERS.roads, city.roads);
    await insertFeatures(tx, LAYERS.buildings, city.buildings);
    await insertFeatures(tx, LAYERS.incidents, city.incidents);
  });
  await db.exec('ANALYZE');
  log(`${db.mode}: bench city loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

interface App {
  base: string;
  server: Server;
  /** Node's http client on one keep-alive socket: about half the per-request cost of fetch (undici). */
  agent: http.Agent;
  /** A signed-in admin's session: tiles need a session like every other call. */
  cookie: string;
  close(): void;
}

async function listen(db: Db): Promise<App> {
  const server = createApp({ db, logger: pino({ level: 'silent' }) }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  // Other rows run between HTTP rounds for longer than Node's 5 s default; an idle socket closed by the server
  // while the client reuses it shows up as ECONNRESET.
  server.keepAliveTimeout = 120_000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base: `${root}/tiles`,
    server,
    agent,
    cookie: await benchCookie(db, root),
    close() {
      agent.destroy();
      server.close();
    },
  };
}

/** GET over one keep-alive socket; resolves with the status and the body length. */
function get(agent: http.Agent, url: string, cookie: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { cookie } }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

interface Fetched {
  total: number;
  max: number;
}

/** Fetches every tile once over HTTP; 204s count as 0 bytes. */
async function fetchAll(app: App, ts: TilesetSpec, tiles: readonly TileCoord[]): Promise<Fetched> {
  const out: Fetched = { total: 0, max: 0 };
  for (const t of tiles) {
    const res = await get(app.agent, `${app.base}/${ts.name}/${t.z}/${t.x}/${t.y}.mvt`, app.cookie);
    if (res.status !== 200 && res.status !== 204) throw new Error(`${res.status} for ${ts.name} ${t.z}/${t.x}/${t.y}`);
    out.total += res.bytes;
    out.max = Math.max(out.max, res.bytes);
  }
  return out;
}

async function bareAll(db: Db, ts: TilesetSpec, tiles: readonly TileCoord[]): Promise<number> {
  let bytes = 0;
  for (const t of tiles) {
    const sql = bareSql(ts, t.z);
    if (!sql) continue;
    const [row] = await db.query<{ mvt: Uint8Array }>(sql, [t.z, t.x, t.y]);
    bytes += row?.mvt.byteLength ?? 0;
  }
  return bytes;
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

const suite: BenchSuite = {
  name: 'tiles',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const tiles = benchTiles();
    const tilesets = ['basemap', 'roads', 'buildings', 'incidents', 'grids'].map((n) => findTileset(n)!);
    const size = (f: Fetched) =>
      `${tiles.length} tiles z${BENCH_ZOOMS[0]}–${BENCH_ZOOMS.at(-1)}, ${kb(f.total)}, max ${kb(f.max)}`;
    await loadCity(ctx.embedded, ctx.log);
    const embeddedApp = await listen(ctx.embedded);
    try {
      if (!ctx.server) {
        ctx.log('no PostGIS server: only the embedded timings, without a reference');
        for (const ts of tilesets) {
          const bytes = await fetchAll(embeddedApp, ts, tiles);
          rows.push({
            operation: `GET /tiles/${ts.name} (Node encoder)`,
            on: 'embedded',
            size: size(bytes),
            oursMs: await medianMs(() => fetchAll(embeddedApp, ts, tiles)),
            reference: '—',
            referenceMs: null,
          });
        }
        return rows;
      }
      const server = ctx.server;
      await loadCity(server, ctx.log);
      const serverApp = await listen(server);
      try {
        const viaSource = (src: TileSource, ts: TilesetSpec) => async () => {
          for (const t of tiles) await src.getTile(ts, t);
        };
        const pgSource = postgisTileSource(server);
        const nodeOnServer = nodeTileSource(server);
        const nodeEmbedded = nodeTileSource(ctx.embedded);
        const reference = 'bare ST_AsMVT query (pg)';
        for (const ts of tilesets) {
          const bytes = await fetchAll(serverApp, ts, tiles);
          const bareMs = await medianMs(() => bareAll(server, ts, tiles));
          rows.push({
            operation: `TileSource ST_AsMVT: ${ts.name}`,
            on: 'server',
            size: size(bytes),
            oursMs: await medianMs(viaSource(pgSource, ts)),
            reference,
            referenceMs: bareMs,
            goal: '≤ 1.3×',
          });
          rows.push({
            operation: `GET /tiles/${ts.name} (HTTP, ST_AsMVT)`,
            on: 'server',
            size: size(bytes),
            oursMs: await medianMs(() => fetchAll(serverApp, ts, tiles)),
            reference,
            referenceMs: bareMs,
            goal: '≤ 1.3×',
            note: 'incl. http client + Express',
          });
          rows.push({
            operation: `TileSource Node encoder: ${ts.name}`,
            on: 'server',
            size: size(bytes),
            oursMs: await medianMs(viaSource(nodeOnServer, ts)),
            reference,
            referenceMs: bareMs,
            note: 'embedded path run on the server',
          });
          const embeddedBytes = await fetchAll(embeddedApp, ts, tiles);
          rows.push({
            operation: `TileSource Node encoder: ${ts.name}`,
            on: 'embedded',
            size: size(embeddedBytes),
            oursMs: await medianMs(viaSource(nodeEmbedded, ts)),
            reference: `${reference} on the server`,
            referenceMs: bareMs,
            note: 'ratio reported, no goal',
          });
        }
      } finally {
        serverApp.close();
      }
    } finally {
      embeddedApp.close();
    }
    return rows;
  },
};

export default suite;
