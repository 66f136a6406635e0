import { z } from 'zod';
import type { GeometryKind } from './layers.js';

/**
 * GeoJSON geometry as the API accepts it: WGS84 [lon, lat] positions only (a third coordinate is refused rather than
 * silently dropped, so a 3D export from CAD does not pass unnoticed), finite numbers, lon in [-180, 180], lat in
 * [-90, 90], closed rings of at least 4 positions, no empty geometries. Validity (self-intersection …) is then checked
 * by PostGIS inside the write transaction.
 */
const position = z
  .array(z.number().refine(Number.isFinite, 'must be a finite number'))
  .refine((p) => p.length === 2, { message: 'a position is [lon, lat]: exactly 2 numbers (no altitude)' })
  .superRefine((p, ctx) => {
    const [lon = 0, lat = 0] = p;
    if (lon < -180 || lon > 180)
      ctx.addIssue({ code: 'custom', path: [0], message: `longitude ${lon} is outside [-180, 180]` });
    if (lat < -90 || lat > 90)
      ctx.addIssue({ code: 'custom', path: [1], message: `latitude ${lat} is outside [-90, 90]` });
  });

const ring = z
  .array(position)
  .min(4, 'a ring needs at least 4 positions')
  .refine((r) => r.length < 4 || (r[0]?.[0] === r[r.length - 1]?.[0] && r[0]?.[1] === r[r.length - 1]?.[1]), {
    message: 'a ring must be closed: its last position must equal its first',
  });

const polygonCoords = z.array(ring).min(1, 'a polygon needs an outer ring');

export const geometrySchemas = {
  Point: z.strictObject({ type: z.literal('Point'), coordinates: position }),
  LineString: z.strictObject({
    type: z.literal('LineString'),
    coordinates: z.array(position).min(2, 'a line needs at least 2 positions'),
  }),
  Polygon: z.strictObject({ type: z.literal('Polygon'), coordinates: polygonCoords }),
  MultiPolygon: z.strictObject({
    type: z.literal('MultiPolygon'),
    coordinates: z.array(polygonCoords).min(1, 'a multipolygon needs a polygon'),
  }),
} as const;

export type AcceptedGeometry = z.infer<(typeof geometrySchemas)[GeometryKind]>;

/** The union of the geometry types a layer accepts (for the OpenAPI document). */
export function geometryUnionFor(accepts: readonly GeometryKind[]): z.ZodType<AcceptedGeometry> {
  const [first, ...rest] = accepts.map((k) => geometrySchemas[k]);
  if (!first) throw new Error('a layer must accept at least one geometry type');
  return (rest.length ? z.discriminatedUnion('type', [first, ...rest]) : first) as z.ZodType<AcceptedGeometry>;
}

/**
 * The geometry schema of a layer for validation: first the type (one clear message naming the accepted types), then
 * the coordinates of that type.
 */
export function geometrySchemaFor(accepts: readonly GeometryKind[]): z.ZodType<AcceptedGeometry> {
  const union = geometryUnionFor(accepts);
  return z
    .unknown()
    .superRefine((g, ctx) => {
      const type = (g as { type?: unknown } | null)?.type;
      if (typeof type !== 'string' || !accepts.includes(type as GeometryKind)) {
        ctx.addIssue({
          code: 'custom',
          path: ['type'],
          message: `geometry type must be one of ${accepts.join(', ')}, got ${JSON.stringify(type ?? null)}`,
        });
      }
    })
    .pipe(union) as unknown as z.ZodType<AcceptedGeometry>;
}
