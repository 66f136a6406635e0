import { z } from 'zod';
import { LAYER_NAMES } from './layers.js';

export const importQuery = z.strictObject({
  format: z.enum(['geojson', 'csv', 'shapefile', 'osm-pbf']),
  layer: z.enum(LAYER_NAMES).optional(),
  crs: z.enum(['wgs84', 'gcj02']).default('wgs84'),
  skip_invalid: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  tz: z.string().max(64).optional(),
  name: z.string().max(200).optional(),
});

export const importIssue = z.object({ source: z.string(), layer: z.enum(LAYER_NAMES), path: z.string(), message: z.string() });
export const importReport = z.object({
  file: z.string(), format: z.enum(['geojson', 'csv', 'shapefile', 'osm-pbf']), crs: z.enum(['wgs84', 'gcj02']),
  imported: z.partialRecord(z.enum(LAYER_NAMES), z.number().int()),
  rejected: z.number().int(),
  issues: z.array(importIssue),
  ignoredProperties: z.record(z.string(), z.number().int()),
  ms: z.number(),
}).meta({ id: 'ImportReport' });
export type ImportReportAnswer = z.infer<typeof importReport>;
