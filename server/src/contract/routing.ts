import { z } from 'zod';
import { featureCollection, featureOf, lonLatPair } from './common.js';

const profile = z.enum(['car', 'foot']).default('car');
const lon = z.coerce.number().min(-180).max(180);
const lat = z.coerce.number().min(-90).max(90);
const lonLat = z
  .string()
  .transform((s) => s.split(',').map(Number))
  .refine(
    (p) => p.length === 2 && p.every(Number.isFinite) && Math.abs(p[0] ?? 0) <= 180 && Math.abs(p[1] ?? 0) <= 90,
    'lon,lat',
  )
  .transform((p) => p as [number, number]);
const minutesList = z
  .string()
  .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/, 'comma-separated minutes')
  .default('1,3,5')
  .transform((s) => s.split(',').map(Number))
  .refine((m) => m.length <= 6 && m.every((x) => x > 0 && x <= 60), 'up to 6 limits, each 0–60 minutes');

export const isochroneQuery = z.strictObject({ lon, lat, profile, minutes: minutesList });
export const routeQuery = z.strictObject({ from: lonLat, to: lonLat, profile });
export const reachQuery = z.strictObject({ profile, format: z.enum(['json', 'geojson']).default('json') });
export const suggestQuery = z.strictObject({
  profile,
  k: z.coerce.number().int().min(1).max(20).default(5),
  minutes: z.coerce.number().positive().max(15).default(3),
});
export const patrolBody = z.strictObject({
  profile,
  base: z.strictObject({ kind: z.enum(['post', 'station']), id: z.number().int().positive() }),
  startHour: z.number().min(0).max(24).default(18),
  hours: z.number().positive().max(12).default(8),
  beatId: z.number().int().positive().optional(),
  checkpointIds: z.array(z.number().int().positive()).max(200).optional(),
  units: z.number().int().min(1).max(6).default(1),
  prizeCells: z.number().int().min(0).max(60).default(20),
  prizeDwellMinutes: z.number().min(0).max(60).default(10),
  incidentWeight: z.number().min(0).max(10).default(1),
  blindSpotWeight: z.number().min(0).max(10).default(0.3),
  /**
   * Hot-spot dosage (Koper): the best `places` prize cells get a 10–16 minute stop in every 2-hour period of the shift
   * (consecutive visits at most 2 hours apart); the answer says which got their dosage.
   */
  dosage: z
    .strictObject({
      places: z.number().int().min(1).max(10).default(3),
      dwellMinutes: z.number().min(10).max(16).default(15),
    })
    .optional(),
  /**
   * School gates (护学岗): the beat's schools (or these) whose entry or exit bell falls in the shift are visited from
   * 30 min before the bell to 15 min after, or the answer says why not. `record` keeps the planned gate duties for
   * `day` (local, default today), which the school-gates coverage question reads.
   */
  schoolGates: z
    .strictObject({
      schoolIds: z.array(z.number().int().positive()).max(100).optional(),
      dwellMinutes: z.number().min(0).max(60).default(15),
      record: z.boolean().default(false),
      day: z.iso.date().optional(),
    })
    .optional(),
});
export const patrolQuery = z.strictObject({ format: z.enum(['json', 'gpx']).default('json') });
export const patrolJobParams = z.strictObject({ jobId: z.string().regex(/^[0-9a-f-]{36}$/, 'a job id') });

