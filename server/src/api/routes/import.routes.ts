import express, { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { LAYER_NAMES } from '../../db/layers.js';
import { ValidationError } from '../../errors.js';
import { importFile } from '../../import/import.service.js';
import { parseOrThrow } from '../contract/features.js';
import { limitRate } from '../middleware/auth.js';

/** Uploads above this are refused with 413 before any parsing. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

const query = z.strictObject({
  format: z.enum(['geojson', 'csv', 'xlsx', 'shapefile', 'kml', 'kmz', 'osm-pbf']),
  layer: z.enum(LAYER_NAMES).optional(),
  // wgs84, cgcs2000, gcj02, bd09, webmercator or EPSG:n; the readers refuse an unknown one (422 at `crs`).
  crs: z.string().regex(/^(wgs84|cgcs2000|gcj02|bd09|webmercator|EPSG:\d{4,5})$/i).default('wgs84'),
  skip_invalid: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  tz: z.string().max(64).optional(),
  name: z.string().max(200).optional(),
});

/** POST /api/v1/import?format=…&layer=…: the file as the raw body; answers the import report. */
export function importRoutes(db: Db): Router {
  const router = Router();
  // Imports are heavy: 30 per address per hour.
  router.post('/import', limitRate(60 * 60_000, 30, 'imports'), express.raw({ type: () => true, limit: MAX_UPLOAD_BYTES }), async (req, res) => {
    const q = parseOrThrow(query, req.query, 'query', 'query');
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
      throw new ValidationError('Empty upload', [{ path: 'body', message: 'send the file as the request body' }]);
    }
    const report = await importFile(db, new Uint8Array(req.body), {
      fileName: q.name ?? `upload.${q.format}`, format: q.format, crs: q.crs, actor: req.user?.username ?? 'anonymous',
      ...(q.layer ? { layer: q.layer } : {}), ...(q.skip_invalid !== undefined ? { skipInvalid: q.skip_invalid } : {}),
      ...(q.tz ? { timeZone: q.tz } : {}),
    });
    res.status(201).json(report);
  });
  return router;
}
