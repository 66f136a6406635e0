import type { Db } from '../../db/client.js';
import { exportQuery } from '../../contract/export.js';
import { LAYER_NAMES } from '../../contract/layers.js';
import { exportLayer } from '../../services/export.service.js';
import type { JobManager } from '../../jobs/job-manager.js';
import { poolRunner } from '../../jobs/runner.js';
import { RouteGroup, SENT } from '../route.js';

/**
 * GET /api/v1/{layer}/export?format=…&bbox=…&headers=zh|en&encoding=utf-8|gbk for every layer: the file the import
 * reads back to the same rows. One route per layer (not `/:layer/export`), so no other group's `/x/export` is taken.
 */
export function exportRoutes(db: Db, jobs: JobManager): RouteGroup {
  const group = new RouteGroup('export');
  for (const layer of LAYER_NAMES)
    group.add(
      {
        method: 'get',
        path: `/${layer}/export`,
        permission: 'read',
        summary: `Export ${layer} as GeoJSON, CSV, xlsx, zipped Shapefile or KML/KMZ with the import template's columns`,
        request: { query: exportQuery },
        response: { contentType: 'application/octet-stream', description: 'the file' },
        problems: { 422: 'text the format or encoding cannot hold (export.not_encodable, export.dbf_text_too_long)' },
      },
      async ({ query: q }, { res }) => {
        const file = await exportLayer(
          db,
          layer,
          {
            format: q.format,
            headers: q.headers,
            encoding: q.encoding,
            ...(q.bbox ? { bbox: q.bbox } : {}),
          },
          poolRunner(jobs.pool),
        );
        res
          .type(file.contentType)
          .attachment(file.fileName)
          .set('X-Row-Count', String(file.rows))
          .send(Buffer.from(file.bytes));
        return SENT;
      },
    );
  return group;
}
