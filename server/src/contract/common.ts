import type { Geometry } from 'geojson';
import { z } from 'zod';

/** GeoJSON as the API answers it (positions are [lon, lat]); answers are checked by type, not re-validated. */
export const anyGeometry = z.object({ type: z.string() }).meta({ id: 'Geometry' });
export const featureOf = <P extends z.ZodType>(properties: P) =>
  z.object({
    type: z.literal('Feature'),
    id: z.union([z.number(), z.string()]).optional(),
    geometry: anyGeometry.nullable(),
    properties,
  });
export const featureCollectionOf = <P extends z.ZodType>(properties: P) =>
  z.object({ type: z.literal('FeatureCollection'), features: z.array(featureOf(properties)) });
/** A FeatureCollection whose properties vary by layer. */
export const featureCollection = featureCollectionOf(z.unknown());

export const lonLatPair = z.tuple([z.number(), z.number()]);

/** `minLon,minLat,maxLon,maxLat` as a query value. */
export const bboxQuery = z
  .string()
  .transform((s) => s.split(',').map(Number))
  .refine(
    (b) => b.length === 4 && b.every(Number.isFinite) && (b[0] ?? 0) < (b[2] ?? 0) && (b[1] ?? 0) < (b[3] ?? 0),
    'bbox is minLon,minLat,maxLon,maxLat with min < max',
  )
  .transform((b) => b as [number, number, number, number]);

export const areaKind = z.enum(['grid', 'beat', 'community', 'township', 'district']);
export const gridCode = z.string().regex(/^[0-9]{15}$/, 'a 15-digit grid code');
export const beatCode = z.string().regex(/^[0-9A-Za-z_-]{1,40}$/, 'a beat code');
export const version = z.number().int().positive();

/** The RFC 9457 problem every error answers with; `code` is one of contract/problem-codes.ts. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({
    id: 'Problem',
    description: 'RFC 9457 problem details; `errors` names each offending field, `code` is stable',
  });

/** A GeoJSON geometry in an answer, typed as GeoJSON (the server builds it in PostGIS or the engines). */
export const geoJsonGeometry = z
  .custom<Geometry>((g) => typeof g === 'object' && g !== null && 'type' in g)
  .meta({ id: 'GeoJsonGeometry', type: 'object', description: 'a GeoJSON geometry' });
