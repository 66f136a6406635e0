import { execFile } from 'node:child_process';
import { appendFile, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/** A primary PostgreSQL 15 cluster and one streaming replica of it, both on loopback ports of their own. */
export interface ReplicaCluster {
  primaryUrl: string;
  replicaUrl: string;
  primaryPort: number;
  replicaPort: number;
  /** `pg_ctl stop -m immediate` on the replica: it vanishes as a crashed or unplugged host would. */
  stopReplica(): Promise<void>;
  /** Stops whatever still runs and removes both data directories. */
  destroy(): Promise<void>;
}

/** A port nothing listens on now (the OS picks it, so parallel test runs do not collide). */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Runs a PostgreSQL binary as `postgres` (the server refuses root), from a directory that user can enter. */
function asPostgres(cwd: string, bin: string, args: readonly string[]) {
  return run('runuser', ['-u', 'postgres', '--', path.join(BIN, bin), ...args], { cwd });
}

/** A temp directory owned by postgres (initdb and the server refuse root), and the ids to chown with. */
async function postgresOwnedDir(prefix: string): Promise<string> {
  const base = await mkdtemp(path.join(os.tmpdir(), prefix));
  const { stdout: uid } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  await chown(base, Number(uid.trim()), Number(gid.trim()));
  return base;
}

/** The clusters started under one temp directory, stopped (immediate) and removed together. */
function clusterSet(base: string) {
  const running: string[] = [];
  const stop = async (dir: string) => {
    const i = running.indexOf(dir);
    if (i < 0) return;
    running.splice(i, 1);
    await asPostgres(base, 'pg_ctl', ['-D', dir, '-m', 'immediate', '-w', 'stop']);
  };
  const start = async (dir: string, port: number, log: string) => {
    await asPostgres(base, 'pg_ctl', ['-D', dir, '-o', `-p ${port}`, '-l', path.join(base, log), '-w', 'start']);
    running.push(dir);
  };
  const destroy = async () => {
    // Best effort on the way out: a stop that fails must not keep the directory from being removed.
    for (const dir of [...running]) await stop(dir).catch(() => undefined);
    await rm(base, { recursive: true, force: true });
  };
  return { stop, start, destroy };
}

/** initdb with trust on loopback, this port and socket directory, and settings for a throwaway test cluster. */
async function initCluster(base: string, dir: string, port: number, extra: readonly string[]): Promise<void> {
  await asPostgres(base, 'initdb', ['-D', dir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  await appendFile(
    path.join(dir, 'postgresql.conf'),
    [
      ...extra,
      "listen_addresses = '127.0.0.1'",
      `port = ${port}`,
      `unix_socket_directories = '${base}'`,
      // A throwaway cluster: durability is not under test, speed on a shared 2-core machine is. synchronous_commit
      // stays on: a commit is then in the WAL pg_current_wal_lsn() reports, so replayed() waits for it.
      'fsync = off',
      'full_page_writes = off',
      '',
    ].join('\n'),
  );
}

/** One more PostgreSQL 15 server on a loopback port of its own (PostGIS installable: the same binaries). */
export interface PlainCluster {
  url: string;
  port: number;
  destroy(): Promise<void>;
}

export async function startPlainCluster(): Promise<PlainCluster> {
  const base = await postgresOwnedDir('gp-cluster-');
  const set = clusterSet(base);
  try {
    const port = await freePort();
    const dir = path.join(base, 'data');
    await initCluster(base, dir, port, []);
    await set.start(dir, port, 'server.log');
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, destroy: set.destroy };
  } catch (err) {
    await set.destroy();
    throw err;
  }
}

/**
 * initdb a primary (wal_level=replica, replication from loopback trusted), start it, pg_basebackup -R a replica from
 * it and start that as a hot standby. Everything lives in one temp directory owned by postgres; `destroy` removes it.
 */
export async function startReplicaCluster(): Promise<ReplicaCluster> {
  const base = await postgresOwnedDir('gp-replica-');
  const primaryDir = path.join(base, 'primary');
  const replicaDir = path.join(base, 'replica');
  const set = clusterSet(base);
  try {
    const primaryPort = await freePort();
    await initCluster(base, primaryDir, primaryPort, [
      'wal_level = replica',
      'max_wal_senders = 5',
      'hot_standby = on',
    ]);
    await appendFile(path.join(primaryDir, 'pg_hba.conf'), 'host replication all 127.0.0.1/32 trust\n');
    await set.start(primaryDir, primaryPort, 'primary.log');
    const replicaPort = await freePort();
    await asPostgres(base, 'pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primaryPort),
      '-U',
      'postgres',
      '-D',
      replicaDir,
      '-R',
      '-X',
      'stream',
    ]);
    // The copied postgresql.conf names the primary's port; the later line wins.
    await appendFile(path.join(replicaDir, 'postgresql.conf'), `port = ${replicaPort}\n`);
    await set.start(replicaDir, replicaPort, 'replica.log');
    return {
      primaryUrl: `postgres://postgres@127.0.0.1:${primaryPort}/postgres`,
      replicaUrl: `postgres://postgres@127.0.0.1:${replicaPort}/postgres`,
      primaryPort,
      replicaPort,
      stopReplica: () => set.stop(replicaDir),
      destroy: set.destroy,
    };
  } catch (err) {
    await set.destroy();
    throw err;
  }
}

/** One query on its own short connection, for the test's looks at either server beside the app's pools. */
export async function queryOn<Row>(url: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Row[];
  } finally {
    await client.end();
  }
}

/** Resolves once the replica has replayed everything the primary has written so far (polls the condition). */
export async function replayed(c: ReplicaCluster): Promise<void> {
  const [head] = await queryOn<{ lsn: string }>(c.primaryUrl, 'SELECT pg_current_wal_lsn()::text AS lsn');
  for (;;) {
    const [r] = await queryOn<{ done: boolean }>(
      c.replicaUrl,
      'SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS done',
      [head?.lsn],
    );
    if (r?.done) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Pauses WAL replay on the replica and resolves once it has actually stopped applying (the pause is asynchronous). */
export async function pauseReplay(c: ReplicaCluster): Promise<void> {
  await queryOn(c.replicaUrl, 'SELECT pg_wal_replay_pause()');
  for (;;) {
    const [r] = await queryOn<{ state: string }>(c.replicaUrl, 'SELECT pg_get_wal_replay_pause_state() AS state');
    if (r?.state === 'paused') return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function resumeReplay(c: ReplicaCluster): Promise<void> {
  await queryOn(c.replicaUrl, 'SELECT pg_wal_replay_resume()');
}
