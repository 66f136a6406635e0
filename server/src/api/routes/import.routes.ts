import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { importQuery, importReport } from '../../contract/import.js';
import { ValidationError } from '../../errors.js';
import { importFile } from '../../import/import.service.js';
import { limitRate } from '../middleware/auth.js';
import { RouteGroup } from '../route.js';

/** The beats import takes the /import query without a layer (always beats) and without OSM. */
const beatImportQuery = importQuery
  .omit({ layer: true, skip_invalid: true, tz: true })
  .extend({ format: z.enum(['geojson', 'csv', 'xlsx', 'shapefile', 'kml', 'kmz']) });

/** Uploads above this are refused with 413 before any parsing. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** POST /api/v1/import?format=…&layer=…: the file as the raw body; answers the import report. */
export function importRoutes(db: Db): RouteGroup {
  return new RouteGroup('import')
    .add(
      {
        method: 'post',
        path: '/import',
        permission: 'import',
        summary:
          'Import a file (GeoJSON, CSV/TSV, xlsx, zipped Shapefile, KML/KMZ, OSM PBF) into a layer: the file is the raw body',
        request: { query: importQuery },
        response: { schema: importReport },
        body: { kind: 'raw', limit: MAX_UPLOAD_BYTES },
        problems: {
          413: 'upload too large, or over a parse budget (zip inflation, vertices, columns)',
          422: 'invalid features (nothing imported)',
          429: 'too many imports from this address',
        },
        // Imports are heavy: 30 per address per hour.
        before: [limitRate(60 * 60_000, 30, 'imports')],
      },
      async ({ query: q }, { req, actor, user }) => {
        if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
          throw new ValidationError('Empty upload', [{ path: 'body', message: 'send the file as the request body' }]);
        }
        return importFile(db, new Uint8Array(req.body), {
          fileName: q.name ?? `upload.${q.format}`,
          format: q.format,
          crs: q.crs,
          actor,
          ...(user ? { user } : {}),
          ...(q.layer ? { layer: q.layer } : {}),
          ...(q.skip_invalid !== undefined ? { skipInvalid: q.skip_invalid } : {}),
          ...(q.tz ? { timeZone: q.tz } : {}),
        });
      },
    )
    .add(
      {
        method: 'post',
        path: '/import/beats',
        permission: 'edit_beats',
        summary:
          "Import beats (the same formats and report as /import, layer beats): a planner's file may only hold their own station's beats (else 403 naming the rows, nothing imported)",
        request: { query: beatImportQuery },
        response: { schema: importReport },
        body: { kind: 'raw', limit: MAX_UPLOAD_BYTES },
        problems: {
          413: 'upload too large, or over a parse budget (zip inflation, vertices, columns)',
          422: 'invalid features (nothing imported)',
          429: 'too many imports from this address',
        },
        before: [limitRate(60 * 60_000, 30, 'imports')],
      },
      async ({ query: q }, { req, actor, user }) => {
        if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
          throw new ValidationError('Empty upload', [{ path: 'body', message: 'send the file as the request body' }]);
        }
        return importFile(db, new Uint8Array(req.body), {
          fileName: q.name ?? `upload.${q.format}`,
          format: q.format,
          crs: q.crs,
          actor,
          ...(user ? { user } : {}),
          layer: 'beats',
        });
      },
    );
}
