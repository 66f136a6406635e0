import type { Db } from '../../db/client.js';
import {
  acceptBody,
  acceptedCameras,
  blindCellsQuery,
  blindQuery,
  blindSpotCellsAnswer,
  blindSpotLines,
  cameraViewsAnswer,
  cameraViewTileParams,
  coverageAnswer,
  coverageGeoJson,
  coverageQuery,
  keyPlaceStatus,
  placementAnswer,
  placementBody,
  viewsQuery,
} from '../../contract/coverage.js';
import {
  acceptProposedCameras,
  areaCoverage,
  areaCoverageGeoJson,
  blindSpotCells,
  blindSpots,
  cameraViews,
  cameraViewTile,
  keyPlaceCoverage,
  XUELIANG_TARGETS,
} from '../../services/coverage.service.js';
import { MVT_CONTENT_TYPE } from '../../tiles/tilesets.js';
import { bandedPlacementAnswer, bandedPlacementBody } from '../../contract/xueliang.js';
import { RouteGroup, SENT } from '../route.js';
import type { JobManager } from '../../jobs/job-manager.js';
import { answerViaJob } from '../../jobs/jobs.routes.js';

const GEOJSON = 'application/geo+json';

/** Camera coverage under /api/v1/analysis: rates, key places, blind spots, view polygons, placement. */
export function analysisRoutes(db: Db, jobs: JobManager): RouteGroup {
  return new RouteGroup('coverage')
    .add(
      {
        method: 'get',
        path: '/analysis/coverage',
        permission: 'read',
        summary:
          'Coverage rates per area against the 雪亮 targets: road (weighted), key places, schools, open ground, working and networked (format=geojson: outlines with the rates)',
        request: { query: coverageQuery },
        response: { schema: coverageAnswer.or(coverageGeoJson) },
      },
      async ({ query: q }, { res }) => {
        const opts = q.bbox ? { bbox: q.bbox } : {};
        if (q.format === 'geojson') {
          res.type(GEOJSON);
          return areaCoverageGeoJson(db, q.area, opts);
        }
        return { area: q.area, targets: XUELIANG_TARGETS, rows: await areaCoverage(db, q.area, opts) };
      },
    )
    .add(
      {
        method: 'get',
        path: '/analysis/key-places',
        permission: 'read',
        summary: 'Key places (schools first) with the number of working cameras that see each',
        response: { schema: keyPlaceStatus },
      },
      () => keyPlaceCoverage(db),
    )
    .add(
      {
        method: 'post',
        path: '/analysis/placement',
        permission: 'analyse',
        summary: 'Propose k new cameras (lazy greedy maximal covering) with marginal gains and rates before/after',
        request: { body: placementBody },
        response: { status: 200, schema: placementAnswer },
      },
      // Through the worker pool as a job: answered here when it ends within a few seconds, else 202 with the job.
      ({ body }, { res, user }) => answerViaJob(jobs, res, user, 'placement', body),
    )
    .add(
      {
        method: 'post',
        path: '/analysis/placement/bands',
        permission: 'analyse',
        summary:
          'Propose k cameras so targets are seen at their DORI band (default: every school gate at identify): candidates around each target, lazy greedy; what each proposal newly covers and what stays uncovered',
        request: { body: bandedPlacementBody },
        response: { status: 200, schema: bandedPlacementAnswer },
      },
      ({ body }, { res, user }) => answerViaJob(jobs, res, user, 'banded-placement', body),
    )
    .add(
      {
        method: 'post',
        path: '/analysis/placement/accept',
        permission: 'edit_beats',
        summary: 'Store proposed cameras (one transaction, an audit row each)',
        request: { body: acceptBody },
        response: { status: 201, schema: acceptedCameras, contentType: GEOJSON },
      },
      ({ body }, { actor }) => acceptProposedCameras(db, actor, body.cameras, body.status),
    )
    .add(
      {
        method: 'get',
        path: '/analysis/camera-views/:z/:x/:y.mvt',
        permission: 'read',
        summary: 'Occluded view polygons as a vector tile (z ≥ 14; 204 when empty)',
        request: { params: cameraViewTileParams },
        response: { contentType: MVT_CONTENT_TYPE, description: 'the tile (layer camera_views)' },
      },
      async ({ params: t }, { res }) => {
        const bytes = await cameraViewTile(db, t.z, t.x, t.y);
        if (bytes.byteLength === 0) res.status(204).end();
        else res.type(MVT_CONTENT_TYPE).send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        return SENT;
      },
    )
    .add(
      {
        method: 'get',
        path: '/analysis/blind-spots',
        permission: 'read',
        summary: 'Road spans no working camera sees, as GeoJSON lines with their grid',
        request: { query: blindQuery },
        response: { schema: blindSpotLines, contentType: GEOJSON },
      },
      async ({ query: q }) => {
        const spans = (await blindSpots(db, q.bbox ? { bbox: q.bbox } : {})).filter(
          (s) => !q.code || s.areaId === q.code,
        );
        return {
          type: 'FeatureCollection' as const,
          features: spans.map((s) => ({
            type: 'Feature' as const,
            geometry: { type: 'LineString', coordinates: s.line },
            properties: { grid_code: s.areaId, meters: s.meters },
          })),
        };
      },
    )
    .add(
      {
        method: 'get',
        path: '/analysis/blind-spot-cells',
        permission: 'read',
        summary: 'Unseen road metres per H3 cell (the blind-spot heat map)',
        request: { query: blindCellsQuery },
        response: { schema: blindSpotCellsAnswer },
      },
      async ({ query: q }) => blindSpotCells(await blindSpots(db, q.bbox ? { bbox: q.bbox } : {}), q.res),
    )
    .add(
      {
        method: 'get',
        path: '/analysis/camera-views',
        permission: 'read',
        summary: 'Occluded view polygons of the cameras in a box (GeoJSON)',
        request: { query: viewsQuery },
        response: { schema: cameraViewsAnswer, contentType: GEOJSON },
      },
      async ({ query: q }) => {
        const views = await cameraViews(db, q.bbox);
        return {
          type: 'FeatureCollection' as const,
          features: views.map((v) => ({
            type: 'Feature' as const,
            id: v.cameraId,
            geometry: { type: 'MultiPolygon', coordinates: v.coordinates },
            properties: {
              camera_id: v.cameraId,
              status: v.camera.status,
              networked: v.camera.networked,
              camera_type: v.camera.cameraType,
              area_m2: v.areaM2,
              sector_area_m2: v.sectorAreaM2,
              occluders: v.occluders,
            },
          })),
        };
      },
    );
}
