import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { problemSchema } from '../contract/common.js';
import type { RouteDoc } from './route.js';

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});

/** JSON media types: `application/json` and the `+json` ones (problem+json, geo+json). */
export const isJsonMediaType = (type: string): boolean => /^application\/(.+\+)?json(;|$)/.test(type);

/**
 * The success answer's content: its schema; a file or stream (tiles, CSV, GPX, events) as bytes of its media type;
 * none for 204. A JSON answer without a schema is listed without content (server/test/api/features.test.ts, "OpenAPI document",
 * fails on it).
 */
function answerContent(a: RouteDoc['response']) {
  if (a.schema) return { content: { [a.contentType]: { schema: a.schema } } };
  if (a.status === 204 || isJsonMediaType(a.contentType)) return {};
  return { content: { [a.contentType]: { schema: { type: 'string' as const, format: 'binary' } } } };
}

/**
 * The OpenAPI 3.1 document, generated from the routes as mounted (api/route.ts): the same zod schemas that validate
 * requests, the answers' schemas, and each route's permission (`x-permission`), so it cannot drift from the server.
 */
export function buildOpenApiDocument(routes: readonly RouteDoc[]): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'gp_session' });
  for (const r of routes) {
    const { params, query, body, rawBody } = r.request;
    const signedIn = r.permission !== 'public';
    registry.registerPath({
      method: r.method,
      path: r.path,
      tags: [r.tag],
      summary: r.summary,
      description:
        r.permission === 'public'
          ? 'Anyone may call this.'
          : r.permission === 'signed_in'
            ? 'Any signed-in user.'
            : `Needs the \`${r.permission}\` permission.`,
      'x-permission': r.permission,
      ...(signedIn ? { security: [{ session: [] }] } : {}),
      request: {
        ...(params ? { params: params as never } : {}),
        ...(query ? { query: query as never } : {}),
        ...(body ? { body: { content: { 'application/json': { schema: body } } } } : {}),
        ...(rawBody
          ? { body: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } } }
          : {}),
      },
      responses: {
        [r.response.status]: { description: r.response.description, ...answerContent(r.response) },
        ...(r.request.params || r.request.query || r.request.body
          ? { 400: problemResponse('bad path, query or body, with the field paths') }
          : {}),
        ...(signedIn ? { 401: problemResponse('not signed in') } : {}),
        ...(signedIn && r.permission !== 'signed_in' ? { 403: problemResponse(`the role lacks ${r.permission}`) } : {}),
        ...Object.fromEntries(Object.entries(r.problems).map(([status, d]) => [status, problemResponse(d)])),
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'gridpatrol API',
      version: '1',
      description:
        'Grids, beats, cameras, incidents and patrol planning on PostGIS. Errors are RFC 9457 problem+json with a stable `code`.',
    },
    servers: [{ url: '/' }],
  });
}
