import type { Queryable } from '../client.js';

/** The server's PostgreSQL and PostGIS versions (throws when the database does not answer). */
export async function databaseVersions(
  db: Queryable,
): Promise<{ postgis: string | undefined; postgres: string | undefined }> {
  const [row] = await db.query<{ postgis: string; postgres: string }>(
    `SELECT postgis_lib_version() AS postgis, current_setting('server_version') AS postgres`,
  );
  return { postgis: row?.postgis, postgres: row?.postgres };
}
