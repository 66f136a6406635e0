import type { Queryable } from '../db/client.js';
import { selectTilesetBounds } from '../db/repos/tiles.repo.js';
import { NotFoundError } from '../errors.js';
import { buildTileJson, type TileJson } from '../tiles/tilejson.js';
import { findTileset, TILESETS, type TilesetSpec } from '../tiles/tilesets.js';

/** The tileset of this name, or 404 naming the ones there are. */
export function tilesetOf(name: string): TilesetSpec {
  const ts = findTileset(name);
  if (!ts) {
    throw new NotFoundError(`Unknown tileset "${name}"`, [
      { path: 'tileset', message: `one of ${[...TILESETS.keys()].join(', ')}` },
    ]);
  }
  return ts;
}

/** The TileJSON of a tileset, with bounds from the data. */
export async function tileJsonOf(db: Queryable, ts: TilesetSpec, baseUrl: string): Promise<TileJson> {
  return buildTileJson(ts, baseUrl, await selectTilesetBounds(db, ts));
}
