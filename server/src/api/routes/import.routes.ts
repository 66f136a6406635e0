import { z } from 'zod';
import type { Db } from '../../db/client.js';
import {
  batchList,
  batchListQuery,
  batchParams,
  importQuery,
  importReport,
  inspectAnswer,
  inspectQuery,
  layerSpecsAnswer,
  undoReport,
} from '../../contract/import.js';
import { ValidationError } from '../../errors.js';
import { type ImportOptions, importFile } from '../../import/import.service.js';
import type { SignedInUser } from '../../services/auth.service.js';
import { importBatches, importLayerSpecs, undoImportBatch } from '../../services/import-batches.service.js';
import { inspectUpload } from '../../services/import-inspect.service.js';
import { limitRate } from '../middleware/auth.js';
import { RouteGroup } from '../route.js';

/** The beats import takes the /import query without a layer (always beats) and without OSM. */
const beatImportQuery = importQuery
  .omit({ layer: true })
  .extend({ format: z.enum(['geojson', 'csv', 'xlsx', 'shapefile', 'kml', 'kmz']) });

function uploadOf(body: unknown): Uint8Array {
  if (!Buffer.isBuffer(body) || body.length === 0) {
    throw new ValidationError('Empty upload', [{ path: 'body', message: 'send the file as the request body' }]);
  }
  return new Uint8Array(body);
}

/** The upload's query as the import's options. */
function optionsOf(q: z.output<typeof importQuery>, actor: string, user: SignedInUser | undefined): ImportOptions {
  return {
    fileName: q.name ?? `upload.${q.format}`,
    format: q.format,
    crs: q.crs,
    actor,
    ...(user ? { user } : {}),
    ...(q.layer ? { layer: q.layer } : {}),
    ...(q.skip_invalid !== undefined ? { skipInvalid: q.skip_invalid } : {}),
    ...(q.tz ? { timeZone: q.tz } : {}),
    ...(q.map ? { map: q.map } : {}),
    ...(q.set ? { set: q.set } : {}),
    ...(q.date_order ? { dateOrder: q.date_order } : {}),
    ...(q.key ? { key: q.key } : {}),
    ...(q.dry_run !== undefined ? { dryRun: q.dry_run } : {}),
    ...(q.make_valid !== undefined ? { makeValid: q.make_valid } : {}),
    ...(q.sheet ? { sheet: q.sheet } : {}),
    ...(q.encoding ? { encoding: q.encoding } : {}),
    ...(q.mode ? { mode: q.mode } : {}),
  };
}

/** Uploads above this are refused with 413 before any parsing. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/**
 * POST /api/v1/import?format=…&layer=…: the file as the raw body; answers the write report.
 * GET /api/v1/import/layers: what each layer takes. GET/DELETE /api/v1/import/batches[/:id]: the batches, undo one.
 */
export function importRoutes(db: Db): RouteGroup {
  // What both upload routes share: the raw body, the report, the refusals, and one rate limit (imports are heavy: 30
  // per address per hour over both routes, not 30 each).
  const upload = {
    response: { schema: importReport },
    body: { kind: 'raw', limit: MAX_UPLOAD_BYTES },
    problems: {
      413: 'upload too large, or over a parse budget (zip inflation, vertices, columns)',
      422: 'invalid features (nothing imported; import.invalid_features)',
      429: 'too many imports from this address',
    },
    before: [limitRate(60 * 60_000, 30, 'imports')],
  } as const;
  return new RouteGroup('import')
    .add(
      {
        method: 'post',
        path: '/import',
        permission: 'import_files',
        summary:
          'Import a file (GeoJSON, CSV/TSV, xlsx, zipped Shapefile, KML/KMZ, OSM PBF) into a layer: the file is the raw body; re-importing matches rows instead of doubling them; dry_run=true changes nothing',
        request: { query: importQuery },
        ...upload,
      },
      async ({ query: q }, { req, actor, user }) => importFile(db, uploadOf(req.body), optionsOf(q, actor, user)),
    )
    .add(
      {
        method: 'post',
        path: '/import/beats',
        permission: 'edit_beats',
        summary:
          "Import beats (the same formats, options and report as /import, layer beats): a planner's file may only hold their own station's beats (else 403 naming the rows, nothing imported)",
        request: { query: beatImportQuery },
        ...upload,
      },
      async ({ query: q }, { req, actor, user }) =>
        importFile(db, uploadOf(req.body), optionsOf({ ...q, layer: 'beats' }, actor, user)),
    )
    .add(
      {
        method: 'post',
        path: '/import/inspect',
        permission: 'import_files',
        summary:
          'Read a file without writing anything: format, encoding and CRS detected and why, columns with samples, the mapping onto `layer` (unmapped columns with a suggestion, required fields missing), which of wgs84/gcj02/bd09 puts the points nearest the roads, and the first rows as GeoJSON',
        request: { query: inspectQuery },
        response: { schema: inspectAnswer },
        body: upload.body,
        problems: { 413: upload.problems[413], 429: upload.problems[429] },
        before: upload.before,
      },
      async ({ query: q }, { req }) =>
        inspectUpload(db, uploadOf(req.body), {
          fileName: q.name ?? `upload.${q.format}`,
          format: q.format,
          ...(q.crs && q.crs !== 'wgs84' ? { crs: q.crs } : {}),
          ...(q.layer ? { layer: q.layer } : {}),
          ...(q.map ? { map: q.map } : {}),
          ...(q.set ? { set: q.set } : {}),
          ...(q.sheet ? { sheet: q.sheet } : {}),
          ...(q.encoding ? { encoding: q.encoding } : {}),
          ...(q.preview !== undefined ? { preview: q.preview } : {}),
        }),
    )
    .add(
      {
        method: 'get',
        path: '/import/layers',
        permission: 'read',
        summary:
          "Every layer's import columns: required, optional with default, enumerations, units, synonyms, natural key",
        response: { schema: layerSpecsAnswer },
      },
      () => importLayerSpecs(),
    )
    .add(
      {
        method: 'get',
        path: '/import/batches',
        permission: 'import_files',
        summary:
          'The latest import batches with their counts (newest first); a user who is not an admin sees their own',
        request: { query: batchListQuery },
        response: { schema: batchList },
      },
      ({ query: q }, { user }) => importBatches(db, q.limit, user),
    )
    .add(
      {
        method: 'delete',
        path: '/import/batches/:id',
        permission: 'import_files',
        summary:
          'Undo an import batch: delete the rows it added, restore the rows it changed (refused when edited since); only its own user or an admin',
        request: { params: batchParams },
        response: { status: 200, schema: undoReport },
        problems: { 404: 'no such batch', 409: 'rows edited since (import.edited_since) or already undone' },
      },
      ({ params: p }, { actor, user }) => undoImportBatch(db, p.id, actor, user),
    );
}
