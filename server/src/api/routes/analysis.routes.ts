import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { areaCoverage, blindSpotCells, blindSpots, cameraViews, XUELIANG_TARGETS } from '../../services/coverage.service.js';
import { parseOrThrow } from '../contract/features.js';

const bbox = z
  .string()
  .transform((s) => s.split(',').map(Number))
  .refine((b) => b.length === 4 && b.every(Number.isFinite) && (b[0] ?? 0) < (b[2] ?? 0) && (b[1] ?? 0) < (b[3] ?? 0),
    'bbox is minLon,minLat,maxLon,maxLat with min < max')
  .transform((b) => b as [number, number, number, number]);

/** View polygons are computed on the fly: keep the box to a few km so one request stays well under a second. */
const MAX_VIEW_BOX_DEG = 0.05;

const coverageQuery = z.strictObject({
  area: z.enum(['grid', 'beat', 'community', 'township', 'district']).default('grid'),
  bbox: bbox.optional(),
});
const viewsQuery = z.strictObject({
  bbox: bbox.refine((b) => b[2] - b[0] <= MAX_VIEW_BOX_DEG && b[3] - b[1] <= MAX_VIEW_BOX_DEG,
    `bbox may span at most ${MAX_VIEW_BOX_DEG}° each way`),
});

const blindQuery = z.strictObject({ code: z.string().regex(/^[0-9]{15}$/, 'a 15-digit grid code').optional(), bbox: bbox.optional() });
const blindCellsQuery = z.strictObject({ res: z.coerce.number().int().min(7).max(12).default(10), bbox: bbox.optional() });

/** Analysis endpoints under /api/v1/analysis: camera coverage now; hot spots and reach as their issues land. */
export function analysisRoutes(db: Db): Router {
  const router = Router();

  router.get('/analysis/coverage', async (req, res) => {
    const q = parseOrThrow(coverageQuery, req.query, 'query', 'query');
    const rows = await areaCoverage(db, q.area, q.bbox ? { bbox: q.bbox } : {});
    res.json({ area: q.area, targets: XUELIANG_TARGETS, rows });
  });

  router.get('/analysis/blind-spots', async (req, res) => {
    const q = parseOrThrow(blindQuery, req.query, 'query', 'query');
    const spans = (await blindSpots(db, q.bbox ? { bbox: q.bbox } : {})).filter((s) => !q.code || s.areaId === q.code);
    res.type('application/geo+json').json({
      type: 'FeatureCollection',
      features: spans.map((s) => ({ type: 'Feature', geometry: { type: 'LineString', coordinates: s.line }, properties: { grid_code: s.areaId, meters: s.meters } })),
    });
  });

  router.get('/analysis/blind-spot-cells', async (req, res) => {
    const q = parseOrThrow(blindCellsQuery, req.query, 'query', 'query');
    res.json(blindSpotCells(await blindSpots(db, q.bbox ? { bbox: q.bbox } : {}), q.res));
  });

  router.get('/analysis/camera-views', async (req, res) => {
    const q = parseOrThrow(viewsQuery, req.query, 'query', 'query');
    const views = await cameraViews(db, q.bbox);
    res.type('application/geo+json').json({
      type: 'FeatureCollection',
      features: views.map((v) => ({
        type: 'Feature', id: v.cameraId,
        geometry: { type: 'MultiPolygon', coordinates: v.coordinates },
        properties: { camera_id: v.cameraId, status: v.camera.status, networked: v.camera.networked,
          camera_type: v.camera.cameraType, area_m2: v.areaM2, sector_area_m2: v.sectorAreaM2, occluders: v.occluders },
      })),
    });
  });
  return router;
}
