import type { Request } from 'express';
import type { Db } from '../../db/client.js';
import { tileJsonAnswer, tileJsonParams, tileParamsSchema } from '../../contract/tiles.js';
import { NotFoundError } from '../../errors.js';
import { createTileSource, type TileSource } from '../../services/tile-source.js';
import { cachedTileSource } from '../../services/tile-cache.js';
import { tileJsonOf, tilesetOf } from '../../services/tiles.service.js';
import { etagMatches, tileEtag } from '../../tiles/tile-etag.js';
import { MAX_REQUEST_ZOOM, MVT_CONTENT_TYPE } from '../../tiles/tilesets.js';
import { RouteGroup, SENT } from '../route.js';

export { MVT_CONTENT_TYPE };
/** Short: tiles change as soon as someone edits a grid; the ETag makes revalidation cheap. */
// private: tiles need a session, so no shared cache (proxy) may keep them for others.
export const TILE_CACHE_CONTROL = 'private, max-age=60';

/** Scheme, host and mount point as the client addressed us, so TileJSON URLs work from any host name. */
function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
}

/**
 * Vector tiles, mounted at /tiles:
 * - `GET /tiles/{tileset}/{z}/{x}/{y}.mvt`: one source-layer per feature layer (grids, roads …) or the composite
 *   `basemap`. 200 with the tile, ETag (hash of the bytes) and `Cache-Control: private, max-age=60`; 304 when
 *   `If-None-Match` matches; **204 No Content for an empty tile** (below a layer's min zoom or no data there),
 *   which MapLibre treats as an empty tile; 404 for an unknown tileset, 400 for a bad z/x/y (problem+json).
 * - `GET /tiles/{tileset}.json`: TileJSON 3.0.0 with bounds from the data and vector_layers with their fields.
 * @param source defaults to ST_AsMVT on a server and the Node encoder embedded
 */
// The cache reads its change counters from db.reader, where the tiles come from too: counters from the primary with
// tiles from a replica that has not replayed the write yet would keep a stale tile under the fresh key (and so would
// two replicas: each request's reads are kept on one by readTogether below).
export function tilesRoutes(
  db: Db,
  source: TileSource = cachedTileSource(db.reader, createTileSource(db)),
): RouteGroup {
  return new RouteGroup('tiles', '/tiles')
    .add(
      {
        method: 'get',
        path: '/:tileset/:z/:x/:y.:format',
        permission: 'read',
        summary: 'One vector tile ({y}.mvt or .pbf; 204 when empty, 304 on If-None-Match)',
        request: { params: tileParamsSchema(MAX_REQUEST_ZOOM) },
        response: { contentType: MVT_CONTENT_TYPE, description: 'the tile' },
        problems: { 404: 'unknown tileset or format' },
      },
      async ({ params: t }, { req, res }) => {
        if (t.format !== 'mvt' && t.format !== 'pbf')
          throw new NotFoundError(`No tile format "${t.format}": use {y}.mvt`);
        const ts = tilesetOf(t.tileset);
        const bytes = await db.readTogether(() => source.getTile(ts, { z: t.z, x: t.x, y: t.y }));
        res.set('Cache-Control', TILE_CACHE_CONTROL);
        if (bytes.byteLength === 0) {
          res.status(204).end();
          return SENT;
        }
        const etag = tileEtag(bytes);
        res.set('ETag', etag);
        if (etagMatches(req.get('If-None-Match'), etag)) res.status(304).end();
        else res.type(MVT_CONTENT_TYPE).send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        return SENT;
      },
    )
    .add(
      {
        method: 'get',
        path: '/:tileset.json',
        permission: 'read',
        summary: 'TileJSON 3.0.0 of a tileset, bounds from the data',
        request: { params: tileJsonParams },
        response: { schema: tileJsonAnswer },
        problems: { 404: 'unknown tileset' },
      },
      async ({ params }, { req, res }) => {
        const tj = await tileJsonOf(db.reader, tilesetOf(params.tileset), baseUrl(req));
        res.set('Cache-Control', TILE_CACHE_CONTROL);
        return tj;
      },
    );
}
