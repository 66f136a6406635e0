import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { listUsers } from '../../db/repos/users.repo.js';
import { ROLES, permissionsOf } from '../../auth/policy.js';
import { changeUser, createUser, SESSION_HOURS, signIn, signOut } from '../../services/auth.service.js';
import { NotFoundError } from '../../errors.js';
import { parseOrThrow } from '../contract/features.js';
import { clearSessionCookie, limitRate, setSessionCookie } from '../middleware/auth.js';

const username = z.string().regex(/^[A-Za-z0-9_.-]{2,40}$/, '2–40 letters, digits, _ . -');
const signInBody = z.strictObject({ username, password: z.string().min(1).max(200) });
const role = z.enum(ROLES);
const stationId = z.number().int().positive().nullable();
const newUser = z.strictObject({ username, role, password: z.string().max(200), stationId: stationId.optional(), displayName: z.string().min(1).max(100).nullable().optional() });
const userChange = z.strictObject({ role: role.optional(), password: z.string().max(200).optional(), stationId: stationId.optional(),
  displayName: z.string().min(1).max(100).nullable().optional(), disabled: z.boolean().optional() });
const userId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Sign-in (POST /session), who am I (GET), sign-out (DELETE), and user accounts for admins (/users). */
export function sessionRoutes(db: Db): Router {
  const router = Router();
  // 20 sign-in attempts per address per 15 minutes, on top of the per-account lockout.
  router.post('/session', limitRate(15 * 60_000, 20, 'sign-in attempts'), async (req, res) => {
    const b = parseOrThrow(signInBody, req.body, 'sign-in');
    const { token, user } = await signIn(db, b.username, b.password);
    setSessionCookie(req, res, token, SESSION_HOURS * 3600_000);
    res.json({ user, permissions: permissionsOf(user.role) });
  });
  router.get('/session', (req, res) => {
    const user = req.user;
    if (!user) throw new NotFoundError('No session');
    res.json({ user, permissions: permissionsOf(user.role) });
  });
  router.delete('/session', async (req, res) => {
    if (req.user && req.sessionToken) await signOut(db, req.sessionToken, req.user);
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  router.get('/users', async (_req, res) => { res.json({ users: await listUsers(db) }); });
  router.post('/users', async (req, res) => {
    const b = parseOrThrow(newUser, req.body, 'user');
    res.status(201).json(await createUser(db, req.user?.username ?? 'anonymous', { ...b, stationId: b.stationId ?? null, displayName: b.displayName ?? null }));
  });
  router.patch('/users/:id', async (req, res) => {
    const id = parseOrThrow(userId, req.params.id, 'user id', 'id');
    const b = parseOrThrow(userChange, req.body, 'user change');
    const row = await changeUser(db, req.user?.username ?? 'anonymous', id, Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)));
    if (!row) throw new NotFoundError(`No user ${id}`);
    res.json(row);
  });
  return router;
}
