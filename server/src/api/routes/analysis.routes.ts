import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { LAYERS } from '../../db/layers.js';
import { createFeature } from '../../db/repos/features.repo.js';
import {
  areaCoverage, areaCoverageGeoJson, blindSpotCells, blindSpots, cameraViews, keyPlaceCoverage,
  XUELIANG_TARGETS,
} from '../../services/coverage.service.js';
import { encodeMvt } from '../../tiles/mvt-encoder.js';
import { TILE_EXTENT } from '../../tiles/tilesets.js';
import { parseOrThrow } from '../contract/features.js';
import { actorOf } from './features.routes.js';
import type { JobManager } from '../../jobs/job-manager.js';
import { answerJob, submitOrLimit } from '../../jobs/jobs.routes.js';
import { UnauthorizedError } from '../../errors.js';

/** How long a synchronous analysis request waits for its job before answering 202 with it. */
const SYNC_WAIT_MS = 5_000;

const actorUser = (req: Request) => {
  if (!req.user) throw new UnauthorizedError('Sign in first');
  return req.user;
};

const bbox = z
  .string()
  .transform((s) => s.split(',').map(Number))
  .refine((b) => b.length === 4 && b.every(Number.isFinite) && (b[0] ?? 0) < (b[2] ?? 0) && (b[1] ?? 0) < (b[3] ?? 0),
    'bbox is minLon,minLat,maxLon,maxLat with min < max')
  .transform((b) => b as [number, number, number, number]);

/** View polygons are computed on the fly: keep the box to a few km so one request stays well under a second. */
const MAX_VIEW_BOX_DEG = 0.05;

const areaKind = z.enum(['grid', 'beat', 'community', 'township', 'district']);
export const coverageQuery = z.strictObject({
  area: areaKind.default('grid'),
  bbox: bbox.optional(),
  format: z.enum(['json', 'geojson']).default('json'),
});

const cameraSpec = z.strictObject({
  cameraType: z.enum(['bullet', 'dome', 'ptz']).default('bullet'),
  fovDeg: z.number().gt(0).max(360).default(60),
  rangeM: z.number().min(10).max(300).default(60),
  heightM: z.number().min(0).max(100).default(6),
  spacingM: z.number().min(10).max(500).default(40),
  headings: z.number().int().min(1).max(16).default(8),
});
export const placementBody = z.strictObject({
  k: z.number().int().min(1).max(200),
  area: areaKind.default('grid'),
  codes: z.array(z.string().min(1).max(40)).max(500).optional(),
  camera: cameraSpec.default(cameraSpec.parse({})),
  weights: z.strictObject({
    keyPlace: z.number().min(0).max(10_000).optional(),
    school: z.number().min(0).max(10_000).optional(),
    groundPerM2: z.number().min(0).max(100).optional(),
  }).default({}),
});
const acceptBody = z.strictObject({
  cameras: z.array(z.strictObject({
    lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90),
    headingDeg: z.number().min(0).lt(360), fovDeg: z.number().gt(0).max(360), rangeM: z.number().gt(0).max(2000),
    heightM: z.number().min(0).max(300), cameraType: z.enum(['bullet', 'dome', 'ptz']),
    name: z.string().min(1).max(200).optional(),
  })).min(1).max(200),
  /** Status new cameras start in: planned cameras are not yet working. */
  status: z.enum(['working', 'offline']).default('offline'),
});
const tileParams = z.strictObject({
  z: z.coerce.number().int().min(14).max(22),
  x: z.coerce.number().int().min(0),
  y: z.coerce.number().int().min(0),
}).refine((t) => t.x < 2 ** t.z && t.y < 2 ** t.z, 'x and y must be below 2^z');
const viewsQuery = z.strictObject({
  bbox: bbox.refine((b) => b[2] - b[0] <= MAX_VIEW_BOX_DEG && b[3] - b[1] <= MAX_VIEW_BOX_DEG,
    `bbox may span at most ${MAX_VIEW_BOX_DEG}° each way`),
});

const blindQuery = z.strictObject({ code: z.string().regex(/^[0-9]{15}$/, 'a 15-digit grid code').optional(), bbox: bbox.optional() });
const blindCellsQuery = z.strictObject({ res: z.coerce.number().int().min(7).max(12).default(10), bbox: bbox.optional() });

const cameraViewTileParams = z.object({ z: z.number().int(), x: z.number().int(), y: z.number().int() });

