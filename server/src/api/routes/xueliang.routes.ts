import type { Db } from '../../db/client.js';
import { featureCollection } from '../../contract/common.js';
import {
  bandedBlindQuery,
  bandedCoverageAnswer,
  bandedCoverageQuery,
  bandedPlacesAnswer,
} from '../../contract/xueliang.js';
import { bandedAreaCoverage, bandedBlindSpots, bandedPlaceStatus } from '../../services/banded-coverage.service.js';
import { RouteGroup } from '../route.js';

const GEOJSON = 'application/geo+json';

/** Coverage by image quality (DORI bands) and the 雪亮工程 / 护学岗 reports (issue #20). */
export function xueliangRoutes(db: Db): RouteGroup {
  return new RouteGroup('xueliang')
    .add(
      {
        method: 'get',
        path: '/analysis/coverage/bands',
        permission: 'read',
        summary:
          'Coverage rates per area by image quality: roads seen at band= or better, key places at it (band=required: roads at observe, each place at its own required band)',
        request: { query: bandedCoverageQuery },
        response: { schema: bandedCoverageAnswer },
      },
      async ({ query: q }) => ({ area: q.area, band: q.band, rows: await bandedAreaCoverage(db, q.area, q.band) }),
    )
    .add(
      {
        method: 'get',
        path: '/analysis/coverage/bands/blind-spots',
        permission: 'read',
        summary: 'Road spans no working camera sees at band= or better, as GeoJSON lines with their grid',
        request: { query: bandedBlindQuery },
        response: { schema: featureCollection, contentType: GEOJSON },
      },
      async ({ query: q }) => ({
        type: 'FeatureCollection' as const,
        features: (await bandedBlindSpots(db, q.band)).map((s) => ({
          type: 'Feature' as const,
          geometry: { type: 'LineString' as const, coordinates: s.line },
          properties: { grid_code: s.areaId, meters: s.meters, band: q.band },
        })),
      }),
    )
    .add(
      {
        method: 'get',
        path: '/analysis/coverage/bands/key-places',
        permission: 'read',
        summary: 'Key places with the band they need and the best band a working camera sees them at',
        response: { schema: bandedPlacesAnswer },
      },
      () => bandedPlaceStatus(db),
    );
}
