import { z } from 'zod';
import { LAYER_NAMES } from './layers.js';

const FORMATS = ['geojson', 'csv', 'xlsx', 'shapefile', 'kml', 'kmz', 'osm-pbf'] as const;
const bool = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

/** `target=value` pairs, one query parameter or repeated (`map=category=Primary Type&map=occurred_at=Date`). */
const pairs = (what: string) =>
  z
    .union([z.string().max(400), z.array(z.string().max(400)).max(60)])
    .transform((v, ctx) => {
      const out: Record<string, string> = {};
      for (const p of Array.isArray(v) ? v : [v]) {
        const eq = p.indexOf('=');
        const target = eq > 0 ? p.slice(0, eq).trim() : '';
        if (!/^[a-z_][a-z0-9_]{0,40}$/.test(target)) {
          ctx.addIssue({
            code: 'custom',
            message: `${what}: "${p.slice(0, 60)}" is not target=${what === 'map' ? 'column' : 'value'}`,
          });
          return z.NEVER;
        }
        out[target] = p.slice(eq + 1);
      }
      return out;
    })
    .optional();

export const importQuery = z.strictObject({
  format: z.enum(FORMATS),
  layer: z.enum(LAYER_NAMES).optional(),
  // wgs84, cgcs2000, gcj02, bd09, webmercator or EPSG:n; the readers refuse an unknown EPSG code (422 at `crs`).
  crs: z
    .string()
    .regex(/^(wgs84|cgcs2000|gcj02|bd09|webmercator|EPSG:\d{4,5})$/i)
    .default('wgs84'),
  skip_invalid: bool,
  tz: z.string().max(64).optional(),
  name: z.string().max(200).optional(),
  map: pairs('map'),
  set: pairs('set'),
  date_order: z.enum(['mdy', 'dmy']).optional(),
  key: z.string().max(100).optional(),
  dry_run: bool,
  make_valid: bool,
  sheet: z.string().max(100).optional(),
  encoding: z.string().max(40).optional(),
  mode: z.enum(['add', 'replace']).optional(),
});

export const importIssue = z.object({
  source: z.string(),
  layer: z.enum(LAYER_NAMES),
  path: z.string(),
  message: z.string(),
});
const layerCounts = z.object({
  new: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  // mode=replace: rows earlier imports of the same file wrote that this one no longer holds.
  deleted: z.number().int().optional(),
});
/** Columns no field took, with samples and the most alike field as a suggestion (never mapped by itself). */
const unmappedColumns = z.array(
  z.object({
    column: z.string(),
    samples: z.array(z.string()),
    suggestion: z.object({ field: z.string(), required: z.boolean(), map: z.string(), why: z.string() }).nullable(),
    note: z.string(),
  }),
);
export const importReport = z
  .object({
    file: z.string(),
    format: z.enum(FORMATS),
    crs: z.string(),
    imported: z.partialRecord(z.enum(LAYER_NAMES), z.number().int()),
    rejected: z.number().int(),
    issues: z.array(importIssue),
    ignoredProperties: z.record(z.string(), z.number().int()),
    leftOut: z.array(z.object({ what: z.string(), count: z.number().int(), why: z.string() })),
    ms: z.number(),
    batchId: z.number().int().nullable(),
    dryRun: z.boolean(),
    detected: z.object({ format: z.string(), encoding: z.string().nullable(), crs: z.string() }),
    rowsRead: z.number().int(),
    counts: z.partialRecord(z.enum(LAYER_NAMES), layerCounts),
    summary: z.string(),
    refused: z.array(z.object({ reason: z.string(), count: z.number().int(), rows: z.array(z.string()) })),
    fieldProblems: z.array(z.object({ path: z.string(), count: z.number().int(), rows: z.array(z.string()) })),
    repaired: z.array(z.object({ source: z.string(), layer: z.enum(LAYER_NAMES), reason: z.string() })),
    defaulted: z.array(z.object({ column: z.string(), count: z.number().int(), value: z.string() })),
    mapping: z.record(z.string(), z.string()),
    unmapped: unmappedColumns,
    warnings: z.array(z.string()),
  })
  .meta({ id: 'ImportReport' });
