import type { HealthAnswer } from '../contract/session.js';
import type { Db } from '../db/client.js';
import { databaseVersions } from '../db/repos/health.repo.js';

/**
 * Liveness: `{ status }` for anyone; for a signed-in caller also the database mode and versions, or `unavailable`
 * with the reason when the database does not answer.
 */
export async function health(db: Db, signedIn: boolean): Promise<HealthAnswer> {
  try {
    const v = await databaseVersions(db);
    if (!signedIn) return { status: 'ok' };
    return {
      status: 'ok',
      database: {
        mode: db.mode,
        ...(v.postgres ? { postgres: v.postgres } : {}),
        ...(v.postgis ? { postgis: v.postgis } : {}),
      },
    };
  } catch (err) {
    if (!signedIn) return { status: 'unavailable' };
    return { status: 'unavailable', database: { mode: db.mode }, detail: (err as Error).message };
  }
}
