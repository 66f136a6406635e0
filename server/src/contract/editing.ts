import { z } from 'zod';
import { beatCode, featureCollection, geoJsonGeometry, gridCode, version } from './common.js';
import { geometryUnionFor } from './geometry.js';

const sliverM2 = z.number().min(0).max(10_000).optional();
const areaShape = geometryUnionFor(['Polygon', 'MultiPolygon']);
const line = geometryUnionFor(['LineString']);
const weights = z.record(z.string().min(1).max(100), z.number().min(0).max(1000)).optional();
const stationId = z.coerce.number().int().positive().optional();

export const gridCodeParams = z.strictObject({ code: gridCode });
export const beatCodeParams = z.strictObject({ code: beatCode });
export const reshapeBody = z.strictObject({
  grids: z
    .array(z.strictObject({ code: gridCode, version, geometry: areaShape }))
    .min(1)
    .max(20),
  sliverM2,
});
export const drawBody = z.strictObject({
  geometry: areaShape,
  name: z.string().min(1).max(200).optional(),
  snap: z.boolean().default(true),
  sliverM2,
});
export const splitBody = z.strictObject({ version, line, sliverM2 });
export const mergeBody = z.strictObject({
  codes: z.array(gridCode).min(2).max(20),
  versions: z.record(gridCode, version),
});
export const validateBody = z.strictObject({
  geometry: areaShape,
  communityCode: z.string().regex(/^[0-9]{12}$/),
  code: gridCode.optional(),
  sliverM2,
});
export const assignBody = z.strictObject({
  version,
  gridCodes: z.array(gridCode).min(1).max(500),
  others: z.record(beatCode, version).optional(),
  sliverM2,
});
export const workloadQuery = z.strictObject({
  stationId,
  weights: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      const out: Record<string, number> = {};
      for (const part of s.split(',')) {
        const [k, v] = part.split(':');
        const n = Number(v);
        if (!k || !Number.isFinite(n) || n < 0) {
          ctx.addIssue({ code: 'custom', message: 'category:weight,… with weights ≥ 0' });
          return z.NEVER;
        }
        out[k] = n;
      }
      return out;
    }),
});
export const nestingQuery = z.strictObject({ stationId, sliverM2: z.coerce.number().min(0).max(10_000).optional() });
export const alignBody = z.strictObject({
  stationId: z.number().int().positive().optional(),
  by: z.enum(['area', 'incidents']).default('area'),
  weights,
  sliverM2,
});
const planBeats = z
  .array(z.strictObject({ code: beatCode, version, gridCodes: z.array(gridCode).max(2000) }))
  .min(1)
  .max(200);
export const applyBody = z.strictObject({ beats: planBeats });
export const districtBody = z.strictObject({
  stationId: z.number().int().positive(),
  beats: z.number().int().min(1).max(100).optional(),
  weights,
  tolerance: z.number().min(0).max(1).default(0.1),
  compactnessWeight: z.number().min(0).max(10).optional(),
  lockedBeats: z.array(beatCode).max(50).optional(),
});

const codeVersion = z.object({ code: z.string(), version: z.number().int() });
export const reshapeAnswer = z.object({ grids: z.array(codeVersion) });
export const drawAnswer = codeVersion.extend({ areaM2: z.number() });
export const validateAnswer = z.object({ ok: z.boolean(), problems: featureCollection });
export const splitAnswer = z.object({ retired: z.string(), codes: z.array(z.string()) });
export const mergeAnswer = codeVersion.extend({ retired: z.array(z.string()) });
const areaVersion = z.object({
  version: z.number().int(),
  change: z.string(),
  parentCodes: z.array(z.string()),
  retired: z.boolean(),
  actor: z.string(),
  savedAt: z.string(),
  attrs: z.record(z.string(), z.unknown()),
  geometry: geoJsonGeometry.nullable(),
});
export const gridHistoryAnswer = z.object({
  code: z.string(),
  versions: z.array(areaVersion),
  successors: z.array(z.string()),
});
export const beatHistoryAnswer = z.object({ code: z.string(), versions: z.array(areaVersion) });
export const beatGridsAnswer = z.object({
  code: z.string(),
  id: z.number().int(),
  version: z.number().int(),
  gridCodes: z.array(z.string()),
});
export type BeatGridsAnswer = z.infer<typeof beatGridsAnswer>;
export const assignAnswer = codeVersion.extend({ changed: z.array(z.string()) });

const balance = z.object({
  measure: z.string(),
  mean: z.number(),
  max: z.number(),
  maxOverMean: z.number(),
  cv: z.number(),
});
const beatWorkload = z
  .object({
    code: z.string(),
    stationId: z.number().int().nullable(),
    areaM2: z.number(),
    perimeterM: z.number(),
    convexHullM2: z.number(),
    parts: z.number().int(),
    population: z.number(),
    households: z.number(),
    roadM: z.number(),
    keyPlaces: z.number().int(),
    cameras: z.number().int(),
    incidentsByCategory: z.record(z.string(), z.number()),
    farthestStraightM: z.number().nullable(),
    weightedIncidents: z.number(),
    polsbyPopper: z.number(),
    convexHullRatio: z.number(),
    contiguous: z.boolean(),
  })
  .meta({ id: 'BeatWorkload' });
export const workloadAnswer = z.object({
  beats: z.array(beatWorkload),
  balance: z.array(
    z.object({
      stationId: z.union([z.number().int(), z.literal('all')]),
      beats: z.number().int(),
      measures: z.array(balance),
    }),
  ),
  note: z.string(),
});
export const nestingAnswer = z.object({
  grids: z.number().int(),
  cut: z.array(
    z.object({
      gridCode: z.string(),
      gridM2: z.number(),
      beats: z.array(
        z.object({
          beatCode: z.string(),
          m2: z.number(),
          share: z.number(),
          households: z.number(),
          incidents: z.number(),
        }),
      ),
    }),
  ),
});
export type NestingAnswer = z.infer<typeof nestingAnswer>;
export const alignAnswer = z.object({
  by: z.enum(['area', 'incidents']),
  moves: z.array(z.object({ gridCode: z.string(), toBeat: z.string() })),
  beats: z.array(
    z.object({
      code: z.string(),
      version: z.number().int(),
      gridCodes: z.array(z.string()),
      geometry: geoJsonGeometry.nullable(),
      before: beatWorkload,
      after: beatWorkload.nullable(),
    }),
  ),
});
export const districtAnswer = z.object({
  stationId: z.number().int(),
  beats: z.array(
    z.object({
      code: z.string(),
      version: z.number().int(),
      gridCodes: z.array(z.string()),
      load: z.number(),
      polsbyPopper: z.number(),
      contiguous: z.boolean(),
    }),
  ),
  current: z.object({ objective: z.number(), balance, withinTolerance: z.boolean() }),
  draft: z.object({ objective: z.number(), initialObjective: z.number(), balance, withinTolerance: z.boolean() }),
  weights: z.record(z.string(), z.number()),
  tolerance: z.number(),
});
export const applyAnswer = z.object({ beats: z.array(codeVersion.extend({ changed: z.boolean() })) });
