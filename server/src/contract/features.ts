import { z } from 'zod';
import { propertiesSchema, type ColumnDef, type LayerDef } from './layers.js';
import { geometrySchemaFor, geometrySchemas } from './geometry.js';

/** POST body: a GeoJSON Feature; `id` may be sent (GIS tools do) but the server assigns it. */
export function createFeatureSchema(layer: LayerDef) {
  return z.strictObject({
    type: z.literal('Feature'),
    id: z.unknown().optional(),
    geometry: geometrySchemaFor(layer.accepts),
    properties: propertiesSchema(layer, 'create'),
  });
}

/** PATCH body: what changes, and the version the edit was based on (or an If-Match header). */
export function updateFeatureSchema(layer: LayerDef) {
  return z.strictObject({
    type: z.literal('Feature').optional(),
    id: z.unknown().optional(),
    version: z.number().int().positive().optional(),
    geometry: geometrySchemaFor(layer.accepts).optional(),
    properties: propertiesSchema(layer, 'update').optional(),
  });
}

const bbox = z
  .string()
  .transform((s) => s.split(',').map(Number))
  .refine((b) => b.length === 4 && b.every(Number.isFinite), 'bbox is minLon,minLat,maxLon,maxLat')
  .refine((b) => (b[0] ?? 0) <= (b[2] ?? 0) && (b[1] ?? 0) <= (b[3] ?? 0), 'bbox min must not exceed max')
  .transform((b) => b as [number, number, number, number]);

/** A whole number written out in a query string, within the SQL type's range. */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?[0-9]{1,20}$/, 'a whole number')
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n) && n >= min && n <= max, `a whole number from ${min} to ${max}`);

/**
 * A query-string value parsed as the column's type (query strings are text), so a bad value is a 400 at the edge and
 * never reaches SQL: numbers in the type's range, `true`/`false`, ISO dates and timestamps with an offset, and text
 * through the column's own rule (enumerations, codes).
 */
function filterSchema(c: ColumnDef): z.ZodType {
  switch (c.sqlType) {
    case 'smallint':
      return wholeNumber(-32_768, 32_767);
    case 'integer':
      return wholeNumber(-2_147_483_648, 2_147_483_647);
    case 'bigint':
      return wholeNumber(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    case 'double precision':
      return z
        .string()
        .regex(/^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/, 'a number')
        .transform(Number)
        .refine(Number.isFinite, 'a finite number');
    case 'boolean':
      return z.enum(['true', 'false']).transform((v) => v === 'true');
    case 'date':
      return z.iso.date();
    case 'timestamptz':
      return z.iso.datetime({ offset: true });
    case 'text':
      return z
        .string()
        .max(200)
        .superRefine((v, ctx) => {
          const r = c.schema.safeParse(v);
          if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: 'custom', message: i.message });
        });
    default: {
      const never: never = c.sqlType;
      throw new Error(`no filter for SQL type ${String(never)}`);
    }
  }
}

export interface ListQuery {
  bbox?: [number, number, number, number];
  limit: number;
  offset: number;
  from?: string;
  to?: string;
  filters: Record<string, unknown>;
}

/** GET list query: bbox, paging, equality filters on the layer's columns, and a time window for incidents. */
export function listQuerySchema(layer: LayerDef): z.ZodType<ListQuery> {
  const filterShape = Object.fromEntries(layer.columns.map((c) => [c.name, filterSchema(c).optional()]));
  const time =
    layer.name === 'incidents'
      ? { from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() }
      : {};
  return z
    .strictObject({
      bbox: bbox.optional(),
      limit: z.coerce.number().int().min(1).max(10_000).default(1000),
      offset: z.coerce.number().int().min(0).default(0),
      ...time,
      ...filterShape,
    })
    .transform((q) => {
      const { bbox: b, limit, offset, from, to, ...filters } = q as Record<string, unknown>;
      const out: ListQuery = { limit: limit as number, offset: offset as number, filters: {} };
      if (b) out.bbox = b as [number, number, number, number];
      if (typeof from === 'string') out.from = from;
      if (typeof to === 'string') out.to = to;
      for (const [k, v] of Object.entries(filters)) if (v !== undefined) out.filters[k] = v;
      return out;
    });
}

/** "geometry.coordinates[0][2]" from a zod issue path. */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/** `/{layer}/{id}` path parameters. */
export const featureIdParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
/** DELETE body: optionally the version (or an If-Match header). */
export const deleteFeatureBody = z.strictObject({ version: z.number().int().positive().optional() }).optional();

/** A stored feature of a layer as the API answers it: the writable properties plus version and timestamps. */
export function featureAnswerSchema(layer: LayerDef) {
  return z
    .object({
      type: z.literal('Feature'),
      id: z.number().int(),
      geometry: geometrySchemas.Point.or(z.object({ type: z.string(), coordinates: z.unknown() }).loose()),
      properties: propertiesSchema(layer, 'create')
        .extend({ version: z.number().int(), created_at: z.string(), updated_at: z.string() })
        .loose(),
    })
    .meta({ id: `${layer.table}Feature` });
}

/** A page of a layer: FeatureCollection with numberMatched, numberReturned and a `next` link. */
export function featurePageSchema(layer: LayerDef) {
  return z.object({
    type: z.literal('FeatureCollection'),
    features: z.array(featureAnswerSchema(layer)),
    numberMatched: z.number().int(),
    numberReturned: z.number().int(),
    links: z.array(z.object({ rel: z.string(), href: z.string() })),
  });
}
