import pg from 'pg';

const LOCAL_DEFAULT = 'postgres://postgres@127.0.0.1:5432/test';

/** The PostGIS server the tests also run on, or undefined when there is none. */
export async function findTestServer(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  if (env.GRIDPATROL_TEST_SERVER === '0') return undefined;
  const client = new pg.Client({ connectionString: LOCAL_DEFAULT, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    const res = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'");
    return res.rowCount ? LOCAL_DEFAULT : undefined;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}