export const isochroneAnswer = featureCollection.extend({
  snapped: z.object({ lon: z.number(), lat: z.number(), distance_m: z.number() }),
});
export const routeAnswer = featureOf(
  z.object({ seconds: z.number(), meters: z.number(), profile: z.enum(['car', 'foot']) }),
);
const reachTier = z.union([z.literal(1), z.literal(3), z.literal(5)]);
export const reachSummary = z
  .object({
    limitsMinutes: z.array(z.number()),
    roads: z.array(
      z.object({ limitMinutes: z.number(), reachedMeters: z.number(), roadMeters: z.number(), share: z.number() }),
    ),
    grids: z.array(z.object({ code: z.string(), name: z.string(), minutes: z.number().nullable() })),
    keyPlaces: z.array(
      z.object({
        id: z.number().int(),
        name: z.string().nullable(),
        kind: z.string(),
        /** The tier it must be reached in: its own (reach_tier_minutes) or its kind's default. */
        tierMinutes: reachTier,
        minutes: z.number().nullable(),
        meetsTier: z.boolean(),
      }),
    ),
    shares: z.array(z.object({ limitMinutes: z.number(), grids: z.number(), keyPlaces: z.number() })),
    /** 快反圈 compliance: per tier, the places that must be reached in it, how many are, and those that miss. */
    tiers: z.array(
      z.object({
        tierMinutes: reachTier,
        places: z.number().int(),
        met: z.number().int(),
        share: z.number(),
        misses: z.array(
          z.object({
            id: z.number().int(),
            name: z.string().nullable(),
            kind: z.string(),
            tierMinutes: reachTier,
            minutes: z.number().nullable(),
            lateMinutes: z.number().nullable(),
          }),
        ),
      }),
    ),
    edges: z.number().int().meta({ description: 'road edges in the map (format=geojson gives them)' }),
  })
  .meta({ id: 'ReachSummary' });
export type ReachSummary = z.infer<typeof reachSummary>;
export const reachAnswer = reachSummary.or(featureCollection);
export const suggestionsAnswer = z.object({
  minutes: z.number(),
  suggestions: z.array(z.object({ lon: z.number(), lat: z.number(), gainMeters: z.number() })),
});

export const plannedUnit = z
  .object({
    unit: z.number().int(),
    stops: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(['checkpoint', 'prize', 'gate']),
        lon: z.number(),
        lat: z.number(),
        /** The checkpoint's or school's name; a hot cell has none. */
        name: z.string().nullable(),
        /** Local wall-clock time (GRIDPATROL_TZ), HH:MM. */
        arrival: z.string(),
        arrivalSeconds: z.number(),
        /** How long the unit stays (a dosage visit 10–16 min). */
        dwellMinutes: z.number(),
        prize: z.number(),
      }),
    ),
    line: z.array(lonLatPair),
    km: z.number(),
    minutes: z.number(),
    prize: z.number(),
    checkpoints: z.number().int(),
    blindSpotMinutes: z.number(),
    /** Minutes driven (or walked) outside the beat, getting there and back. */
    minutesOutside: z.number(),
    /** Incidents expected per shift in the visited cells at the hours the unit is there (history's daily mean). */
    expectedIncidents: z.number(),
    /** That as a share of the beat's expected incidents over the shift (0–1). */
    incidentShare: z.number(),
    /** What the plan buys, in words. */
    words: z.strictObject({ zh: z.string(), en: z.string() }),
    /** With dosage: each hot place, the visits it needs, their arrival times and whether it got its dosage. */
    hotPlaces: z.array(
      z.object({ id: z.string(), visitsNeeded: z.number().int(), arrivals: z.array(z.string()), dosed: z.boolean() }),
    ),
    /** With school gates: each gate, its bell, its window, the arrival or why there is none. */
    gates: z.array(
      z.object({
        schoolId: z.number().int(),
        name: z.string(),
        bell: z.string(),
        window: z.string(),
        arrival: z.string().nullable(),
        reason: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'PlannedUnit' });
export type PlannedUnit = z.infer<typeof plannedUnit>;
export const patrolAnswer = z.object({ units: z.array(plannedUnit) });

export const schoolGatesQuery = z.strictObject({
  at: z
    .string()
    .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'HH:MM')
    .default('16:30'),
  day: z.iso.date().optional(),
});
const gateSchool = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.string(),
  /** The school's bell nearest `at` (entry or exit, its own or the default 07:30 / 16:30). */
  bell: z.string(),
  coveredBy: z.array(z.object({ kind: z.enum(['patrol', 'post']), label: z.string() })),
});
export const schoolGatesAnswer = z
  .object({
    at: z.string(),
    day: z.string(),
    /** Schools with a bell within 30 min before to 15 min after `at`. */
    schools: z.array(gateSchool),
    /** Of those, the ones no planned patrol gate duty and no staffed post within 150 m covers at `at`. */
    uncovered: z.array(gateSchool),
  })
  .meta({ id: 'SchoolGateCoverage' });