/** The analysis endpoints for the OpenAPI document, with the schemas that validate them. */
export const ANALYSIS_PATHS = [
  { method: 'get', path: '/api/v1/analysis/coverage', summary: 'Coverage rates per area against the 雪亮 targets: road (weighted), key places, schools, open ground, working and networked (format=geojson: outlines with the rates)', query: coverageQuery },
  { method: 'get', path: '/api/v1/analysis/key-places', summary: 'Key places (schools first) with the number of working cameras that see each' },
  { method: 'get', path: '/api/v1/analysis/blind-spots', summary: 'Road spans no working camera sees, as GeoJSON lines with their grid', query: blindQuery },
  { method: 'get', path: '/api/v1/analysis/blind-spot-cells', summary: 'Unseen road metres per H3 cell (the blind-spot heat map)', query: blindCellsQuery },
  { method: 'get', path: '/api/v1/analysis/camera-views', summary: 'Occluded view polygons of the cameras in a box (GeoJSON)', query: viewsQuery },
  { method: 'get', path: '/api/v1/analysis/camera-views/{z}/{x}/{y}.mvt', summary: 'Occluded view polygons as a vector tile (z ≥ 14)', params: cameraViewTileParams },
  { method: 'post', path: '/api/v1/analysis/placement', summary: 'Propose k new cameras (lazy greedy maximal covering) with marginal gains and rates before/after', body: placementBody },
  { method: 'post', path: '/api/v1/analysis/placement/accept', summary: 'Store proposed cameras (one transaction, an audit row each)', body: acceptBody },
] as const;

/** Analysis endpoints under /api/v1/analysis: camera coverage now; hot spots and reach as their issues land. */
export function analysisRoutes(db: Db, jobs: JobManager): Router {
  const router = Router();

  router.get('/analysis/coverage', async (req, res) => {
    const q = parseOrThrow(coverageQuery, req.query, 'query', 'query');
    const opts = q.bbox ? { bbox: q.bbox } : {};
    if (q.format === 'geojson') {
      res.type('application/geo+json').json(await areaCoverageGeoJson(db, q.area, opts));
      return;
    }
    res.json({ area: q.area, targets: XUELIANG_TARGETS, rows: await areaCoverage(db, q.area, opts) });
  });

  router.get('/analysis/key-places', async (_req, res) => {
    res.json(await keyPlaceCoverage(db));
  });

  router.post('/analysis/placement', async (req, res) => {
    parseOrThrow(placementBody, req.body, 'placement');
    // Through the worker pool as a job: answered here when it ends within a few seconds, else 202 with the job.
    const job = await submitOrLimit(res, () => jobs.submit(actorUser(req), 'placement', req.body));
    if (job) answerJob(res, (job.state === 'queued' || job.state === 'running' ? await jobs.waitFor(job.id, SYNC_WAIT_MS) : job) ?? job);
  });

  /** Puts proposed cameras into the camera table: one transaction, an audit row per camera. */
  router.post('/analysis/placement/accept', async (req, res) => {
    const b = parseOrThrow(acceptBody, req.body, 'accepted cameras');
    const actor = actorOf(req);
    const created = await db.transaction(async (tx) => {
      const out = [];
      for (const c of b.cameras) {
        out.push(await createFeature({ tx, actor }, LAYERS.cameras, { type: 'Point', coordinates: [c.lon, c.lat] }, {
          name: c.name ?? null, heading_deg: c.headingDeg, fov_deg: c.fovDeg, range_m: c.rangeM, height_m: c.heightM,
          camera_type: c.cameraType, status: b.status, networked: true,
        }));
      }
      return out;
    });
    res.status(201).type('application/geo+json').json({ type: 'FeatureCollection', features: created });
  });

  router.get('/analysis/camera-views/:z/:x/:file', async (req, res) => {
    const m = /^(\d+)\.mvt$/.exec(req.params.file);
    const t = parseOrThrow(tileParams, { z: req.params.z, x: req.params.x, y: m?.[1] ?? 'bad' }, 'tile', 'tile');
    const n = 2 ** t.z;
    const lonOf = (x: number) => (x / n) * 360 - 180;
    const latOf = (y: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI;
    const box: [number, number, number, number] = [lonOf(t.x), latOf(t.y + 1), lonOf(t.x + 1), latOf(t.y)];
    // Cameras up to 300 m outside the tile still reach into it.
    const pad = 300 / 111_000;
    const views = await cameraViews(db, [box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad]);
    const toTile = ([lon, lat]: [number, number]): [number, number] => {
      const sin = Math.sin((lat * Math.PI) / 180);
      const wy = (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * n;
      return [((lon + 180) / 360 * n - t.x) * TILE_EXTENT, (wy - t.y) * TILE_EXTENT];
    };
    const bytes = encodeMvt([{
      name: 'camera_views',
      features: views.filter((v) => v.coordinates.length > 0).map((v) => ({
        id: v.cameraId,
        properties: { camera_id: v.cameraId, status: v.camera.status, networked: v.camera.networked, camera_type: v.camera.cameraType },
        // Tile y runs down: rings flip orientation, as MVT wants exteriors clockwise in screen space.
        geometry: { type: 'MultiPolygon', coordinates: v.coordinates.map((poly) => poly.map((ring) => ring.map(toTile))) },
      })),
    }]);
    if (bytes.byteLength === 0) {
      res.status(204).end();
      return;
    }
    res.type('application/vnd.mapbox-vector-tile').send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
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
