import type { Queryable } from '../client.js';

/**
 * SQL of district placement (migration 021): a district's incidents as a postgres_fdw foreign partition on another
 * server. Identifiers travel as parameters into the migration's functions, which quote them with format(%I, %L).
 */

export interface Placement {
  districtCode: string;
  server: string;
  remoteTable: string;
}

export interface ShardServerRow {
  name: string;
  host: string;
  port: number;
  dbname: string;
  user: string;
  password: string | null;
}

/** The CREATE TABLE (and indexes) for the district's table on the other server, written from this server's columns. */
export async function remoteTableDdl(
  q: Queryable,
  districtCode: string,
  schema: string,
  table: string,
): Promise<string> {
  const [row] = await q.query<{ ddl: string }>('SELECT incident_remote_table_ddl($1, $2, $3) AS ddl', [
    districtCode,
    schema,
    table,
  ]);
  if (!row) throw new Error('incident_remote_table_ddl answered no row');
  return row.ddl;
}

/** Runs DDL that this server wrote (remoteTableDdl) on the other server. */
export async function runRemoteDdl(remote: Queryable, ddl: string): Promise<void> {
  await remote.exec(ddl);
}

/** Makes the foreign server and this user's mapping unless the server exists; true when it was made now. */
export async function ensureShardServer(tx: Queryable, s: ShardServerRow): Promise<boolean> {
  const [row] = await tx.query<{ made: boolean }>('SELECT incident_shard_server($1, $2, $3, $4, $5, $6) AS made', [
    s.name,
    s.host,
    s.port,
    s.dbname,
    s.user,
    s.password,
  ]);
  return row?.made === true;
}

export async function placeDistrictRows(
  tx: Queryable,
  districtCode: string,
  server: string,
  schema: string,
  table: string,
): Promise<number> {
  const [row] = await tx.query<{ moved: string }>('SELECT incident_place_district($1, $2, $3, $4) AS moved', [
    districtCode,
    server,
    schema,
    table,
  ]);
  return Number(row?.moved ?? 0);
}

export async function bringDistrictRowsHome(tx: Queryable, districtCode: string): Promise<number> {
  const [row] = await tx.query<{ moved: string }>('SELECT incident_bring_district_home($1) AS moved', [districtCode]);
  return Number(row?.moved ?? 0);
}

export async function placements(q: Queryable): Promise<Placement[]> {
  return q.query<Placement>(
    'SELECT district_code AS "districtCode", server, remote_table AS "remoteTable" FROM incident_placements()',
  );
}

/** Incidents per district on this server's own partitions (the ones no foreign partition holds). */
export async function localIncidentCount(q: Queryable, districtCode: string): Promise<number> {
  const [row] = await q.query<{ n: string }>('SELECT count(*) AS n FROM incident_local WHERE district_code = $1', [
    districtCode,
  ]);
  return Number(row?.n ?? 0);
}
