import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { can, type Permission } from '../auth/policy.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import type { SignedInUser } from '../services/auth.service.js';
import { fieldLocator, withFieldsLocated } from './field-paths.js';
import { refuseNulCharacters } from './middleware/text-guard.js';
import { parseOrThrow } from './validate.js';

/**
 * Who may call a route: `public` (anyone, e.g. health and signing in), `signed_in` (any role, e.g. signing out), or a
 * permission of the signed-in user's role (auth/policy.ts).
 */
export type Access = Permission | 'public' | 'signed_in';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Error answers worth documenting beyond the 400/401/403 every route can give. */
export type ProblemStatus = 404 | 409 | 413 | 422 | 423 | 429 | 503;

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  method: HttpMethod;
  /** Express path relative to the router's mount point, e.g. `/grids/:code/split`. */
  path: string;
  permission: Access;
  summary: string;
  request?: {
    params?: P;
    query?: Q;
    body?: B;
    /** Prefix of body field paths in problems ('' by default: `grids[0].geometry`). */
    bodyPath?: string;
  };
  /** The success answer: its schema (omitted for 204 or binary answers) and media type. */
  response: { status?: number; schema?: R; contentType?: string; description?: string };
  problems?: Partial<Record<ProblemStatus, string>>;
  /** `raw`: the body is the uploaded file as bytes (no JSON parsing); `json` by default. */
  body?: { kind: 'json'; limit?: string } | { kind: 'raw'; limit: number };
  /** Middleware between the permission check and validation, e.g. a rate limit. */
  before?: readonly RequestHandler[];
}

/** A route as the OpenAPI document lists it (the schemas are the ones that validate). */
export interface RouteDoc {
  method: HttpMethod;
  /** Full path, e.g. `/api/v1/grids/{code}/split`. */
  path: string;
  permission: Access;
  summary: string;
  tag: string;
  request: { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType; rawBody?: boolean };
  response: { status: number; schema?: z.ZodType; contentType: string; description: string };
  problems: Partial<Record<ProblemStatus, string>>;
}

export interface RouteContext {
  req: Request;
  res: Response;
  /** The signed-in user; undefined only on `public` routes. */
  user: SignedInUser | undefined;
  /** Who is acting, for audit rows: the signed-in user's name. */
  actor: string;
}

/** Returned by a handler that wrote the answer itself (binary tiles, GPX, 204, 304). */
export const SENT: unique symbol = Symbol('sent');

type Input<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> = {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
};
export type Handler<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> = (
  input: Input<P, Q, B>,
  ctx: RouteContext,
) => Promise<z.input<R> | typeof SENT> | z.input<R> | typeof SENT;

/** The permission check of one route, run once Express has matched it (so it is the route's own permission). */
export function requireAccess(access: Access, method: string, docPath: string): RequestHandler {
  return (req, _res, next) => {
    if (access === 'public') {
      next();
      return;
    }
    const user = req.user;
    if (!user) throw new UnauthorizedError('Sign in first', [{ path: 'cookie', message: 'no valid session' }]);
    if (access !== 'signed_in' && !can(user.role, access)) {
      throw new ForbiddenError(
        `The ${user.role} role may not ${method.toUpperCase()} ${docPath}`,
        [{ path: 'role', message: `needs ${access}` }],
        { role: user.role, permission: access },
      );
    }
    next();
  };
}

const toOpenApiPath = (expressPath: string): string => expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');

/**
 * A group of routes on one Express router (strict, case-sensitive: `/Accept`, `/accept/` and `%61ccept` match
 * nothing and fall through to the 404), each mounted and documented by `add`: permission → body parsing → zod
 * validation of params, query and body → the handler (one service call) → the answer.
 */
export class RouteGroup {
  readonly router = Router({ strict: true, caseSensitive: true });
  readonly docs: RouteDoc[] = [];
  constructor(
    readonly tag: string,
    readonly mountPath: '/api/v1' | '/tiles' = '/api/v1',
  ) {}

  add<
    P extends z.ZodType = z.ZodUndefined,
    Q extends z.ZodType = z.ZodUndefined,
    B extends z.ZodType = z.ZodUndefined,
    R extends z.ZodType = z.ZodUnknown,
  >(spec: RouteSpec<P, Q, B, R>, handler: Handler<P, Q, B, R>): this {
    const docPath = this.mountPath + toOpenApiPath(spec.path);
    const status = spec.response.status ?? (spec.method === 'post' ? 201 : 200);
    const parse: RequestHandler =
      spec.body?.kind === 'raw'
        ? express.raw({ type: () => true, limit: spec.body.limit })
        : // GeoJSON's own type (RFC 7946 `application/geo+json`, what GIS tools send) and other `+json` types are JSON too.
          express.json({ limit: spec.body?.limit ?? '10mb', type: ['application/json', 'application/*+json'] });
    const { params, query, body } = spec.request ?? {};
    // A service names fields as its use case knows them; here they get the place this route takes them from.
    const pathOf = fieldLocator({ ...spec.request, rawBody: spec.body?.kind === 'raw' });
    const run: RequestHandler = async (req, res) => {
      const input = {
        params: params ? parseOrThrow(params, req.params, 'path') : undefined,
        query: query ? parseOrThrow(query, req.query, 'query', 'query') : undefined,
        body: body ? parseOrThrow(body, req.body ?? {}, 'request body', spec.request?.bodyPath ?? '') : req.body,
      } as Input<P, Q, B>;
      const ctx = { req, res, user: req.user, actor: req.user?.username ?? 'anonymous' };
      const out = await withFieldsLocated(pathOf, async () => handler(input, ctx));
      if (out === SENT) return;
      res.status(status);
      if (spec.response.contentType) res.type(spec.response.contentType);
      res.json(out);
    };
    this.router[spec.method](
      spec.path,
      requireAccess(spec.permission, spec.method, docPath),
      ...(spec.before ?? []),
      parse,
      ...(spec.body?.kind === 'raw' ? [] : [refuseNulCharacters]),
      run,
    );
    this.docs.push({
      method: spec.method,
      path: docPath,
      permission: spec.permission,
      summary: spec.summary,
      tag: this.tag,
      request: {
        ...(params ? { params } : {}),
        ...(query ? { query } : {}),
        ...(body ? { body } : {}),
        ...(spec.body?.kind === 'raw' ? { rawBody: true } : {}),
      },
      response: {
        status,
        ...(spec.response.schema ? { schema: spec.response.schema } : {}),
        contentType: spec.response.contentType ?? 'application/json',
        description: spec.response.description ?? 'the result',
      },
      problems: spec.problems ?? {},
    });
    return this;
  }
}
