import type { Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Db } from '../../db/client.js';
import { userOfSession, type SignedInUser } from '../../services/auth.service.js';
import { sendProblem } from './error-handler.js';

declare global {
  // Express's own extension point for what middleware puts on a request.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      user?: SignedInUser;
      sessionToken?: string;
    }
  }
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
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure,
    path: '/',
    maxAge: maxAgeMs,
  });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
}

/**
 * Who is calling: the signed-in user from the session cookie, when there is a valid one. Never refuses: each route
 * checks its own permission once Express has matched it (api/route.ts), so an unknown path is a 404 for everyone.
 */
export function attachUser(db: Db): RequestHandler {
  return async (req, _res, next) => {
    const token = sessionTokenOf(req);
    const user = token ? await userOfSession(db, token) : undefined;
    if (user && token) {
      req.user = user;
      req.sessionToken = token;
    }
    next();
  };
}

/** Rate limit per client address, answered as problem+json 429. */
export function limitRate(windowMs: number, limit: number, what: string): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) =>
      sendProblem(res, {
        type: 'https://gridpatrol.dev/problems/too-many-requests',
        title: `Too many ${what}; wait and try again`,
        status: 429,
        code: 'rate.limited',
        instance: req.originalUrl,
      }),
  });
}
