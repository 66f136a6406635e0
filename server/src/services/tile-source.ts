import type { Geometry } from 'geojson';
import type { Db, Queryable } from '../db/client.js';
import { selectMvt, selectTileFeatures } from '../db/repos/tiles.repo.js';
import { encodeMvt, type TileFeature, type TileLayer } from '../tiles/mvt-encoder.js';
import { layersAtZoom, type TileCoord, type TilesetSpec } from '../tiles/tilesets.js';

/**
 * Where tile bytes come from: `postgis` encodes in the database with one ST_AsMVT query (server only);
 * `node` selects tile-unit geometry in SQL and encodes in Node (both databases; the only way on PGlite).
 */
export type TileEncoder = 'postgis' | 'node';

/** One interface for tiles on both databases. */
export interface TileSource {
  readonly encoder: TileEncoder;
  /** The tile's MVT bytes; zero bytes when nothing is in it. */
  getTile(tileset: TilesetSpec, tile: TileCoord): Promise<Uint8Array>;
}

/** ST_AsMVT in one query per tile. */
export function postgisTileSource(db: Queryable): TileSource {
  return { encoder: 'postgis', getTile: (ts, t) => selectMvt(db, ts, t) };
}

/** Tile-unit geometry from SQL, encoded with @maplibre/vt-pbf. */
export function nodeTileSource(db: Queryable): TileSource {
  return {
    encoder: 'node',
    async getTile(ts, t) {
      const rows = await selectTileFeatures(db, ts, t);
      // Keep the registry's layer order so both encoders write layers in the same order.
      const byLayer = new Map<string, TileFeature[]>(layersAtZoom(ts, t.z).map((l) => [l.id, []]));
      for (const r of rows) {
        byLayer
          .get(r.layer)
          ?.push({ id: r.id, properties: r.properties, geometry: JSON.parse(r.geometry) as Geometry });
      }
      const layers: TileLayer[] = [...byLayer].map(([name, features]) => ({ name, features }));
      return encodeMvt(layers);
    },
  };
}

/**
 * The tile source for a database: ST_AsMVT on a server, the Node encoder embedded.
 * @param encoder force one; `postgis` on the embedded database throws, since its PostGIS has no protobuf-c
 */
export function createTileSource(db: Db, encoder?: TileEncoder): TileSource {
  // Tiles are read-only and may lag a replica's replay by a moment (their Cache-Control allows 60 s anyway).
  const reader = db.reader;
  const chosen = encoder ?? (db.mode === 'server' ? 'postgis' : 'node');
  if (chosen === 'postgis') {
    if (db.mode !== 'server')
      throw new Error(
        'ST_AsMVT is not available on the embedded database (PostGIS without protobuf-c): use the node encoder',
      );
    return postgisTileSource(reader);
  }
  return nodeTileSource(reader);
}
