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
