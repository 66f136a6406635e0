import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedTileSource } from '../../src/services/tile-cache.js';
import { createTileSource } from '../../src/services/tile-source.js';
import { TILESETS, tileAt, type TilesetSpec } from '../../src/tiles/tilesets.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

/** The tile cache never serves a tile a committed write has changed, and keeps the tiles of untouched tables. */
let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.dispose());

const road = (x: number, name: string) =>
  t.db.query(
    `INSERT INTO road (name, road_class, speed_kmh, geom) VALUES ($1, 'primary', 50, ST_SetSRID(ST_MakeLine(ST_MakePoint($2, 32.04), ST_MakePoint($2 + 0.002, 32.041)), 4326))`,
    [name, x],
  );

describe('tile cache', () => {
  it('when a road is added to a tile, then the next basemap tile is the fresh encoding, while a grid tile is still served from the cache', async () => {
    await road(118.78, '中山路');
    const inner = createTileSource(t.db);
    const cached = cachedTileSource(t.db, inner);
    const basemap = TILESETS.get('basemap') as TilesetSpec;
    const grids = TILESETS.get('grids') as TilesetSpec;
    const tile = tileAt(118.781, 32.0405, 15);
    const first = await cached.getTile(basemap, tile);
    expect(first.byteLength).toBeGreaterThan(0);
    expect(await cached.getTile(basemap, tile), 'a second read is the cached tile itself').toBe(first);
    const gridTile = await cached.getTile(grids, tile);

    await road(118.7805, '北京东路');
    const after = await cached.getTile(basemap, tile);
    expect(after).not.toBe(first);
    expect(Buffer.from(after).equals(Buffer.from(first)), 'the tile changed with the new road').toBe(false);
    expect(
      Buffer.from(after).equals(Buffer.from(await inner.getTile(basemap, tile))),
      'equal to an uncached encoding',
    ).toBe(true);
    expect(await cached.getTile(grids, tile), 'no grid changed: the grid tile is still the cached one').toBe(gridTile);

    // A write rolled back bumps nothing the next read sees differently: same bytes as before it.
    await t.db
      .transaction(async (tx) => {
        await tx.query(`DELETE FROM road WHERE name = '北京东路'`);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(Buffer.from(await cached.getTile(basemap, tile)).equals(Buffer.from(after))).toBe(true);
  });
});
