import type { Queryable } from '../db/client.js';
import { LAYERS } from '../contract/layers.js';
import type { TileCoord, TilesetSpec } from '../tiles/tilesets.js';
import type { TileSource } from './tile-source.js';

/**
 * Tiles kept in memory (LRU by bytes) and keyed by the change counters of the tables they read (migration 007), so a
 * committed write to a grid makes the next grid tile fresh while basemap tiles stay cached. One tiny query per
 * request reads the counters; encoding is skipped on a hit. On the embedded database, where every query shares one
 * thread, this is what keeps a panning map responsive under load (see the `load` bench).
 */
export function cachedTileSource(db: Queryable, inner: TileSource, maxBytes = 64 * 1024 * 1024): TileSource {
  const cache = new Map<string, Uint8Array>();
  let bytes = 0;
  return {
    encoder: inner.encoder,
    async getTile(ts: TilesetSpec, t: TileCoord) {
      const tables = [...new Set(ts.layers.map((l) => LAYERS[l.from].table))].sort();
      const rows = await db.query<{ v: string }>(
        `SELECT string_agg(table_name || ':' || version, ',' ORDER BY table_name) AS v FROM table_version WHERE table_name = ANY($1::text[])`,
        [tables],
      );
      const key = `${ts.name}/${t.z}/${t.x}/${t.y}@${rows[0]?.v ?? ''}`;
      const hit = cache.get(key);
      if (hit) {
        // Most recently used last.
        cache.delete(key);
        cache.set(key, hit);
        return hit;
      }
      const tile = await inner.getTile(ts, t);
      cache.set(key, tile);
      bytes += tile.byteLength;
      for (const [k, v] of cache) {
        if (bytes <= maxBytes) break;
        cache.delete(k);
        bytes -= v.byteLength;
      }
      return tile;
    },
  };
}
