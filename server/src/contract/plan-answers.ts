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

/*
 * Answer schemas of the plan list, one plan, and the plan writes (GET /plans, GET /plans/:ref, POST /plans,
 * POST /plans/import, PATCH /plans/:id, POST /plans/:id/apply, POST /plans/districting). Times are ISO 8601 strings.
 */
const isoTime = z.string();
const planKind = z.enum(['draft', 'districting', 'imported']);

/** The plan in force, derived from the beats (never stored: no versions, no author). */
const inForceFields = {
  id: z.literal('in-force'),
  name: z.string(),
  kind: z.literal('in_force'),
  stationId: z.number().nullable(),
  inForce: z.literal(true),
};

/** A stored plan as listed: who made it when, its counts, and the beat versions it was made against. */
export const storedPlanAnswer = z.strictObject({
  id: z.number(),
  name: z.string(),
  kind: planKind,
  stationId: z.number().nullable(),
  version: z.number(),
  baseVersions: z.record(z.string(), z.number()),
  /** The districting request a `districting` plan was made with (null for other kinds). */
  params: z.unknown(),
  createdBy: z.string(),
  createdAt: isoTime,
  updatedAt: isoTime,
  appliedAt: isoTime.nullable(),
  appliedBy: z.string().nullable(),
  grids: z.number(),
  beats: z.number(),
  inForce: z.literal(false),
});

export const planListAnswer = z.strictObject({
  plans: z.array(
    z.union([
      z.strictObject({ ...inForceFields, grids: z.number(), beats: z.number(), version: z.null() }),
      storedPlanAnswer,
    ]),
  ),
});

const detailFields = {
  assignment: z.array(z.strictObject({ gridCode: z.string(), beatCode: z.string(), gridName: z.string().nullable() })),
  versions: z.array(
    z.strictObject({
      version: z.number(),
      name: z.string(),
      change: z.string(),
      actor: z.string(),
      at: isoTime,
      grids: z.number(),
    }),
  ),
};

/** One stored plan with its assignment (grid → beat) and its stored versions, oldest first. */
export const storedPlanDetailAnswer = storedPlanAnswer.extend(detailFields);

/** One plan: a stored one, or the plan in force (which has no stored versions). */
export const planDetailAnswer = z.union([
  storedPlanDetailAnswer,
  z.strictObject({ ...inForceFields, ...detailFields }),
]);

/** POST /plans/:id/apply: the beats written (changed or not, at their new versions) and the plan, now applied. */
export const planApplyAnswer = z.strictObject({
  beats: z.array(z.strictObject({ code: z.string(), version: z.number(), changed: z.boolean() })),
  plan: storedPlanDetailAnswer,
});

/** What the districting engine reports beside the draft: objectives, loads and shapes per drafted beat, ReCom counts. */
const draftEngineAnswer = z.strictObject({
  objective: z.number(),
  currentObjective: z.number().nullable(),
  grownObjective: z.number().nullable(),
  loads: z.array(z.number()),
  polsbyPopper: z.array(z.number()),
  balance,
  communitySplits: z.number(),
  withinTolerance: z.boolean(),
  recom: z.strictObject({
    proposed: z.number(),
    balancedCuts: z.number(),
    alongCommunityBoundary: z.number(),
    improvedBest: z.number(),
  }),
  weights: z.strictObject({
    balance: z.number(),
    compactness: z.number(),
    reach: z.number(),
    coverage: z.number(),
    communitySplits: z.number(),
    overTolerance: z.number(),
  }),
});

/** POST /plans/districting: the stored draft, the engine's report, and the scorecards of the plan in force and the draft. */
export const planDistrictingAnswer = z.strictObject({
  plan: storedPlanDetailAnswer,
  engine: draftEngineAnswer,
  before: scorecardAnswer,
  after: scorecardAnswer,
});

export type PlanComparison = z.infer<typeof planCompareAnswer>;
export type PlanListAnswer = z.infer<typeof planListAnswer>;
export type PlanDetailAnswer = z.infer<typeof planDetailAnswer>;
export type StoredPlanDetailAnswer = z.infer<typeof storedPlanDetailAnswer>;
export type PlanApplyAnswer = z.infer<typeof planApplyAnswer>;
export type PlanDistrictingAnswer = z.infer<typeof planDistrictingAnswer>;
