import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { signedIn } from '../helpers/test-app.js';
import { mvtSql, tileParams } from '../../src/db/repos/tiles.repo.js';
import {
  createTileSource,
  nodeTileSource,
  postgisTileSource,
  type TileSource,
} from '../../src/services/tile-source.js';
import { findTileset, TILE_BUFFER, TILE_EXTENT, TILESETS, tileAt, type TileCoord } from '../../src/tiles/tilesets.js';
import { openTestDb, testDbKind, type TestDb } from '../helpers/test-db.js';
import {
  CENTER,
  decodeTile,
  insertTilesFixture,
  maxVertexDistance,
  surveyorArea,
  type DecodedFeature,
} from './tiles-fixture.js';

let t: TestDb;
let ids: Record<string, number>;
let source: TileSource;
let server: Server;
let base: string;
let cookie = '';
/** fetch as a signed-in leader (tiles need a session). */
const get = (url: string, init: { headers?: Record<string, string> } = {}) =>
  fetch(url, { ...init, headers: { ...init.headers, cookie } });

beforeAll(async () => {
  t = await openTestDb();
  ids = await t.db.transaction((tx) => insertTilesFixture(tx));
  source = createTileSource(t.db);
  server = createApp({ db: t.db, logger: pino({ level: 'silent' }) }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cookie = await signedIn(base, t, new Map(), 'tiles-reader', 'leader', null);
});
afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await t?.dispose();
});

const at = (z: number): TileCoord => tileAt(CENTER.lon, CENTER.lat, z);
const tileOf = async (tileset: string, tile: TileCoord, src: TileSource = source) =>
  decodeTile(await src.getTile(findTileset(tileset)!, tile));
const idsIn = (features: DecodedFeature[] | undefined) =>
  (features ?? []).map((f) => f.id).sort((a, b) => (a ?? 0) - (b ?? 0));
const tileUrl = (tileset: string, tile: TileCoord) => `${base}/tiles/${tileset}/${tile.z}/${tile.x}/${tile.y}.mvt`;

describe('tile contents', () => {
  it('when the grids tile at z14 is read, then both grids come as polygons with id, code, name and kind', async () => {
    const tile = await tileOf('grids', at(14));
    expect(Object.keys(tile)).toEqual(['grids']);
    const grids = tile.grids!;
    expect(idsIn(grids)).toEqual([ids.grid0, ids.grid1]);
    const dedicated = grids.find((f) => f.id === ids.grid1)!;
    expect(dedicated.type).toBe(3);
    expect(dedicated.properties).toEqual({
      id: ids.grid1,
      code: '320102001001002',
      name: '南京一中专属网格',
      kind: 'dedicated',
      dedicated_unit: '南京市第一中学',
      community_code: '320102001001',
      population: 2400,
      households: 900,
    });
  });

  it('when cameras and incidents are read at z15, then they are points with status, networked flag and time fields', async () => {
    const cams = (await tileOf('cameras', at(15))).cameras!;
    expect(cams.map((f) => f.type)).toEqual([1, 1]);
    expect(cams.find((f) => f.id === ids.camera1)!.properties).toMatchObject({
      code: 'CAM-0002',
      status: 'faulty',
      networked: false,
      camera_type: 'bullet',
      heading_deg: 270.5,
    });
    const incidents = (await tileOf('incidents', at(15))).incidents!;
    expect(incidents.find((f) => f.id === ids.incident0)!.properties).toEqual({
      // 2026-03-01 07:30 in Beijing (still 28 February in UTC) is a Sunday; the id is the feature id only.
      category: '盗窃',
      severity: 2,
      occurred_on: '2026-03-01',
      hour: 7,
      weekday: 7,
    });
  });

  it('when a property is null, then it is left out of the feature', async () => {
    const b = (await tileOf('buildings', at(15))).buildings!.find((f) => f.id === ids.building1)!;
    expect(b.properties).toEqual({ id: ids.building1, levels: 4 });
  });

  it('when key places mix points and polygons, then each keeps its own geometry type', async () => {
    const kp = (await tileOf('key-places', at(14)))['key-places']!;
    expect(kp.find((f) => f.id === ids.key_place0)!.type).toBe(3);
    expect(kp.find((f) => f.id === ids.key_place1)!.type).toBe(1);
  });

  it('when a polygon has a hole, then its exterior ring has positive and its hole negative surveyor area (MVT winding)', async () => {
    const b = (await tileOf('buildings', at(16))).buildings!.find((f) => f.id === ids.building1)!;
    expect(b.rings).toHaveLength(2);
    expect(surveyorArea(b.rings[0]!)).toBeGreaterThan(0);
    expect(surveyorArea(b.rings[1]!)).toBeLessThan(0);
  });

  it('when a grid straddles tile edges at z17, then each tile holds it clipped to the tile plus its buffer', async () => {
    const center = at(17);
    const seen: number[] = [];
    for (const dx of [-1, 0, 1]) {
      const tile = await tileOf('grids', { ...center, x: center.x + dx });
      const grid = tile.grids?.find((f) => f.id === ids.grid0);
      if (!grid) continue;
      seen.push(dx);
      const xs = grid.rings.flat().map((p) => p[0]);
      const ys = grid.rings.flat().map((p) => p[1]);
      expect(Math.min(...xs, ...ys)).toBeGreaterThanOrEqual(-TILE_BUFFER);
      expect(Math.max(...xs, ...ys)).toBeLessThanOrEqual(TILE_EXTENT + TILE_BUFFER);
      // The grid runs past the top and bottom of a z17 tile, so it is cut at the buffer line there.
      expect(Math.min(...ys)).toBe(-TILE_BUFFER);
      expect(Math.max(...ys)).toBe(TILE_EXTENT + TILE_BUFFER);
    }
    expect(seen.length).toBeGreaterThanOrEqual(2);
  });
});

