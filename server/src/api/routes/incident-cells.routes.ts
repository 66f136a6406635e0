import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { cellToBoundary } from 'h3-js';
import { incidentCategories, incidentCells, incidentTimeRange } from '../../db/repos/incident-cells.repo.js';
import { parseOrThrow } from '../contract/features.js';
import { h3Res, incidentFilterQuery, toIncidentFilter } from '../contract/incident-filter.js';

const query = z.strictObject({ res: h3Res, format: z.enum(['json', 'geojson']).default('json'), ...incidentFilterQuery });

/**
 * GET /incidents/cells: compact `[{h3, n}]` for deck.gl (or `format=geojson`: hexagon polygons); GET /incidents/categories
 * and /incidents/range for the filter and the player.
 */
export function incidentCellRoutes(db: Db): Router {
  const router = Router();
  router.get('/incidents/cells', async (req, res) => {
    const q = parseOrThrow(query, req.query, 'query', 'query');
    const cells = await incidentCells(db, { res: q.res, ...toIncidentFilter(q) });
    if (q.format === 'geojson') {
      res.type('application/geo+json').json({
        type: 'FeatureCollection',
        features: cells.map((c) => ({ type: 'Feature', id: c.h3, geometry: { type: 'Polygon', coordinates: [cellToBoundary(c.h3, true)] }, properties: { h3: c.h3, n: c.n } })),
      });
      return;
    }
    res.json(cells);
  });
  router.get('/incidents/range', async (_req, res) => {
    res.json(await incidentTimeRange(db));
  });
  router.get('/incidents/categories', async (_req, res) => {
    res.json(await incidentCategories(db));
  });
  return router;
}
