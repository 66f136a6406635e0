import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { selectTilesetBounds } from '../../db/repos/tiles.repo.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { createTileSource, type TileSource } from '../../services/tile-source.js';
import { cachedTileSource } from '../../services/tile-cache.js';
import { etagMatches, tileEtag } from '../../tiles/tile-etag.js';
import { buildTileJson } from '../../tiles/tilejson.js';
import { findTileset, MAX_REQUEST_ZOOM, TILESETS, type TileCoord, type TilesetSpec } from '../../tiles/tilesets.js';
import { sendProblem } from '../middleware/error-handler.js';

/** The registered media type of Mapbox Vector Tiles. */
export const MVT_CONTENT_TYPE = 'application/vnd.mapbox-vector-tile';
/** Short: tiles change as soon as someone edits a grid; the ETag makes revalidation cheap. */
// private: tiles need a session, so no shared cache (proxy) may keep them for others.
export const TILE_CACHE_CONTROL = 'private, max-age=60';

const uint = z.string().regex(/^(0|[1-9][0-9]{0,9})$/, 'a non-negative integer').transform(Number);
const tileParams = z.object({
  z: uint.pipe(z.number().max(MAX_REQUEST_ZOOM, `at most ${MAX_REQUEST_ZOOM}`)),
  x: uint,
  y: uint,
}).superRefine((t, ctx) => {
  const n = 2 ** t.z;
  for (const k of ['x', 'y'] as const) {
    if (t[k] >= n) ctx.addIssue({ code: 'custom', path: [k], message: `must be below 2^z = ${n} at zoom ${t.z}` });
  }
});

function tilesetOf(name: string): TilesetSpec {
  const ts = findTileset(name);
  if (!ts) {
    throw new NotFoundError(`Unknown tileset "${name}"`, [
      { path: 'tileset', message: `one of ${[...TILESETS.keys()].join(', ')}` },
    ]);
  }
  return ts;
}

function parseTile(raw: { z: string; x: string; y: string }): TileCoord {
  const parsed = tileParams.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationError('Bad tile address', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return parsed.data;
}

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
export function tilesRoutes(db: Db, source: TileSource = cachedTileSource(db, createTileSource(db))): Router {
  const router = Router();

  router.get('/:tileset/:z/:x/:file', async (req, res) => {
    const m = /^(.+)\.(mvt|pbf)$/.exec(req.params.file);
    if (!m?.[1]) throw new NotFoundError(`No tile format "${req.params.file}": use {y}.mvt`);
    const ts = tilesetOf(req.params.tileset);
    const tile = parseTile({ z: req.params.z, x: req.params.x, y: m[1] });
    const bytes = await source.getTile(ts, tile);
    res.set('Cache-Control', TILE_CACHE_CONTROL);
    if (bytes.byteLength === 0) {
      res.status(204).end();
      return;
    }
    const etag = tileEtag(bytes);
    res.set('ETag', etag);
    if (etagMatches(req.get('If-None-Match'), etag)) {
      res.status(304).end();
      return;
    }
    res.type(MVT_CONTENT_TYPE).send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });

  router.get('/:file', async (req, res) => {
    const m = /^(.+)\.json$/.exec(req.params.file);
    if (!m?.[1]) throw new NotFoundError(`No tiles resource "${req.params.file}": use {tileset}.json`);
    const ts = tilesetOf(m[1]);
    const bounds = await selectTilesetBounds(db, ts);
    res.set('Cache-Control', TILE_CACHE_CONTROL).json(buildTileJson(ts, baseUrl(req), bounds));
  });

  router.use((req, res) => {
    sendProblem(res, {
      type: 'https://gridpatrol.dev/problems/not-found',
      title: `No tiles route for ${req.method} ${req.baseUrl}${req.path}`,
      status: 404,
      instance: req.originalUrl,
    });
  });
  return router;
}
