import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { incidentCategories, incidentCells } from '../../db/repos/incident-cells.repo.js';
import { parseOrThrow } from '../contract/features.js';
import { h3Res, incidentFilterQuery, toIncidentFilter } from '../contract/incident-filter.js';

const query = z.strictObject({ res: h3Res, ...incidentFilterQuery });

/** GET /incidents/cells: compact `[{h3, n}]` for deck.gl heat maps; GET /incidents/categories for the filter. */
export function incidentCellRoutes(db: Db): Router {
  const router = Router();
  router.get('/incidents/cells', async (req, res) => {
    const q = parseOrThrow(query, req.query, 'query', 'query');
    res.json(await incidentCells(db, { res: q.res, ...toIncidentFilter(q) }));
  });
  router.get('/incidents/categories', async (_req, res) => {
    res.json(await incidentCategories(db));
  });
  return router;
}