describe('min zooms', () => {
  it('when roads are read from z11 to z15, then arterials come first, residential from 13 and footways from 15', async () => {
    const classesAt = async (z: number) =>
      ((await tileOf('roads', at(z))).roads ?? []).map((f) => f.properties.road_class).sort();
    expect(await classesAt(9)).toEqual([]);
    expect(await classesAt(11)).toEqual(['primary']);
    expect(await classesAt(13)).toEqual(['primary', 'residential']);
    expect(await classesAt(14)).toEqual(['primary', 'residential']);
    expect(await classesAt(15)).toEqual(['footway', 'primary', 'residential']);
  });

  it('when buildings are asked for at z13, then the tile is empty, and at z14 it holds them', async () => {
    expect((await source.getTile(findTileset('buildings')!, at(13))).byteLength).toBe(0);
    expect(idsIn((await tileOf('buildings', at(14))).buildings)).toEqual([ids.building0, ids.building1]);
  });

  it('when admin areas are read, then districts show from 8, townships from 10 and communities from 12', async () => {
    const levelsAt = async (z: number) =>
      ((await tileOf('admin-areas', at(z)))['admin-areas'] ?? []).map((f) => f.properties.level).sort();
    expect(await levelsAt(7)).toEqual([]);
    expect(await levelsAt(9)).toEqual(['district', 'region']);
    expect(await levelsAt(11)).toEqual(['district', 'region', 'township']);
    expect(await levelsAt(12)).toEqual(['community', 'district', 'region', 'township']);
  });

  it('when the basemap is read at z15, then it has roads, buildings and admin layers and no water layer', async () => {
    const tile = await tileOf('basemap', at(15));
    expect(Object.keys(tile)).toEqual(expect.arrayContaining(['admin', 'buildings', 'roads']));
    expect(Object.keys(tile)).not.toContain('water');
    expect(tile.admin!.map((f) => f.type)).toEqual([3, 3, 3, 3]);
    // Label points sit in one tile each: the community's lies in its middle, at z12 in the centre tile.
    const z12 = await tileOf('basemap', at(12));
    expect(z12.admin_labels?.map((f) => f.properties.name)).toContain('大行宫社区');
  });
});

