import { z } from 'zod';
import { areaKind, featureCollection } from './common.js';
import { h3Res, incidentFilterQuery } from './incident-filter.js';

const lang = z.enum(['zh-CN', 'en']).default('zh-CN');
const day = z.iso.date();
const format = z.enum(['json', 'geojson']).default('json');

export const cellsQuery = z.strictObject({ res: h3Res, format, ...incidentFilterQuery });
export const areasQuery = z.strictObject({ area: areaKind.default('grid'), format, ...incidentFilterQuery });
export const hotspotsQuery = z.strictObject({
  res: h3Res,
  k: z.coerce.number().int().min(1).max(3).default(1),
  ...incidentFilterQuery,
});
export const trendsQuery = z.strictObject({
  res: h3Res.default(8),
  weeks: z.coerce.number().int().min(4).max(104).default(12),
  ...incidentFilterQuery,
});
export const nearRepeatQuery = z.strictObject({
  space: z.coerce.number().positive().max(5000).default(200),
  time: z.coerce.number().positive().max(365).default(14),
  permutations: z.coerce.number().int().min(19).max(9999).default(99),
  seed: z.coerce.number().int().default(1),
  ...incidentFilterQuery,
});
export const profileQuery = z
  .strictObject({
    area: areaKind.optional(),
    code: z
      .string()
      .regex(/^[0-9A-Za-z_-]{1,40}$/)
      .optional(),
    ...incidentFilterQuery,
  })
  .refine((q) => (q.area === undefined) === (q.code === undefined), {
    message: 'give area and code together',
    path: ['code'],
  });
export const gradeThresholds = z
  .strictObject({
    redRatio: z.number().positive(),
    redHotCells: z.number().int().min(1),
    yellowRatio: z.number().positive(),
    yellowHotCells: z.number().int().min(1),
    blueRatio: z.number().positive(),
    fourLevels: z.boolean(),
    minPopulation: z.number().int().min(0),
  })
  .partial();
/** The refinement (red above yellow) needs the defaults: the route passes them in. */
export function gradesBodySchema(defaults: { redRatio: number; yellowRatio: number }) {
  return z
    .strictObject({
      day: day.optional(),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      thresholds: gradeThresholds.default({}),
    })
    .refine((b) => (b.thresholds.redRatio ?? defaults.redRatio) >= (b.thresholds.yellowRatio ?? defaults.yellowRatio), {
      message: 'redRatio must be at least yellowRatio',
      path: ['thresholds', 'redRatio'],
    });
}
export const gradesQuery = z.strictObject({ date: day.optional(), lang, format });
export const historyQuery = z.strictObject({ lang });
export const gridCodeParams = z.strictObject({ gridCode: z.string().regex(/^[0-9A-Za-z_-]{1,40}$/) });

export const incidentCell = z.object({ h3: z.string(), n: z.number().int() });
export type IncidentCellAnswer = z.infer<typeof incidentCell>;
export const cellsAnswer = z.array(incidentCell).or(featureCollection);
export const timeRange = z.object({ from: z.string().nullable(), to: z.string().nullable() });
export const categories = z.array(z.object({ category: z.string(), n: z.number().int() }));

const areaRow = z.object({
  code: z.string(),
  name: z.string().nullable().optional(),
  incidents: z.number().int(),
  population: z.number(),
  areaKm2: z.number(),
  per1000: z.number().nullable(),
  perKm2: z.number().nullable(),
});
export const areasAnswer = z.object({ area: areaKind, rows: z.array(areaRow) }).or(featureCollection);

export const hotspotCell = z.object({
  h3: z.string(),
  value: z.number(),
  z: z.number(),
  p: z.number(),
  bin: z.number().int(),
});
export type HotspotCell = z.infer<typeof hotspotCell>;
export const hotspotsAnswer = z.object({
  res: z.number().int(),
  kRing: z.number().int(),
  studyCells: z.number().int(),
  cells: z.array(hotspotCell),
});
export const trendsAnswer = z.object({
  weeks: z.array(z.string()),
  from: z.string().nullable(),
  to: z.string().nullable(),
  cells: z.array(
    z.object({
      h3: z.string(),
      weekly: z.array(z.number()),
      tau: z.number(),
      z: z.number(),
      p: z.number(),
      category: z.string(),
    }),
  ),
});
export const nearRepeatAnswer = z.object({
  spaceMeters: z.number(),
  timeDays: z.number(),
  seed: z.number().int(),
  observed: z.number(),
  expected: z.number(),
  ratio: z.number(),
  p: z.number(),
  spaceNearPairs: z.number(),
  permutations: z.number().int(),
  events: z.number().int(),
});
export const hourProfileAnswer = z.object({
  matrix: z.array(z.array(z.number())),
  profile: z.object({
    byHour: z.array(z.number()),
    peaks: z.array(z.object({ fromHour: z.number(), toHour: z.number(), share: z.number() })),
    busiest: z.object({ weekday: z.number(), hour: z.number(), count: z.number() }),
  }),
});
export type HourProfileAnswer = z.infer<typeof hourProfileAnswer>;

export const gridGrade = z
  .object({
    gridCode: z.string(),
    computedOn: z.string(),
    grade: z.enum(['red', 'yellow', 'green', 'blue']),
    incidents: z.number().int(),
    ratePer1000: z.number().nullable(),
    rateRatio: z.number(),
    basis: z.enum(['population', 'area']),
    hotCells: z.number().int(),
    reasons: z.array(z.unknown()),
    reasonText: z.string(),
  })
  .meta({ id: 'GridGrade' });
export type GridGradeAnswer = z.infer<typeof gridGrade>;
export const computedGrades = z.object({ day: z.string(), grades: z.array(gridGrade) });
export const gradesAnswer = z
  .object({ day: z.string().nullable(), grades: z.array(gridGrade) })
  .or(featureCollection.extend({ day: z.string().nullable() }));
export const gradeHistoryAnswer = z.object({ grid: z.string(), history: z.array(gridGrade) });

/** `GET /incidents/histogram`: the time bar's counts, by local hour of the day or along the calendar by day/week. */
export const histogramQuery = z.strictObject({
  bin: z.enum(['hour', 'day', 'week']).default('hour'),
  ...incidentFilterQuery,
});
export const histogramAnswer = z.object({
  bin: z.enum(['hour', 'day', 'week']),
  /** The deployment's zone (GRIDPATROL_TZ) every bin is read in. */
  timeZone: z.string(),
  /** Every bin in order, empty ones with n = 0: 24 hours, or each day/week from the first to the last incident. */
  bins: z.array(
    z.object({
      /** Hour "0"–"23", or the local day / the Monday of the week (YYYY-MM-DD). */
      key: z.string(),
      n: z.number().int(),
      /** Day and week bins: the bin's start and end (exclusive), local time with offset, for the `from`/`to` filter. */
      from: z.string().optional(),
      to: z.string().optional(),
    }),
  ),
  total: z.number().int(),
});
export type HistogramAnswer = z.infer<typeof histogramAnswer>;
