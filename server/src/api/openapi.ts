import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { LAYERS, propertiesSchema } from '../db/layers.js';
import { geometryUnionFor } from './contract/geometry.js';
import { ANALYSIS_PATHS } from './routes/analysis.routes.js';
import { INCIDENT_ANALYSIS_PATHS } from './routes/incident-analysis.routes.js';
import { ROUTING_PATHS } from './routes/routing.routes.js';
import { JOB_PATHS } from '../jobs/jobs.routes.js';

const problem = z.object({
  type: z.string(), title: z.string(), status: z.number().int(), detail: z.string().optional(), instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
}).meta({ id: 'Problem', description: 'RFC 9457 problem details; `errors` names each offending field' });

/** One endpoint of a route module as the OpenAPI document lists it. */
interface PathEntry {
  method: 'get' | 'post' | 'delete';
  path: string;
  summary: string;
  query?: NonNullable<RouteConfig['request']>['query'];
  params?: NonNullable<RouteConfig['request']>['params'];
  body?: z.ZodType;
}

const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: problem } } });

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests, so it cannot drift from
 * what the server accepts.
 */
export function buildOpenApiDocument(): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  registry.registerPath({
    method: 'get', path: '/api/v1/health', summary: 'Database mode and PostGIS version',
    responses: { 200: { description: 'healthy', content: { 'application/json': { schema: z.object({ status: z.string() }) } } } },
  });
  for (const layer of Object.values(LAYERS)) {
    const geometry = geometryUnionFor(layer.accepts);
    const createProps = propertiesSchema(layer, 'create');
    const feature = z.object({
      type: z.literal('Feature'), id: z.number().int(), geometry,
      properties: createProps.extend({ version: z.number().int(), created_at: z.string(), updated_at: z.string() }),
    }).meta({ id: `${layer.table}Feature` });
    const idParam = z.object({ id: z.number().int().positive() });
    const tag = layer.name;
    registry.registerPath({
      method: 'get', path: `/api/v1/${layer.name}`, tags: [tag], summary: `List ${layer.name} as GeoJSON`,
      request: { query: z.object({ bbox: z.string().optional().meta({ description: 'minLon,minLat,maxLon,maxLat' }),
        limit: z.number().int().optional(), offset: z.number().int().optional() }) },
      responses: {
        200: { description: 'FeatureCollection with numberMatched, numberReturned and a next link',
          content: { 'application/geo+json': { schema: z.object({ type: z.literal('FeatureCollection'), features: z.array(feature),
            numberMatched: z.number().int(), numberReturned: z.number().int() }) } } },
        400: problemResponse('bad query'),
      },
    });
    registry.registerPath({
      method: 'post', path: `/api/v1/${layer.name}`, tags: [tag], summary: `Create one ${layer.table}`,
      request: { body: { content: { 'application/json': { schema: z.object({ type: z.literal('Feature'), geometry, properties: createProps }) } } } },
      responses: { 201: { description: 'created', content: { 'application/geo+json': { schema: feature } } },
        400: problemResponse('invalid body'), 409: problemResponse('code taken'), 422: problemResponse('invalid geometry or reference') },
    });
    registry.registerPath({
      method: 'get', path: `/api/v1/${layer.name}/{id}`, tags: [tag], summary: `One ${layer.table}`, request: { params: idParam },
      responses: { 200: { description: 'the feature', content: { 'application/geo+json': { schema: feature } } }, 404: problemResponse('no such feature') },
    });
    registry.registerPath({
      method: 'patch', path: `/api/v1/${layer.name}/{id}`, tags: [tag], summary: `Edit one ${layer.table} (versioned)`,
      request: { params: idParam, body: { content: { 'application/json': { schema: z.object({
        version: z.number().int().meta({ description: 'the version the edit is based on (or If-Match)' }),
        geometry: geometry.optional(), properties: propertiesSchema(layer, 'update').optional() }) } } } },
      responses: { 200: { description: 'the edited feature', content: { 'application/geo+json': { schema: feature } } },
        400: problemResponse('invalid body'), 404: problemResponse('no such feature'), 409: problemResponse('stale version: currentVersion tells the current one'),
        422: problemResponse('invalid geometry') },
    });
    registry.registerPath({
      method: 'delete', path: `/api/v1/${layer.name}/{id}`, tags: [tag], summary: `Delete one ${layer.table} (versioned)`,
      request: { params: idParam },
      responses: { 204: { description: 'deleted' }, 404: problemResponse('no such feature'), 409: problemResponse('stale version') },
    });
  }
  const groups: [string, readonly PathEntry[]][] = [
    ['incident analysis', INCIDENT_ANALYSIS_PATHS], ['coverage', ANALYSIS_PATHS], ['routing', ROUTING_PATHS], ['jobs', JOB_PATHS],
  ];
  for (const [tag, entries] of groups) {
    for (const e of entries) {
      registry.registerPath({
        method: e.method, path: e.path, tags: [tag], summary: e.summary,
        request: {
          ...('query' in e && e.query ? { query: e.query } : {}), ...('params' in e && e.params ? { params: e.params } : {}),
          ...('body' in e && e.body ? { body: { content: { 'application/json': { schema: e.body } } } } : {}),
        },
        responses: { 200: { description: 'the result' }, 400: problemResponse('bad query or body, with the field path') },
      });
    }
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'gridpatrol API', version: '1', description: 'Grids, beats, cameras, incidents and patrol planning on PostGIS' },
    servers: [{ url: '/' }],
  });
}
