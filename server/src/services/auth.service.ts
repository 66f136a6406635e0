import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Db, Queryable } from '../db/client.js';
import {
  auditUser,
  clearFailures,
  countUsers,
  firstStationId,
  listUsers,
  deleteSession,
  findUserForSignIn,
  insertSession,
  insertUser,
  recordFailedSignIn,
  sessionUser,
  updateUser,
  type UserRow,
} from '../db/repos/users.repo.js';
import type { Role } from '../auth/policy.js';
import { ConflictError, LockedError, UnauthorizedError, UnprocessableError } from '../errors.js';
import { phantomLockoutFor } from './sign-in-lockout.js';
import { SessionCache } from './session-cache.js';

/** Failed sign-ins before the account locks, and for how long. */
export const MAX_FAILED_SIGN_INS = 5;
export const LOCK_MINUTES = 15;
export const SESSION_HOURS = 12;
export const MIN_PASSWORD_LENGTH = 10;

export type SignedInUser = UserRow;

const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

// Unknown usernames still cost one verification, so timing does not tell which usernames exist.
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hash(randomBytes(16).toString('hex')));

export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new UnprocessableError(
      `Password too short (at least ${MIN_PASSWORD_LENGTH} characters)`,
      [{ path: 'password', message: `at least ${MIN_PASSWORD_LENGTH} characters` }],
      { code: 'password.too_short' },
    );
  }
  // argon2id with the library's defaults (m = 19 MiB, t = 2, p = 1: the OWASP minimum).
  return hash(password);
}

/**
 * Checks a username and password. Success: a new session token (random 32 bytes; only its hash is stored).
 * Failure: 401 with one message whatever was wrong; after MAX_FAILED_SIGN_INS the account locks (423) for LOCK_MINUTES.
 */
export async function signIn(
  db: Db,
  username: string,
  password: string,
): Promise<{ token: string; user: SignedInUser }> {
  // Verification runs outside the transaction: argon2 takes ~50 ms and must not hold the row lock.
  const peek = await findUserForSignIn(db, username);
  const ok =
    peek && !peek.disabled
      ? await verify(peek.passwordHash, password).catch(() => false)
      : (await verify(await dummy(), password), false);
  // The outcome is decided and audited in one committed transaction, then refused outside it (a throw would roll
  // back the failure count).
  type Outcome =
    | { kind: 'ok'; token: string; user: SignedInUser }
    | { kind: 'refused' }
    | { kind: 'locked'; until: Date };
  const outcome = await db.transaction(async (tx): Promise<Outcome> => {
    const u = await findUserForSignIn(tx, username);
    if (!u || u.disabled) {
      // No usable account: counted and locked exactly like one (services/sign-in-lockout.ts), so no answer tells.
      const phantoms = phantomLockoutFor(db),
        now = Date.now();
      const until = phantoms.lockedUntil(username, now);
      if (until) {
        await auditUser(tx, username.slice(0, 40), null, 'sign_in_failed', { locked: true });
        return { kind: 'locked', until };
      }
      const locked = phantoms.fail(username, now, MAX_FAILED_SIGN_INS, LOCK_MINUTES * 60_000);
      await auditUser(tx, username.slice(0, 40), null, locked ? 'locked' : 'sign_in_failed');
      return { kind: 'refused' };
    }
    if (u.lockedUntil && u.lockedUntil > new Date()) {
      await auditUser(tx, u.username, u.id, 'sign_in_failed', { locked: true });
      return { kind: 'locked', until: u.lockedUntil };
    }
    if (!ok || peek?.id !== u.id) {
      const locked = await recordFailedSignIn(tx, u.id, MAX_FAILED_SIGN_INS, LOCK_MINUTES);
      await auditUser(tx, u.username, u.id, locked ? 'locked' : 'sign_in_failed');
      return { kind: 'refused' };
    }
    await clearFailures(tx, u.id);
    const token = randomBytes(32).toString('base64url');
    await insertSession(tx, tokenHash(token), u.id, SESSION_HOURS);
    await auditUser(tx, u.username, u.id, 'sign_in');
    const { passwordHash: _h, failedAttempts: _f, lockedUntil: _l, ...user } = u;
    return { kind: 'ok', token, user };
  });
  if (outcome.kind === 'locked') {
    throw new LockedError(
      `Account locked after ${MAX_FAILED_SIGN_INS} failed sign-ins; try again after ${outcome.until.toISOString()}`,
      [],
      { lockedUntil: outcome.until.toISOString() },
    );
  }
  if (outcome.kind === 'refused')
    throw new UnauthorizedError('Wrong username or password', [], { code: 'auth.wrong_credentials' });
  return { token: outcome.token, user: outcome.user };
}

