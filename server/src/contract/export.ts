import { z } from 'zod';

export const EXPORT_FORMATS = ['geojson', 'csv', 'xlsx', 'shapefile', 'kml', 'kmz'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** GET /api/v1/{layer}/export: the format, a bbox, the table headers (中文 or English) and the text encoding. */
export const exportQuery = z.strictObject({
  format: z.enum(EXPORT_FORMATS),
  bbox: z
    .string()
    .transform((s) => s.split(',').map(Number))
    .refine((b) => b.length === 4 && b.every(Number.isFinite), 'bbox is minLon,minLat,maxLon,maxLat')
    .refine((b) => (b[0] ?? 0) <= (b[2] ?? 0) && (b[1] ?? 0) <= (b[3] ?? 0), 'bbox min must not exceed max')
    .transform((b) => b as [number, number, number, number])
    .optional(),
  // Tables (CSV, xlsx) under the Chinese ledger headers by default; Shapefile fields are always the column names.
  headers: z.enum(['zh', 'en']).default('zh'),
  // CSV and the Shapefile's DBF: UTF-8 (CSV with a BOM) or GBK for Excel / ArcGIS on Chinese Windows.
  encoding: z.enum(['utf-8', 'gbk']).default('utf-8'),
});
