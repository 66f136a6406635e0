import { z } from 'zod';
import { beatCode, gridCode } from './common.js';

/** Request schemas of /api/v1/plans (the answers' schemas are in plan-answers.ts). */
const stationId = z.coerce.number().int().positive();
const name = z.string().trim().min(1).max(200);
const weight = z.number().min(0).max(1000);
const assignment = z.array(z.strictObject({ gridCode, beatCode })).min(1).max(100_000);
/** "in-force" or a plan id; "in-force" takes the station of the query. */
export const planRef = z.union([z.literal('in-force'), z.coerce.number().int().positive()]);
const weightsQuery = z
  .string()
  .max(2000)
  .regex(/^([^:,]{1,60}:[0-9.]{1,10})(,[^:,]{1,60}:[0-9.]{1,10})*$/, 'category:weight,…')
  .transform((s) =>
    Object.fromEntries(
      s.split(',').map((p) => {
        const [k, v] = p.split(':');
        return [k as string, Number(v)];
      }),
    ),
  );

export const planRefParams = z.strictObject({ ref: planRef });
export const planIdParams = z.strictObject({ id: z.coerce.number().int().positive() });
export const planCreateBody = z.strictObject({
  name,
  stationId: stationId.nullable().default(null),
  assignment: assignment.optional(),
});
export const planPatchBody = z.strictObject({
  version: z.number().int().positive(),
  name: name.optional(),
  assignment: assignment.optional(),
});
export const planApplyBody = z.strictObject({ version: z.number().int().positive() });
export const planDistrictingBody = z.strictObject({
  name,
  stationId: z.number().int().positive(),
  beats: z.number().int().min(1).max(500).optional(),
  categoryWeights: z.record(z.string().max(60), weight).optional(),
  loadWeights: z.record(z.enum(['incidents', 'population', 'households', 'roadKm', 'keyPlaces']), weight).optional(),
  tolerance: z.number().min(0.01).max(1).optional(),
  objective: z
    .strictObject({
      balance: weight,
      compactness: weight,
      reach: weight,
      coverage: weight,
      communitySplits: weight,
      overTolerance: weight,
    })
    .partial()
    .optional(),
  lockedBeats: z.array(beatCode).max(500).optional(),
  recom: z
    .union([
      z.literal(false),
      z
        .strictObject({
          cycles: z.number().int().min(0).max(100),
          proposals: z.number().int().min(1).max(200),
          regionAware: z.boolean(),
          seed: z.number().int(),
        })
        .partial(),
    ])
    .optional(),
});
export const planListQuery = z.strictObject({ stationId: stationId.optional() });
export const planScoreQuery = z.strictObject({ stationId: stationId.optional(), weights: weightsQuery.optional() });
export const planCompareQuery = z.strictObject({
  a: planRef,
  b: planRef,
  stationId: stationId.optional(),
  weights: weightsQuery.optional(),
});
export const planImportQuery = z.strictObject({
  format: z.enum(['csv', 'xlsx']),
  name,
  stationId: stationId.optional(),
});
export const planExportQuery = z.strictObject({
  format: z.enum(['csv', 'xlsx']).default('csv'),
  stationId: stationId.optional(),
});
