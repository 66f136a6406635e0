import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/auth/policy.js';
import type { Db } from '../../src/db/client.js';
import { createUser } from '../../src/services/auth.service.js';

/**
 * A new user of this role (random password) signed in through the app at `base`: the session cookie (`gp_session=…`)
 * and the password. For tests and benches, which need a session for every API and tile call.
 */
export async function createAndSignIn(
  base: string,
  db: Db,
  username: string,
  role: Role,
  stationId: number | null = null,
): Promise<{ cookie: string; password: string }> {
  const password = randomBytes(12).toString('base64url');
  await createUser(db, 'test', { username, role, password, stationId });
  const res = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  if (res.status !== 200 || !cookie.startsWith('gp_session='))
    throw new Error(`sign-in of ${username} failed: ${res.status} ${await res.text()}`);
  return { cookie, password };
}
