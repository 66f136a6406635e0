import type { Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Db } from '../../db/client.js';
import { can, permissionFor } from '../../auth/policy.js';
import { userOfSession, type SignedInUser } from '../../services/auth.service.js';
import { ForbiddenError, UnauthorizedError } from '../../errors.js';
import { sendProblem } from './error-handler.js';

declare global {
  // Express's own extension point for what middleware puts on a request.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express { interface Request { user?: SignedInUser; sessionToken?: string } }
}

export const SESSION_COOKIE = 'gp_session';

/** The session token from the Cookie header (one cookie of ours; no cookie library needed for that). */
export function sessionTokenOf(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === SESSION_COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function setSessionCookie(req: Request, res: Response, token: string, maxAgeMs: number): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', maxAge: maxAgeMs });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
}

/** Paths under /api/v1 anyone may call: liveness, and signing in. */
const PUBLIC: readonly { method: string; path: string }[] = [
  { method: 'GET', path: '/health' }, { method: 'POST', path: '/session' },
];

/**
 * Every API and tile request: the signed-in user from the session cookie (401 without one), then the permission the
 * route needs for the user's role (403 without it). `base` is where the guarded router is mounted.
 */
export function requireSignIn(db: Db, base: '/api/v1' | '/tiles' | '/api/openapi.json'): RequestHandler {
  return async (req, _res, next) => {
    const token = sessionTokenOf(req);
    const user = token ? await userOfSession(db, token) : undefined;
    if (base === '/api/v1' && PUBLIC.some((p) => p.method === req.method && p.path === req.path)) {
      // Public, but a signed-in caller is still known (health tells signed-in users more).
      if (user && token) { req.user = user; req.sessionToken = token; }
      next();
      return;
    }
    if (!user || !token) throw new UnauthorizedError('Sign in first', [{ path: 'cookie', message: 'no valid session' }]);
    req.user = user;
    req.sessionToken = token;
    const needed = base === '/api/v1' ? permissionFor(req.method, req.path) : 'read';
    if (!can(user.role, needed)) {
      throw new ForbiddenError(`The ${user.role} role may not ${req.method} ${base}${req.path}`, [{ path: 'role', message: `needs ${needed}` }],
        { role: user.role, permission: needed });
    }
    next();
  };
}

/** Rate limit per client address, answered as problem+json 429. */
export function limitRate(windowMs: number, limit: number, what: string): RequestHandler {
  return rateLimit({
    windowMs, limit, standardHeaders: 'draft-8', legacyHeaders: false,
    handler: (req, res) => sendProblem(res, {
      type: 'https://gridpatrol.dev/problems/too-many-requests', title: `Too many ${what}; wait and try again`, status: 429, instance: req.originalUrl,
    }),
  });
}
