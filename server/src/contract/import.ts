import { z } from 'zod';
import { LAYER_NAMES } from './layers.js';

export const importQuery = z.strictObject({
  format: z.enum(['geojson', 'csv', 'xlsx', 'shapefile', 'kml', 'kmz', 'osm-pbf']),
  layer: z.enum(LAYER_NAMES).optional(),
  // wgs84, cgcs2000, gcj02, bd09, webmercator or EPSG:n; the readers refuse an unknown EPSG code (422 at `crs`).
  crs: z
    .string()
    .regex(/^(wgs84|cgcs2000|gcj02|bd09|webmercator|EPSG:\d{4,5})$/i)
    .default('wgs84'),
  skip_invalid: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  tz: z.string().max(64).optional(),
  name: z.string().max(200).optional(),
});

export const importIssue = z.object({
  source: z.string(),
  layer: z.enum(LAYER_NAMES),
  path: z.string(),
  message: z.string(),
});
export const importReport = z
  .object({
    file: z.string(),
    format: z.enum(['geojson', 'csv', 'xlsx', 'shapefile', 'kml', 'kmz', 'osm-pbf']),
    crs: z.string(),
    imported: z.partialRecord(z.enum(LAYER_NAMES), z.number().int()),
    rejected: z.number().int(),
    issues: z.array(importIssue),
    ignoredProperties: z.record(z.string(), z.number().int()),
    leftOut: z.array(z.object({ what: z.string(), count: z.number().int(), why: z.string() })),
    ms: z.number(),
  })
  .meta({ id: 'ImportReport' });
export type ImportReportAnswer = z.infer<typeof importReport>;
