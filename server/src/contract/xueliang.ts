import { z } from 'zod';
import { areaKind } from './common.js';

/** DORI bands (IEC 62676-4), best first. */
export const doriBand = z.enum(['identify', 'recognise', 'observe', 'detect']);

export const bandedCoverageQuery = z.strictObject({
  area: areaKind.default('grid'),
  // 'required': roads at observe, each key place at its own required band.
  band: doriBand.or(z.literal('required')).default('required'),
});

const bandedRow = z.object({
  areaId: z.string(),
  band: doriBand,
  roadMeters: z.number(),
  seenMeters: z.number(),
  roadRate: z.number(),
  weightedRoadRate: z.number(),
  keyPlaces: z.number().int(),
  keyPlacesSeen: z.number().int(),
  keyPlaceRate: z.number().nullable(),
  schools: z.number().int(),
  schoolsSeen: z.number().int(),
  schoolRate: z.number().nullable(),
});
export const bandedCoverageAnswer = z.object({
  area: areaKind,
  band: doriBand.or(z.literal('required')),
  rows: z.array(bandedRow),
});

export const bandedBlindQuery = z.strictObject({ band: doriBand.default('observe') });

export const bandedPlacesAnswer = z.array(
  z.object({
    id: z.number().int(),
    kind: z.string(),
    name: z.string(),
    areaId: z.string(),
    requiredBand: doriBand,
    bestBand: doriBand.nullable(),
    ok: z.boolean(),
  }),
);

const rate = z.number().min(0).max(1);
export const kpiQuery = z.strictObject({
  level: z.enum(['grid', 'community', 'township', 'district', 'region']).default('township'),
  by: z.enum(['area', 'point_class', 'position_type']).default('area'),
  format: z.enum(['json', 'xlsx']).default('json'),
  // Targets as fractions (0.98 = 98 %); 发改高技〔2015〕996号 defaults.
  coverageTarget: z.coerce.number().pipe(rate).optional(),
  networkedTarget: z.coerce.number().pipe(rate).optional(),
  workingTarget: z.coerce.number().pipe(rate).optional(),
  recordsTarget: z.coerce.number().pipe(rate).optional(),
  keyIndustryTarget: z.coerce.number().pipe(rate).optional(),
});

const gap = z.number().nullable();
export const kpiAnswer = z.object({
  level: z.string(),
  by: z.string(),
  targets: z.record(z.string(), z.number()),
  rows: z.array(
    z.object({
      key: z.string(),
      name: z.string().nullable(),
      cameras: z.number().int(),
      networked: z.number().int(),
      working: z.number().int(),
      recorded: z.number().int(),
      keyPlaces: z.number().int(),
      keyPlacesSeen: z.number().int(),
      keyIndustryPlaces: z.number().int(),
      keyIndustrySeen: z.number().int(),
      coverageRate: z.number().nullable(),
      networkedRate: z.number().nullable(),
      workingRate: z.number().nullable(),
      recordRate: z.number().nullable(),
      keyIndustryRate: z.number().nullable(),
      gaps: z.object({ coverage: gap, networked: gap, working: gap, records: gap, keyIndustryCoverage: gap }),
      meetsAll: z.boolean(),
    }),
  ),
});

export const incompleteQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(50_000).default(5000) });
export const incompleteAnswer = z.object({
  total: z.number().int(),
  incomplete: z.number().int(),
  cameras: z.array(
    z.object({
      id: z.number().int(),
      code: z.string().nullable(),
      name: z.string().nullable(),
      gbCode: z.string().nullable(),
      gridCode: z.string().nullable(),
      communityCode: z.string().nullable(),
      townshipCode: z.string().nullable(),
      missing: z.array(z.string()),
    }),
  ),
});

export const schoolProtectionQuery = z.strictObject({
  day: z.iso.date().optional(),
  profile: z.enum(['car', 'foot']).default('car'),
});
export const schoolProtectionAnswer = z.object({
  day: z.string(),
  schools: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      kind: z.string(),
      entryTime: z.string(),
      exitTime: z.string(),
      gates: z.array(
        z.object({
          id: z.number().int().nullable(),
          name: z.string().nullable(),
          lon: z.number(),
          lat: z.number(),
          identifiedBy: z.array(z.number().int()),
        }),
      ),
      oneKeyAlarm: z.boolean(),
      reachMinutes: z.number().nullable(),
      entryCoveredBy: z.array(z.string()),
      exitCoveredBy: z.array(z.string()),
      failures: z.array(z.string()),
    }),
  ),
});

/** What a quality placement must see: school gates (each gate on file, or the school's point) or key places of a kind. */
export const bandedTargetKind = z.enum([
  'school_gate',
  'school',
  'kindergarten',
  'hospital',
  'market',
  'transit_hub',
  'government',
  'bank',
  'other',
]);

export const bandedPlacementBody = z.strictObject({
  k: z.number().int().min(1).max(100),
  /** Default: every school gate at identify (护学岗 / 护校安园). A band left out is the kind's required band. */
  targets: z
    .array(
      z.strictObject({
        kind: bandedTargetKind,
        band: doriBand.optional(),
        weight: z.number().gt(0).max(1000).default(1),
      }),
    )
    .min(1)
    .max(9)
    .refine((ts) => new Set(ts.map((t) => t.kind)).size === ts.length, 'each kind at most once')
    .default([{ kind: 'school_gate', band: 'identify', weight: 1 }]),
  /** The camera to mount at every candidate site. */
  camera: z
    .strictObject({
      cameraType: z.enum(['bullet', 'dome', 'ptz']).default('bullet'),
      fovDeg: z.number().gt(0).max(360).default(60),
      rangeM: z.number().min(10).max(300).default(60),
      heightM: z.number().min(0).max(100).default(4),
      tiltDeg: z.number().min(0).max(90).default(20),
      resolution: z.string().min(1).max(40).default('2560×1440'),
    })
    .default({
      cameraType: 'bullet',
      fovDeg: 60,
      rangeM: 60,
      heightM: 4,
      tiltDeg: 20,
      resolution: '2560×1440',
    }),
});

const bandedTargetRef = z.object({
  kind: z.string(),
  /** The key place (the school for a gate). */
  placeId: z.number().int(),
  gateId: z.number().int().nullable(),
  name: z.string(),
  band: doriBand,
  lon: z.number(),
  lat: z.number(),
});
const coveredTotal = z.object({ targets: z.number().int(), weight: z.number() });
export const bandedPlacementAnswer = z.object({
  candidates: z.number().int(),
  targets: z.number().int(),
  weightTotal: z.number(),
  /** Seen at their band now by working, networked cameras. */
  coveredBefore: coveredTotal,
  coveredAfter: coveredTotal,
  proposals: z.array(
    z.object({
      rank: z.number().int(),
      lon: z.number(),
      lat: z.number(),
      headingDeg: z.number(),
      fovDeg: z.number(),
      rangeM: z.number(),
      heightM: z.number(),
      tiltDeg: z.number(),
      cameraType: z.enum(['bullet', 'dome', 'ptz']),
      resolution: z.string(),
      marginalGain: z.number(),
      newlyCovered: z.array(bandedTargetRef),
    }),
  ),
  /** Targets still not seen at their band after the proposals (at most 500). */
  uncovered: z.array(bandedTargetRef),
  seconds: z.number(),
});
export type BandedPlacementBody = z.output<typeof bandedPlacementBody>;
export type BandedPlacementAnswer = z.output<typeof bandedPlacementAnswer>;
