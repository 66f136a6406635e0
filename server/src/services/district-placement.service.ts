import { openDb, type Db } from '../db/client.js';
import { writeAudit } from '../db/repos/audit.repo.js';
import {
  bringDistrictRowsHome,
  ensureShardServer,
  placeDistrictRows,
  placements,
  remoteTableDdl,
  runRemoteDdl,
  type Placement,
} from '../db/repos/district-placement.repo.js';

/**
 * Districts on other servers (issue #22): a district's incidents move to another PostgreSQL/PostGIS server and stay
 * a partition of `incident` there (postgres_fdw), so the API, tiles and analyses read the province as before. The
 * engineer runs it (`npm run place-district`); only the server database can, as the embedded one has no postgres_fdw.
 */

export interface PlaceDistrict {
  districtCode: string;
  /** postgres://user[:password]@host[:port]/database of the other server. */
  remoteUrl: string;
  /** The foreign server's name here; default from host, port and database. */
  serverName?: string;
  /** Schema of the district's table there; default public. */
  remoteSchema?: string;
  actor: string;
}

export interface PlacedDistrict extends Placement {
  rows: number;
  serverMade: boolean;
}

const SERVER_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const DISTRICT_CODE = /^[0-9]{12}$/;

/** `gp_shard_<host>_<port>_<db>`, in the letters an unquoted identifier takes. */
export function defaultServerName(remote: URL): string {
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  return `gp_shard_${clean(remote.hostname)}_${remote.port || '5432'}_${clean(remote.pathname.slice(1) || 'postgres')}`.slice(
    0,
    63,
  );
}

function serverOnly(db: Db): void {
  if (db.mode !== 'server') {
    throw new Error(
      'districts on other servers need the PostGIS server database (DATABASE_URL): embedded has no postgres_fdw',
    );
  }
}

/**
 * Makes the district's table on the other server (from this server's columns), then in one transaction here: the
 * foreign server and user mapping if new, the rows moved, the foreign partition attached, one audit row.
 */
export async function placeDistrict(db: Db, p: PlaceDistrict): Promise<PlacedDistrict> {
  serverOnly(db);
  if (!DISTRICT_CODE.test(p.districtCode)) throw new Error(`a district code is 12 digits, not "${p.districtCode}"`);
  const remote = new URL(p.remoteUrl);
  if (remote.protocol !== 'postgres:' && remote.protocol !== 'postgresql:') {
    throw new Error('the other server is a postgres://user@host:port/database URL');
  }
  const serverName = p.serverName ?? defaultServerName(remote);
  if (!SERVER_NAME.test(serverName))
    throw new Error(`a server name is lower-case letters, digits and _, not "${serverName}"`);
  const remoteSchema = p.remoteSchema ?? 'public';
  const remoteTable = `incident_${p.districtCode}`;

  const ddl = await remoteTableDdl(db, p.districtCode, remoteSchema, remoteTable);
  const there = await openDb({ databaseUrl: p.remoteUrl, maxConnections: 1 });
  try {
    await runRemoteDdl(there, ddl);
  } finally {
    await there.close();
  }
  return db.transaction(async (tx) => {
    const serverMade = await ensureShardServer(tx, {
      name: serverName,
      host: remote.hostname,
      port: Number(remote.port || 5432),
      dbname: decodeURIComponent(remote.pathname.slice(1)) || 'postgres',
      user: decodeURIComponent(remote.username) || 'postgres',
      password: remote.password ? decodeURIComponent(remote.password) : null,
    });
    const rows = await placeDistrictRows(tx, p.districtCode, serverName, remoteSchema, remoteTable);
    await writeAudit(tx, {
      actor: p.actor,
      entity: 'district_placement',
      entityId: p.districtCode,
      action: 'update',
      before: { server: 'local' },
      after: { server: serverName, host: remote.host, database: remote.pathname.slice(1), remoteTable, rows },
    });
    return { districtCode: p.districtCode, server: serverName, remoteTable, rows, serverMade };
  });
}

/**
 * Brings the district's incidents back to this server's own partitions and drops the foreign partition, in one
 * transaction with an audit row. The other server's copy is left for the engineer to drop (nothing there is deleted
 * in a transaction this server might still fail to commit).
 */
export async function bringDistrictHome(db: Db, districtCode: string, actor: string): Promise<{ rows: number }> {
  serverOnly(db);
  return db.transaction(async (tx) => {
    const [was] = (await placements(tx)).filter((x) => x.districtCode === districtCode);
    const rows = await bringDistrictRowsHome(tx, districtCode);
    await writeAudit(tx, {
      actor,
      entity: 'district_placement',
      entityId: districtCode,
      action: 'update',
      before: was ? { server: was.server, remoteTable: was.remoteTable } : null,
      after: { server: 'local', rows },
    });
    return { rows };
  });
}

export function districtPlacements(db: Db): Promise<Placement[]> {
  serverOnly(db);
  return placements(db);
}
