import { z } from 'zod';

/**
 * Answer schemas of the plan scorecard and compare (GET /plans/:ref/scorecard, GET /plans/compare): documented in the
 * OpenAPI file, checked against the services' return types when the routes compile, and the types the web reads.
 */
const rate = z.number().nullable();
const tier = z.strictObject({ limitMinutes: z.number(), roadShare: rate, keyPlaceShare: rate });
const balance = z.strictObject({
  measure: z.string(),
  mean: z.number(),
  max: z.number(),
  maxOverMean: z.number(),
  cv: z.number(),
});

export const beatScoreAnswer = z.strictObject({
  code: z.string(),
  stationId: z.number().nullable(),
  grids: z.number(),
  workload: z.strictObject({
    weightedIncidents: z.number(),
    incidents: z.number(),
    population: z.number(),
    households: z.number(),
    roadKm: z.number(),
    keyPlaces: z.number(),
  }),
  reach: z.strictObject({ origins: z.number(), tiers: z.array(tier) }),
  coverage: z.strictObject({
    roadM: z.number(),
    seenRoadM: z.number(),
    roadRate: rate,
    keyPlaces: z.number(),
    keyPlacesSeen: z.number(),
    keyPlaceRate: rate,
    schools: z.number(),
    schoolsSeen: z.number(),
    schoolsIdentified: z.number(),
  }),
  shape: z.strictObject({
    areaM2: z.number(),
    perimeterM: z.number(),
    polsbyPopper: z.number(),
    onePiece: z.boolean(),
  }),
  communities: z.number(),
});

export const scorecardAnswer = z.strictObject({
  beats: z.array(beatScoreAnswer),
  plan: z.strictObject({
    beats: z.number(),
    grids: z.number(),
    balance: z.array(balance),
    reach: z.array(tier),
    coverage: z.strictObject({
      roadRate: rate,
      keyPlaceRate: rate,
      schoolRate: rate,
      schoolsIdentified: z.number(),
      schoolIdentifyRate: rate,
      minBeatRoadRate: rate,
    }),
    nesting: z.strictObject({
      gridsCut: z.number(),
      communities: z.number(),
      communitiesSplit: z.number(),
      pieces: z.number(),
      split: z.array(z.strictObject({ community: z.string(), beats: z.number(), pieces: z.number() })),
    }),
    shape: z.strictObject({ meanPolsbyPopper: z.number(), minPolsbyPopper: z.number(), beatsInPieces: z.number() }),
    change: z
      .object({
        gridsMoved: z.number(),
        residentsMoved: z.number(),
        householdsMoved: z.number(),
        beatsChanged: z.number(),
      })
      .nullable(),
  }),
});

export const planCompareAnswer = z.strictObject({
  names: z.strictObject({ a: z.string(), b: z.string() }),
  a: scorecardAnswer,
  b: scorecardAnswer,
  moved: z.array(z.strictObject({ gridCode: z.string(), from: z.string(), to: z.string() })),
  differences: z.strictObject({
    balance: z.array(z.strictObject({ measure: z.string(), maxOverMean: rate, cv: rate })),
    reach: z.array(tier),
    coverage: z.strictObject({
      roadRate: rate,
      minBeatRoadRate: rate,
      schoolsIdentified: z.number(),
      schoolIdentifyRate: rate,
    }),
    nesting: z.strictObject({ gridsCut: z.number(), communitiesSplit: z.number(), pieces: z.number() }),
    shape: z.strictObject({ meanPolsbyPopper: z.number(), beatsInPieces: z.number() }),
    gridsMoved: z.number(),
  }),
});