describe('GET /tiles', () => {
  it('when a tile is fetched, then it is an MVT with ETag and a 60 s public cache, and If-None-Match gives 304', async () => {
    const res = await get(tileUrl('grids', at(14)));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    expect(res.headers.get('cache-control')).toBe('private, max-age=60');
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(idsIn(decodeTile(new Uint8Array(await res.arrayBuffer())).grids)).toEqual([ids.grid0, ids.grid1]);
    const again = await get(tileUrl('grids', at(14)), { headers: { 'If-None-Match': `W/"x", ${etag}` } });
    expect(again.status).toBe(304);
    const stale = await get(tileUrl('grids', at(14)), { headers: { 'If-None-Match': '"stale"' } });
    expect(stale.status).toBe(200);
  });

  it('when a tile is empty, then the answer is 204 with no body', async () => {
    const res = await get(tileUrl('buildings', at(12)));
    expect(res.status).toBe(204);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it('when the tileset is unknown, then 404 problem+json names it', async () => {
    const res = await get(`${base}/tiles/water/14/1/1.mvt`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({
      status: 404,
      title: 'Unknown tileset "water"',
      errors: [{ path: 'tileset' }],
    });
  });

  it.each([
    ['z is not a number', '/tiles/grids/a/1/1.mvt', 'z'],
    ['z is too deep', '/tiles/grids/25/1/1.mvt', 'z'],
    ['x is outside the zoom', '/tiles/grids/2/4/1.mvt', 'x'],
    ['y is negative', '/tiles/grids/2/1/-1.mvt', 'y'],
  ])('when %s, then 400 problem+json names the field', async (_what, path, field) => {
    const res = await get(base + path);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { path: string }[] };
    expect(body.errors.map((e) => e.path)).toEqual([field]);
  });

  it('when the format is not .mvt, then 404', async () => {
    expect((await get(`${base}/tiles/grids/14/1/1.png`)).status).toBe(404);
  });

  it('when the TileJSON is fetched, then tiles point back at this host and bounds and fields come from the data', async () => {
    const res = await get(`${base}/tiles/basemap.json`);
    expect(res.status).toBe(200);
    const tj = (await res.json()) as {
      tiles: string[];
      minzoom: number;
      maxzoom: number;
      bounds: number[];
      vector_layers: { id: string; fields: Record<string, string> }[];
    };
    expect(tj.tiles).toEqual([`${base}/tiles/basemap/{z}/{x}/{y}.mvt`]);
    expect([tj.minzoom, tj.maxzoom]).toEqual([8, 16]);
    // The region (118.70–118.90, 31.98–32.10) is the largest thing in the basemap's tables.
    tj.bounds.forEach((v, i) => {
      expect(v).toBeCloseTo([118.7, 31.98, 118.9, 32.1][i]!, 6);
    });
    expect(tj.vector_layers.map((l) => l.id)).toEqual(['admin', 'admin_labels', 'roads', 'buildings']);
    expect(tj.vector_layers.find((l) => l.id === 'roads')!.fields).toMatchObject({
      road_class: 'String',
      speed_kmh: 'Number',
    });
    const cams = (await (await get(`${base}/tiles/cameras.json`)).json()) as {
      vector_layers: { fields: Record<string, string> }[];
    };
    expect(cams.vector_layers[0]!.fields).toMatchObject({ status: 'String', networked: 'Boolean' });
  });
});

/** A spread of tiles over the fixture at every zoom from 8 to 17, with neighbours so edges are crossed. */
function comparisonTiles(): TileCoord[] {
  const tiles: TileCoord[] = [];
  for (let z = 8; z <= 17; z++) {
    const c = at(z);
    for (const [dx, dy] of [
      [0, 0],
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ] as const)
      tiles.push({ z, x: c.x + dx, y: c.y + dy });
  }
  return tiles;
}

describe('ST_AsMVT and the Node encoder give the same tiles', () => {
  it.runIf(testDbKind() === 'server')(
    'when every tileset is cut both ways on the server, then layers, ids, attributes and geometry (within 1 unit) match',
    async () => {
      const pg = postgisTileSource(t.db);
      const node = nodeTileSource(t.db);
      let compared = 0;
      for (const ts of TILESETS.values()) {
        for (const tile of comparisonTiles()) {
          const label = `${ts.name} ${tile.z}/${tile.x}/${tile.y}`;
          const a = decodeTile(await pg.getTile(ts, tile));
          const b = decodeTile(await node.getTile(ts, tile));
          expect(Object.keys(b).sort(), label).toEqual(Object.keys(a).sort());
          for (const [layer, fa] of Object.entries(a)) {
            const fb = b[layer]!;
            expect(idsIn(fb), `${label} ${layer}`).toEqual(idsIn(fa));
            for (const f of fa) {
              const g = fb.find((x) => x.id === f.id)!;
              const what = `${label} ${layer} #${f.id}`;
              expect(g.properties, what).toEqual(f.properties);
              expect(g.type, what).toBe(f.type);
              const closed = f.type === 3;
              expect(maxVertexDistance(f.rings, g.rings, closed), what).toBeLessThanOrEqual(Math.SQRT2);
              expect(maxVertexDistance(g.rings, f.rings, closed), what).toBeLessThanOrEqual(Math.SQRT2);
              if (closed)
                expect(
                  g.rings.map((r) => Math.sign(surveyorArea(r))),
                  what,
                ).toEqual(f.rings.map((r) => Math.sign(surveyorArea(r))));
              compared++;
            }
          }
        }
      }
      // Every layer of the fixture shows up somewhere in the spread.
      expect(compared).toBeGreaterThan(300);
    },
  );

  it.runIf(testDbKind() === 'embedded')(
    'when ST_AsMVT is tried embedded, then PostGIS says it lacks protobuf-c and the postgis source is refused',
    async () => {
      await expect(t.db.query(mvtSql(findTileset('grids')!, 14)!, tileParams(at(14)))).rejects.toThrow(/protobuf-c/);
      expect(() => createTileSource(t.db, 'postgis')).toThrow(/embedded/);
      expect(source.encoder).toBe('node');
    },
  );
});
