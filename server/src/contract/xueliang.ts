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
  level: z.enum(['grid', 'community', 'township', 'district']).default('township'),
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