export type ImportReportAnswer = z.infer<typeof importReport>;

const fieldSpec = z.object({
  name: z.string(),
  type: z.enum(['text', 'integer', 'number', 'boolean', 'date', 'datetime', 'enum']),
  required: z.boolean(),
  default: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  derived: z.string().optional(),
  enum: z.array(z.string()).readonly().optional(),
  unit: z.string().optional(),
  synonyms: z.array(z.string()).readonly(),
  parts: z.object({ date: z.array(z.string()).readonly(), time: z.array(z.string()).readonly() }).optional(),
  values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  importOnly: z.boolean().optional(),
  note: z.string().optional(),
});
export const layerSpecsAnswer = z
  .object({
    layers: z.array(
      z.object({
        layer: z.enum(LAYER_NAMES),
        label: z.object({ zh: z.string(), en: z.string() }),
        geometry: z.array(z.string()).readonly(),
        naturalKey: z.array(z.string()).readonly(),
        fields: z.array(fieldSpec),
      }),
    ),
  })
  .meta({ id: 'ImportLayerSpecs' });

export const batchParams = z.strictObject({ id: z.coerce.number().int().positive() });
export const batchListQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) });
export const importBatch = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  file: z.string(),
  format: z.string(),
  layers: z.array(z.string()),
  counts: z.unknown(),
  undoneAt: z.string().nullable(),
  undoneBy: z.string().nullable(),
});
export const batchList = z.object({ batches: z.array(importBatch) }).meta({ id: 'ImportBatches' });
export const undoReport = z
  .object({
    batchId: z.number().int(),
    deleted: z.partialRecord(z.enum(LAYER_NAMES), z.number().int()),
    restored: z.partialRecord(z.enum(LAYER_NAMES), z.number().int()),
    // Rows edited or deleted since the import: left as they are now, each named (the first 1,000).
    partial: z.boolean(),
    kept: z.array(
      z.object({ layer: z.enum(LAYER_NAMES), featureId: z.number().int(), action: z.string(), reason: z.string() }),
    ),
  })
  .meta({ id: 'ImportUndo' });

/** POST /import/inspect: the same reading options as /import, nothing written; `layer` adds the mapping. */
export const inspectQuery = importQuery
  .pick({ format: true, layer: true, crs: true, name: true, map: true, set: true, sheet: true, encoding: true })
  .extend({ preview: z.coerce.number().int().min(0).max(20000).optional() });

const detected = z.object({ value: z.string(), reason: z.string() });
export const inspectAnswer = z
  .object({
    format: detected,
    encoding: detected.nullable(),
    crs: detected,
    columns: z.array(z.object({ name: z.string(), inferredType: z.string(), samples: z.array(z.string()) })),
    geometryTypes: z.array(z.string()),
    rowCount: z.number().int(),
    leftOut: z.array(z.object({ what: z.string(), count: z.number().int(), why: z.string() })),
    crsGuess: z.object({
      best: z.enum(['wgs84', 'gcj02', 'bd09']).nullable(),
      medianMeters: z.partialRecord(z.enum(['wgs84', 'gcj02', 'bd09']), z.number()),
      points: z.number().int(),
      reason: z.string(),
    }),
    layer: layerSpecsAnswer.shape.layers.element.optional(),
    mapping: z.record(z.string(), z.string()).optional(),
    missingRequired: z.array(z.string()).optional(),
    unmapped: unmappedColumns.optional(),
    // The first rows as read (WGS84, properties decoded, `@row` the source row), for a preview on the map.
    preview: z.object({
      type: z.literal('FeatureCollection'),
      features: z.array(z.looseObject({ type: z.literal('Feature') })),
      truncated: z.boolean(),
    }),
  })
  .meta({ id: 'ImportInspection' });
