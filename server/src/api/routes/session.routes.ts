import type { Db } from '../../db/client.js';
import { importLayersOf, permissionsOf } from '../../auth/policy.js';
import {
  newUserBody,
  sessionAnswer,
  signInBody,
  userAccount,
  userChangeBody,
  userIdParams,
  usersAnswer,
} from '../../contract/session.js';
import {
  changeUser,
  createUser,
  listUserAccounts,
  SESSION_HOURS,
  signIn,
  signOut,
} from '../../services/auth.service.js';
import { NotFoundError } from '../../errors.js';
import type { SignedInUser } from '../../services/auth.service.js';
import { localTimeZone } from '../../local-clock.js';
import { clearSessionCookie, limitRate, setSessionCookie } from '../middleware/auth.js';
import { RouteGroup, SENT } from '../route.js';

/** What a session answers (sign-in and GET /session): the user, what the role may do and import, the local zone. */
const sessionOf = (user: SignedInUser) => ({
  user,
  permissions: [...permissionsOf(user.role)],
  importLayers: [...importLayersOf(user.role)],
  timeZone: localTimeZone(),
});

/** Sign-in (POST /session), who am I (GET), sign-out (DELETE), and user accounts for admins (/users). */
export function sessionRoutes(db: Db): RouteGroup {
  return new RouteGroup('session')
    .add(
      {
        method: 'post',
        path: '/session',
        permission: 'public',
        summary: 'Sign in: sets the session cookie (HttpOnly, SameSite=Strict)',
        request: { body: signInBody },
        response: { status: 200, schema: sessionAnswer },
        problems: { 423: 'account locked (lockedUntil)', 429: 'too many sign-in attempts from this address' },
        // 20 sign-in attempts per address per 15 minutes, on top of the per-account lockout.
        before: [limitRate(15 * 60_000, 20, 'sign-in attempts')],
      },
      async ({ body }, { req, res }) => {
        const { token, user } = await signIn(db, body.username, body.password);
        setSessionCookie(req, res, token, SESSION_HOURS * 3600_000);
        return sessionOf(user);
      },
    )
    .add(
      {
        method: 'get',
        path: '/session',
        permission: 'signed_in',
        summary: 'The signed-in user and what the role may do',
        response: { schema: sessionAnswer },
      },
      (_in, { user }) => {
        if (!user) throw new NotFoundError('No session');
        return sessionOf(user);
      },
    )
    .add(
      {
        method: 'delete',
        path: '/session',
        permission: 'signed_in',
        summary: 'Sign out',
        response: { status: 204, description: 'signed out' },
      },
      async (_in, { req, res, user }) => {
        if (user && req.sessionToken) await signOut(db, req.sessionToken, user);
        clearSessionCookie(req, res);
        res.status(204).end();
        return SENT;
      },
    )
    .add(
      {
        method: 'get',
        path: '/users',
        permission: 'users',
        summary: 'Every user account',
        response: { schema: usersAnswer },
      },
      async () => ({ users: await listUserAccounts(db) }),
    )
    .add(
      {
        method: 'post',
        path: '/users',
        permission: 'users',
        summary: 'Create a user account (argon2id password hash)',
        request: { body: newUserBody },
        response: { schema: userAccount },
        problems: { 409: 'username taken', 422: 'password too short' },
      },
      ({ body }, { actor }) =>
        createUser(db, actor, { ...body, stationId: body.stationId ?? null, displayName: body.displayName ?? null }),
    )
    .add(
      {
        method: 'patch',
        path: '/users/:id',
        permission: 'users',
        summary: 'Change a role, station, name or password; disable or unlock',
        request: { params: userIdParams, body: userChangeBody },
        response: { schema: userAccount },
        problems: { 404: 'no such user' },
      },
      async ({ params, body }, { actor }) => {
        const row = await changeUser(
          db,
          actor,
          params.id,
          Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)),
        );
        if (!row) throw new NotFoundError(`No user ${params.id}`);
        return row;
      },
    );
}