/** One session cache per database (one per app: tests open several in a process). */
const sessionCaches = new WeakMap<Queryable, SessionCache>();
function sessionCacheOf(db: Queryable): SessionCache {
  let cache = sessionCaches.get(db);
  if (!cache) {
    cache = new SessionCache((hash) => sessionUser(db, hash));
    sessionCaches.set(db, cache);
  }
  return cache;
}

/** The signed-in user of a session token, from a few seconds' memory when it was read a moment ago (session-cache.ts). */
export async function userOfSession(db: Queryable, token: string): Promise<SignedInUser | undefined> {
  return sessionCacheOf(db).userOf(tokenHash(token));
}

export async function signOut(db: Db, token: string, user: SignedInUser): Promise<void> {
  await db.transaction(async (tx) => {
    await deleteSession(tx, tokenHash(token));
    await auditUser(tx, user.username, user.id, 'sign_out');
  });
  sessionCacheOf(db).forgetSession(tokenHash(token));
}

/** Every user account, by username. */
export async function listUserAccounts(db: Queryable): Promise<UserRow[]> {
  return listUsers(db);
}

export async function createUser(
  db: Db,
  actor: string,
  u: { username: string; role: Role; password: string; stationId?: number | null; displayName?: string | null },
): Promise<UserRow> {
  const passwordHash = await hashPassword(u.password);
  return db.transaction(async (tx) => {
    if (await findUserForSignIn(tx, u.username))
      throw new ConflictError(`User ${u.username} exists`, [{ path: 'username', message: 'taken' }]);
    const row = await insertUser(tx, { ...u, passwordHash });
    await auditUser(tx, actor, row.id, 'create', row);
    return row;
  });
}

export async function changeUser(
  db: Db,
  actor: string,
  id: number,
  change: {
    role?: Role;
    stationId?: number | null;
    displayName?: string | null;
    password?: string;
    disabled?: boolean;
  },
): Promise<UserRow | undefined> {
  const { password, ...rest } = change;
  const passwordHash = password === undefined ? undefined : await hashPassword(password);
  return db
    .transaction(async (tx) => {
      const row = await updateUser(tx, id, { ...rest, ...(passwordHash ? { passwordHash } : {}) });
      if (row) await auditUser(tx, actor, id, 'update', row);
      return row;
    })
    .finally(() => sessionCacheOf(db).forgetUser(id));
}

/** The first admin from the environment (GRIDPATROL_ADMIN_USER / _PASSWORD) when that user does not exist yet. */
export async function ensureAdminFromEnv(
  db: Db,
  username: string | undefined,
  password: string | undefined,
): Promise<UserRow | undefined> {
  if (!username || !password) return undefined;
  if (await findUserForSignIn(db, username)) return undefined;
  return createUser(db, 'environment', { username, role: 'admin', password });
}

/**
 * The demo city's accounts, made once when the database has no user at all: one per role, each with a random
 * password the caller prints once (there is no default password anywhere).
 */
export async function createDemoUsers(db: Db): Promise<{ username: string; role: Role; password: string }[]> {
  if ((await countUsers(db)) > 0) return [];
  const out: { username: string; role: Role; password: string }[] = [];
  // A planner edits only their station's beats (services/scope.service.ts): the demo planner plans the first station.
  const station = await firstStationId(db);
  for (const role of ['admin', 'leader', 'planner', 'grid_office'] as const) {
    const password = randomBytes(12).toString('base64url');
    await createUser(db, 'demo-city', {
      username: `demo-${role.replace('_', '-')}`,
      role,
      password,
      stationId: role === 'planner' ? station : null,
    });
    out.push({ username: `demo-${role.replace('_', '-')}`, role, password });
  }
  return out;
}
