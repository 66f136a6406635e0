import type { RequestHandler } from 'express';
import type { FairUse } from '../../services/fair-use.js';
import { sendProblem } from './error-handler.js';

/**
 * The heavy synchronous analyses (paths under /api/v1) that fair use admits: whole-area computations, searches and
 * plans. Vector tiles of camera views are left out (a map asks for many at once; each is small).
 */
const HEAVY: readonly RegExp[] = [
  /^\/analysis\/(?!camera-views\/\d+\/)/i,
  /^\/routing\//i,
  /^\/planning\//i,
  /^\/grades\/compute\/?$/i,
  /^\/incidents\/(hotspots|trends|near-repeat)\/?$/i,
  /^\/hotspots(\/|$)/i,
];

export const isHeavyAnalysis = (path: string): boolean => HEAVY.some((r) => r.test(path));

/**
 * Admits a heavy request through `fairUse` for the signed-in user (mounted after sign-in), or answers 429
 * problem+json with `Retry-After`. The run ends when the response is finished or the client goes away.
 */
export function fairUseGate(fairUse: FairUse): RequestHandler {
  return (req, res, next) => {
    if (!req.user || !isHeavyAnalysis(req.path)) {
      next();
      return;
    }
    const a = fairUse.admit(`user:${req.user.id}`);
    if (a.kind === 'refused') {
      res.set('Retry-After', String(a.retryAfterS));
      sendProblem(res, {
        type: 'https://gridpatrol.dev/problems/too-many-requests',
        title: 'Too many analyses; wait and try again',
        status: 429,
        code: 'fair_use.limited',
        detail: a.detail,
        instance: req.originalUrl,
        reason: a.reason,
        retryAfterSeconds: a.retryAfterS,
      });
      return;
    }
    res.once('close', () => a.ticket.release());
    next();
  };
}
