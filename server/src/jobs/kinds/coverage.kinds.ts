import type { z } from 'zod';
import { coverageAnswer, coverageQuery, placementAnswer, placementBody } from '../../contract/coverage.js';
import { bandedPlacementAnswer } from '../../contract/xueliang.js';
import type { CoverageAreaKind } from '../../db/repos/coverage.repo.js';
import { areaCoverage, XUELIANG_TARGETS, type PlacementRequest } from '../../services/coverage.service.js';
import { placeInPool } from '../../services/placement.service.js';
import { bandedPlacementBody, type BandedPlacementBody } from '../../contract/xueliang.js';
import { bandedPlacementInPool } from '../../services/banded-placement.service.js';
import type { JobKind } from '../job-manager.js';

type PlacementBody = z.output<typeof placementBody>;

/** The synchronous endpoint's body as the service's request. */
export function placementRequestOf(b: PlacementBody): PlacementRequest {
  const { spacingM, headings, ...camera } = b.camera;
  return {
    k: b.k,
    areaKind: b.area,
    ...(b.codes ? { areaCodes: b.codes } : {}),
    camera: { ...camera, spacingM, headings },
    weights: b.weights,
  };
}

const areaTable = (a: CoverageAreaKind) => (a === 'grid' || a === 'beat' ? a : 'admin_area');

/** Tables a coverage answer depends on. */
const coverageReads = (a: CoverageAreaKind) => ['camera', 'road', 'building', 'key_place', areaTable(a)];

export const placementKind: JobKind<PlacementBody> = {
  kind: 'placement',
  params: placementBody,
  answer: placementAnswer,
  permission: 'analyse',
  reads: (p) => coverageReads(p.area),
  run: (ctx, p) => placeInPool(ctx.db, ctx.pool, placementRequestOf(p), ctx),
};

export const bandedPlacementKind: JobKind<BandedPlacementBody> = {
  kind: 'banded-placement',
  params: bandedPlacementBody,
  answer: bandedPlacementAnswer,
  permission: 'analyse',
  reads: () => [...coverageReads('grid'), 'school_gate'],
  run: (ctx, p) => bandedPlacementInPool(ctx.db, ctx.pool, p, ctx),
};

type CoverageParams = z.output<typeof coverageQuery>;

export const coverageKind: JobKind<CoverageParams> = {
  kind: 'coverage',
  params: coverageQuery,
  answer: coverageAnswer,
  permission: 'read',
  reads: (p) => coverageReads(p.area),
  run: async (ctx, p) => {
    ctx.progress(0, '计算覆盖');
    const rows = await areaCoverage(ctx.db, p.area, p.bbox ? { bbox: p.bbox } : {});
    return { area: p.area, targets: XUELIANG_TARGETS, rows };
  },
};
