import { z } from 'zod';
import { areaKind, bboxQuery, featureCollection, featureCollectionOf, featureOf } from './common.js';

/** View polygons are computed on the fly: keep the box to a few km so one request stays well under a second. */
export const MAX_VIEW_BOX_DEG = 0.05;

export const coverageQuery = z.strictObject({
  area: areaKind.default('grid'),
  bbox: bboxQuery.optional(),
  format: z.enum(['json', 'geojson']).default('json'),
});
const cameraType = z.enum(['bullet', 'dome', 'ptz']);
const cameraSpec = z.strictObject({
  cameraType: cameraType.default('bullet'),
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
  weights: z
    .strictObject({
      keyPlace: z.number().min(0).max(10_000).optional(),
      school: z.number().min(0).max(10_000).optional(),
      groundPerM2: z.number().min(0).max(100).optional(),
    })
    .default({}),
});
export const acceptBody = z.strictObject({
  cameras: z
    .array(
      z.strictObject({
        lon: z.number().min(-180).max(180),
        lat: z.number().min(-90).max(90),
        headingDeg: z.number().min(0).lt(360),
        fovDeg: z.number().gt(0).max(360),
        rangeM: z.number().gt(0).max(2000),
        heightM: z.number().min(0).max(300),
        cameraType,
        name: z.string().min(1).max(200).optional(),
      }),
    )
    .min(1)
    .max(200),
  /** Status new cameras start in: planned cameras are not yet working. */
  status: z.enum(['working', 'offline']).default('offline'),
});
export type AcceptedCamera = z.output<typeof acceptBody>['cameras'][number];

const tileNumber = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,9})$/, 'a non-negative integer')
  .transform(Number);
export const cameraViewTileParams = z
  .strictObject({
    z: tileNumber.pipe(z.number().int().min(14).max(22)),
    x: tileNumber,
    y: tileNumber,
  })
  .refine((t) => t.x < 2 ** t.z && t.y < 2 ** t.z, 'x and y must be below 2^z');
export const viewsQuery = z.strictObject({
  bbox: bboxQuery.refine(
    (b) => b[2] - b[0] <= MAX_VIEW_BOX_DEG && b[3] - b[1] <= MAX_VIEW_BOX_DEG,
    `bbox may span at most ${MAX_VIEW_BOX_DEG}° each way`,
  ),
});
export const blindQuery = z.strictObject({
  code: z
    .string()
    .regex(/^[0-9]{15}$/, 'a 15-digit grid code')
    .optional(),
  bbox: bboxQuery.optional(),
});
export const blindCellsQuery = z.strictObject({
  res: z.coerce.number().int().min(7).max(12).default(10),
  bbox: bboxQuery.optional(),
});

const rate = z.number().nullable();
export const areaCoverageRow = z
  .object({
    areaId: z.string(),
    roadMeters: z.number(),
    seenMeters: z.number(),
    roadRate: z.number(),
    weightedRoadRate: z.number(),
    networkedSeenMeters: z.number(),
    keyPlaces: z.number().int(),
    keyPlacesSeen: z.number().int(),
    keyPlaceRate: rate,
    schools: z.number().int(),
    schoolsSeen: z.number().int(),
    schoolRate: rate,
    groundM2: z.number(),
    seenGroundM2: z.number(),
    groundRate: z.number(),
    cameras: z.number().int(),
    workingRate: rate,
    networkedRate: rate,
  })
  .meta({ id: 'AreaCoverageRow' });
export type AreaCoverageRow = z.infer<typeof areaCoverageRow>;
export const coverageTargets = z.object({
  roadCoverage: z.number(),
  keyPlaceCoverage: z.number(),
  networkedRate: z.number(),
  workingRate: z.number(),
});
export const coverageAnswer = z.object({ area: areaKind, targets: coverageTargets, rows: z.array(areaCoverageRow) });
export const coverageGeoJson = featureCollectionOf(areaCoverageRow.partial().extend({ code: z.string() }));
export const keyPlaceStatus = z.array(
  z.object({
    id: z.number().int(),
    kind: z.string(),
    name: z.string().nullable(),
    gridCode: z.string(),
    cameras: z.number().int(),
    seen: z.boolean(),
  }),
);

const ring = z.array(z.tuple([z.number(), z.number()]));
export const proposedCamera = z.object({
  rank: z.number().int(),
  lon: z.number(),
  lat: z.number(),
  headingDeg: z.number(),
  fovDeg: z.number(),
  rangeM: z.number(),
  heightM: z.number(),
  cameraType,
  marginalGain: z.number(),
  addedRoadMeters: z.number(),
  addedKeyPlaces: z.number(),
  view: z.array(z.array(ring)).meta({ description: 'MultiPolygon coordinates of the occluded view' }),
});
export const placementAnswer = z
  .object({
    candidates: z.number().int(),
    proposals: z.array(proposedCamera),
    before: z.array(areaCoverageRow),
    after: z.array(areaCoverageRow),
    seconds: z.number(),
  })
  .meta({ id: 'PlacementAnswer' });
export type PlacementAnswer = z.infer<typeof placementAnswer>;
export type ProposedCamera = z.infer<typeof proposedCamera>;

export const blindSpotLines = featureCollectionOf(z.object({ grid_code: z.string(), meters: z.number() }));
export const blindSpotCellsAnswer = z.array(z.object({ h3: z.string(), meters: z.number() }));
export const cameraViewsAnswer = featureCollectionOf(
  z.object({
    camera_id: z.number().int(),
    status: z.string(),
    networked: z.boolean(),
    camera_type: z.string(),
    area_m2: z.number(),
    sector_area_m2: z.number(),
    occluders: z.number().int(),
  }),
);
export const acceptedCameras = featureCollection;
export { featureOf };
