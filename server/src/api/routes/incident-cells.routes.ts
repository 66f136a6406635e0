import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { incidentCategories, incidentCells } from '../../db/repos/incident-cells.repo.js';
import { parseOrThrow } from '../contract/features.js';

const intList = (min: number, max: number) => z.string().regex(/^\d+(,\d+)*$/, 'comma-separated integers')
  .transform((s) => s.split(',').map(Number))
  .refine((xs) => xs.every((x) => x >= min && x <= max), `each between ${min} and ${max}`);

const query = z.strictObject({
  res: z.coerce.number().int().min(7).max(10).default(9).transform((r) => r as 7 | 8 | 9 | 10),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  hours: intList(0, 23).optional(),
  weekdays: intList(1, 7).optional(),
  category: z.string().max(500).transform((s) => s.split(',').filter(Boolean)).optional(),
  bbox: z.string().transform((s) => s.split(',').map(Number))
    .refine((b) => b.length === 4 && b.every(Number.isFinite), 'minLon,minLat,maxLon,maxLat')
    .transform((b) => b as [number, number, number, number]).optional(),
});

/** GET /incidents/cells: compact `[{h3, n}]` for deck.gl heat maps; GET /incidents/categories for the filter. */
export function incidentCellRoutes(db: Db): Router {
  const router = Router();
  router.get('/incidents/cells', async (req, res) => {
    const q = parseOrThrow(query, req.query, 'query', 'query');
    const cells = await incidentCells(db, {
      res: q.res, ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}), ...(q.hours ? { hours: q.hours } : {}),
      ...(q.weekdays ? { weekdays: q.weekdays } : {}), ...(q.category ? { categories: q.category } : {}), ...(q.bbox ? { bbox: q.bbox } : {}),
    });
    res.json(cells);
  });
  router.get('/incidents/categories', async (_req, res) => {
    res.json(await incidentCategories(db));
  });
  return router;
}
