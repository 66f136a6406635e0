import type { Queryable } from '../client.js';
import type { Role } from '../../auth/policy.js';
import { writeAudit } from './audit.repo.js';

export interface UserRow {
  id: number;
  username: string;
  displayName: string | null;
  role: Role;
  stationId: number | null;
  disabled: boolean;
}

interface StoredUser extends UserRow {
  passwordHash: string;
  failedAttempts: number;
  lockedUntil: Date | null;
}

const USER_COLUMNS = `id::int AS id, username, display_name AS "displayName", role, station_id::int AS "stationId", disabled`;

export async function findUserForSignIn(tx: Queryable, username: string): Promise<StoredUser | undefined> {
  const [u] = await tx.query<StoredUser>(
    `SELECT ${USER_COLUMNS}, password_hash AS "passwordHash", failed_attempts AS "failedAttempts", locked_until AS "lockedUntil"
     FROM app_user WHERE username = $1 FOR UPDATE`,
    [username],
  );
  return u ? { ...u, lockedUntil: u.lockedUntil ? new Date(u.lockedUntil) : null } : undefined;
}

export async function listUsers(tx: Queryable): Promise<UserRow[]> {
  return tx.query<UserRow>(`SELECT ${USER_COLUMNS} FROM app_user ORDER BY username`);
}

/** The first station (lowest id), if there is one: the demo planner's. */
export async function firstStationId(tx: Queryable): Promise<number | null> {
  return (await tx.query<{ id: number }>('SELECT id::int AS id FROM station ORDER BY id LIMIT 1'))[0]?.id ?? null;
}

export async function countUsers(tx: Queryable): Promise<number> {
  return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM app_user'))[0]?.n ?? 0;
}

export async function insertUser(
  tx: Queryable,
  u: { username: string; displayName?: string | null; role: Role; stationId?: number | null; passwordHash: string },
): Promise<UserRow> {
  const [row] = await tx.query<UserRow>(
    `INSERT INTO app_user (username, display_name, role, station_id, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING ${USER_COLUMNS}`,
    [u.username, u.displayName ?? null, u.role, u.stationId ?? null, u.passwordHash],
  );
  return row as UserRow;
}

export async function updateUser(
  tx: Queryable,
  id: number,
  change: {
    role?: Role;
    stationId?: number | null;
    displayName?: string | null;
    passwordHash?: string;
    disabled?: boolean;
  },
): Promise<UserRow | undefined> {
  const [row] = await tx.query<UserRow>(
    `UPDATE app_user SET role = coalesce($2, role), station_id = CASE WHEN $3::boolean THEN $4::bigint ELSE station_id END,
       display_name = CASE WHEN $5::boolean THEN $6 ELSE display_name END, password_hash = coalesce($7, password_hash),
       disabled = coalesce($8, disabled), failed_attempts = CASE WHEN $7 IS NULL THEN failed_attempts ELSE 0 END,
       locked_until = CASE WHEN $7 IS NULL THEN locked_until ELSE NULL END, updated_at = now()
     WHERE id = $1 RETURNING ${USER_COLUMNS}`,
    [
      id,
      change.role ?? null,
      'stationId' in change,
      change.stationId ?? null,
      'displayName' in change,
      change.displayName ?? null,
      change.passwordHash ?? null,
      change.disabled ?? null,
    ],
  );
  if (row && (change.disabled || change.passwordHash || change.role))
    await tx.query('DELETE FROM user_session WHERE user_id = $1', [id]);
  return row;
}

/** A failed sign-in: counts it and locks the account for `lockMinutes` at `maxFailures`. Answers whether it is now locked. */
export async function recordFailedSignIn(
  tx: Queryable,
  id: number,
  maxFailures: number,
  lockMinutes: number,
): Promise<boolean> {
  const [r] = await tx.query<{ locked: boolean }>(
    `UPDATE app_user SET failed_attempts = failed_attempts + 1,
       locked_until = CASE WHEN failed_attempts + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
     WHERE id = $1 RETURNING locked_until IS NOT NULL AND locked_until > now() AS locked`,
    [id, maxFailures, lockMinutes],
  );
  return r?.locked ?? false;
}

export async function clearFailures(tx: Queryable, id: number): Promise<void> {
  await tx.query('UPDATE app_user SET failed_attempts = 0, locked_until = NULL WHERE id = $1', [id]);
}

export async function insertSession(tx: Queryable, tokenHash: string, userId: number, hours: number): Promise<void> {
  await tx.query(
    `INSERT INTO user_session (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3))`,
    [tokenHash, userId, hours],
  );
}

export async function sessionUser(tx: Queryable, tokenHash: string): Promise<UserRow | undefined> {
  const [u] = await tx.query<UserRow>(
    `SELECT u.id::int AS id, u.username, u.display_name AS "displayName", u.role, u.station_id::int AS "stationId", u.disabled
     FROM user_session s JOIN app_user u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled`,
    [tokenHash],
  );
  return u;
}

export async function deleteSession(tx: Queryable, tokenHash: string): Promise<void> {
  await tx.query('DELETE FROM user_session WHERE token_hash = $1', [tokenHash]);
}

export async function auditUser(
  tx: Queryable,
  actor: string,
  userId: number | null,
  action: 'sign_in' | 'sign_out' | 'sign_in_failed' | 'locked' | 'create' | 'update',
  after: unknown = null,
): Promise<void> {
  await writeAudit(tx, {
    actor,
    entity: 'app_user',
    entityId: userId === null ? null : String(userId),
    action,
    after: after === null ? undefined : after,
  });
}
