import type { Db } from '../../db/client.js';
import { featureCollection } from '../../contract/common.js';
import {
  bandedBlindQuery,
  bandedCoverageAnswer,
  bandedCoverageQuery,
  bandedPlacesAnswer,
  incompleteAnswer,
  incompleteQuery,
  kpiAnswer,
  kpiQuery,
  schoolProtectionAnswer,
  schoolProtectionQuery,
} from '../../contract/xueliang.js';
import { schoolProtection } from '../../services/school-protection.service.js';
import { incompleteRecords, xueliangKpis, xueliangWorkbook } from '../../services/xueliang.service.js';
import { bandedAreaCoverage, bandedBlindSpots, bandedPlaceStatus } from '../../services/banded-coverage.service.js';
import { RouteGroup, SENT } from '../route.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

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
    )
    .add(
      {
        method: 'get',
        path: '/xueliang/kpis',
        permission: 'read',
        summary:
          '雪亮 KPIs (覆盖率 at the required band, 联网率, 完好率, 建档率, 重点行业) per area at level= (or by point class / position type) against settable targets with the gap; format=xlsx adds the incomplete-record list',
        request: { query: kpiQuery },
        response: { schema: kpiAnswer },
      },
      async ({ query: q }, { res }) => {
        const targets = {
          ...(q.coverageTarget !== undefined ? { coverage: q.coverageTarget } : {}),
          ...(q.networkedTarget !== undefined ? { networked: q.networkedTarget } : {}),
          ...(q.workingTarget !== undefined ? { working: q.workingTarget } : {}),
          ...(q.recordsTarget !== undefined ? { records: q.recordsTarget } : {}),
          ...(q.keyIndustryTarget !== undefined ? { keyIndustryCoverage: q.keyIndustryTarget } : {}),
        };
        const report = await xueliangKpis(db, q.level, q.by, targets);
        if (q.format === 'json') return report;
        const file = await xueliangWorkbook(report, await incompleteRecords(db));
        res.type(XLSX).attachment(`xueliang-${q.level}.xlsx`).send(file);
        return SENT;
      },
    )
    .add(
      {
        method: 'get',
        path: '/xueliang/incomplete',
        permission: 'read',
        summary: 'Cameras whose record (一机一档) is incomplete, with the fields missing',
        request: { query: incompleteQuery },
        response: { schema: incompleteAnswer },
      },
      ({ query: q }) => incompleteRecords(db, q.limit),
    )
    .add(
      {
        method: 'get',
        path: '/xueliang/schools',
        permission: 'read',
        summary:
          '护学岗 per school: gates seen at identify by a working networked camera, one-key alarm, 1-minute reach, a duty or post at entry and exit; failing schools first',
        request: { query: schoolProtectionQuery },
        response: { schema: schoolProtectionAnswer },
      },
      ({ query: q }) => schoolProtection(db, q.day, q.profile),
    );
}
