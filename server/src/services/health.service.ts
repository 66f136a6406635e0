import type { HealthAnswer } from '../contract/session.js';
import type { Db } from '../db/client.js';
import { databaseVersions } from '../db/repos/health.repo.js';

/** Liveness: the database mode and versions, or `unavailable` with the reason when the database does not answer. */
export async function health(db: Db): Promise<HealthAnswer> {
  try {
    const v = await databaseVersions(db);
    return { status: 'ok', database: { mode: db.mode, ...(v.postgres ? { postgres: v.postgres } : {}), ...(v.postgis ? { postgis: v.postgis } : {}) } };
  } catch (err) {
    return { status: 'unavailable', database: { mode: db.mode }, detail: (err as Error).message };
  }
}
