import { z } from 'zod';

/** Which incidents: a time window, local hours and weekdays, categories, a box. */
export interface IncidentFilter {
  from?: string;
  to?: string;
  /** Local hours 0–23 (GRIDPATROL_TZ). */
  hours?: readonly number[];
  /** ISO weekdays 1 (Monday) – 7 (Sunday), local. */
  weekdays?: readonly number[];
  categories?: readonly string[];
  bbox?: readonly [number, number, number, number];
}

export const intList = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+(,\d+)*$/, 'comma-separated integers')
    .transform((s) => s.split(',').map(Number))
    .refine((xs) => xs.every((x) => x >= min && x <= max), `each between ${min} and ${max}`);

/** The incident filter as query parameters, shared by every incident endpoint. */
export const incidentFilterQuery = {
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  hours: intList(0, 23).optional(),
  weekdays: intList(1, 7).optional(),
  category: z
    .string()
    .max(500)
    .transform((s) => s.split(',').filter(Boolean))
    .optional(),
  bbox: z
    .string()
    .transform((s) => s.split(',').map(Number))
    .refine((b) => b.length === 4 && b.every(Number.isFinite), 'minLon,minLat,maxLon,maxLat')
    .transform((b) => b as [number, number, number, number])
    .optional(),
};

export const h3Res = z.coerce
  .number()
  .int()
  .min(7)
  .max(10)
  .default(9)
  .transform((r) => r as 7 | 8 | 9 | 10);

/** The parsed query's filter fields, leaving out the absent ones (exactOptionalPropertyTypes-friendly). */
export function toIncidentFilter(q: {
  from?: string | undefined;
  to?: string | undefined;
  hours?: number[] | undefined;
  weekdays?: number[] | undefined;
  category?: string[] | undefined;
  bbox?: [number, number, number, number] | undefined;
}): IncidentFilter {
  return {
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
    ...(q.hours ? { hours: q.hours } : {}),
    ...(q.weekdays ? { weekdays: q.weekdays } : {}),
    ...(q.category?.length ? { categories: q.category } : {}),
    ...(q.bbox ? { bbox: q.bbox } : {}),
  };
}
