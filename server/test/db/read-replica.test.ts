import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { LAYERS } from '../../src/contract/layers.js';
import { openDb, type Db, type ReplicaLog } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { defaultJobManager } from '../../src/jobs/default-jobs.js';
import { tileAt } from '../../src/tiles/tilesets.js';
import {
  pauseReplay,
  replayed,
  resumeReplay,
  startReplicaCluster,
  type ReplicaCluster,
} from '../helpers/replica-cluster.js';
import { createAndSignIn } from '../helpers/sign-in.js';
import { testDbKind } from '../helpers/test-db.js';

describe('DATABASE_READ_URL configuration', () => {
  const primary = 'postgres://gp@db.example:5432/gridpatrol';

  it('reads comma-separated replica URLs into a list', () => {
    const c = loadConfig({
      DATABASE_URL: primary,
      DATABASE_READ_URL: ' postgres://gp@r1:5432/gridpatrol, postgresql://gp@r2/gridpatrol ,',
    });
    expect(c.DATABASE_READ_URL).toEqual(['postgres://gp@r1:5432/gridpatrol', 'postgresql://gp@r2/gridpatrol']);
    expect(loadConfig({ DATABASE_URL: primary }).DATABASE_READ_URL).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: primary, DATABASE_READ_URL: '' }).DATABASE_READ_URL).toBeUndefined();
  });

  it('names a bad entry, without its password, in a readable error', () => {
    expect(() =>
      loadConfig({
        DATABASE_URL: primary,
        DATABASE_READ_URL: 'postgres://gp@r1/gridpatrol,mysql://gp:s3cret@r2/gridpatrol',
      }),
    ).toThrow(
      'Bad configuration: DATABASE_READ_URL: "mysql://gp:***@r2/gridpatrol" is not a postgres://host[:port]/database URL',
    );
    expect(() => loadConfig({ DATABASE_URL: primary, DATABASE_READ_URL: 'r1:5432' })).toThrow(
      /DATABASE_READ_URL: "r1:5432" is not a postgres:/,
    );
    let message = '';
    try {
      loadConfig({ DATABASE_URL: primary, DATABASE_READ_URL: 'mysql://gp:s3cret@r2/gridpatrol' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toContain('s3cret');
  });

  it('reads the replica retry window in seconds, 30 by default, and refuses one below a second', () => {
    expect(loadConfig({ DATABASE_URL: primary }).DATABASE_READ_RETRY_SECONDS).toBe(30);
    expect(loadConfig({ DATABASE_URL: primary, DATABASE_READ_RETRY_SECONDS: '5' }).DATABASE_READ_RETRY_SECONDS).toBe(5);
    expect(() => loadConfig({ DATABASE_URL: primary, DATABASE_READ_RETRY_SECONDS: '0' })).toThrow(
      /DATABASE_READ_RETRY_SECONDS/,
    );
  });

  it('refuses replicas without a primary', () => {
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://gp@r1/gridpatrol' })).toThrow(
      'Bad configuration: DATABASE_READ_URL: needs DATABASE_URL',
    );
  });
});

interface Logged {
  level: 'warn' | 'info';
  fields: Record<string, unknown>;
  msg: string;
}

type Page = { numberMatched: number; features: { properties: { status: string } }[] };

// Builds its own primary and streaming replica with the PostgreSQL 15 binaries: the server project only.
describe.skipIf(testDbKind() !== 'server')(
  'reads from a streaming replica, and from the primary when it is gone',
  () => {
    let cluster: ReplicaCluster | undefined;
    let db: Db | undefined;
    let server: Server | undefined;
    let url = '';
    let cookie = '';
    const logged: Logged[] = [];
    const log: ReplicaLog = {
      warn: (fields, msg) => logged.push({ level: 'warn', fields, msg }),
      info: (fields, msg) => logged.push({ level: 'info', fields, msg }),
    };
    const outages = () => logged.filter((l) => l.msg === 'read replica unreachable: reading from the primary');
    const c = () => {
      if (!cluster || !db) throw new Error('setup failed');
      return { cluster, db };
    };
    const camera = (lon: number, status: string) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [lon, 32.05] },
      properties: { status, heading_deg: 90 },
    });
    const post = async (body: unknown) => {
      const res = await fetch(`${url}/api/v1/cameras`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
    };
    const listed = async (): Promise<Page> => {
      const res = await fetch(`${url}/api/v1/cameras?bbox=118.7,32.0,118.9,32.1`, { headers: { cookie } });
      expect(res.status).toBe(200);
      return (await res.json()) as Page;
    };
    const tile = tileAt(118.795, 32.05, 14);
    /** Features in the cameras tile over the test's cameras (0 for a 204). */
    const inTile = async (): Promise<number> => {
      const res = await fetch(`${url}/tiles/cameras/${tile.z}/${tile.x}/${tile.y}.mvt`, { headers: { cookie } });
      if (res.status === 204) return 0;
      expect(res.status).toBe(200);
      const vt = new VectorTile(new PbfReader(new Uint8Array(await res.arrayBuffer())));
      return vt.layers.cameras?.length ?? 0;
    };
    /** Rows of the cameras CSV export (the header line left out). */
    const exported = async (): Promise<number> => {
      const res = await fetch(`${url}/api/v1/cameras/export?format=csv`, { headers: { cookie } });
      expect(res.status).toBe(200);
      return (await res.text()).trim().split(/\r?\n/).length - 1;
    };
    const cameraRows = async () =>
      (await c().db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${LAYERS.cameras.table}`))[0]?.n;

    beforeAll(async () => {
      cluster = await startReplicaCluster();
      db = await openDb({ databaseUrl: cluster.primaryUrl, readUrls: [cluster.replicaUrl], log, maxConnections: 4 });
      await migrate(db);
      const jobs = defaultJobManager(db, [], { syncWaitMs: 600_000 });
      server = createApp({ db, logger: pino({ level: 'silent' }), jobs }).listen(0, '127.0.0.1');
      server.keepAliveTimeout = 600_000;
      await new Promise<void>((resolve) => server?.once('listening', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // The user and its session are written on the primary; signing in reads them back there (read-your-writes).
      ({ cookie } = await createAndSignIn(url, db, 'replica-admin', 'admin'));
    });

    afterAll(async () => {
      if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
      await db?.close();
      await cluster?.destroy();
    });

    it('sends reads to the replica and writes to the primary', async () => {
      const { cluster, db } = c();
      const [r] = await db.reader.query<{ standby: boolean; port: number }>(
        'SELECT pg_is_in_recovery() AS standby, inet_server_port() AS port',
      );
      expect(r).toEqual({ standby: true, port: cluster.replicaPort });
      const [w] = await db.query<{ standby: boolean; port: number }>(
        'SELECT pg_is_in_recovery() AS standby, inet_server_port() AS port',
      );
      expect(w).toEqual({ standby: false, port: cluster.primaryPort });
      // A write lands on the primary (the replica would refuse it: read-only in recovery); the row says where it went.
      const [t] = await db.transaction(async (tx) => {
        await tx.exec('CREATE TABLE replica_probe (x int)');
        return tx.query<{ standby: boolean; port: number }>(
          'INSERT INTO replica_probe VALUES (1) RETURNING pg_is_in_recovery() AS standby, inet_server_port() AS port',
        );
      });
      expect(t).toEqual({ standby: false, port: cluster.primaryPort });
      await expect(db.reader.query('CREATE TABLE written_on_reader (x int)')).rejects.toThrow(/read-only transaction/);
      expect(outages()).toHaveLength(0);
    });

    it('answers the cameras list, tile and export from the replica: a write it has not replayed is not in them', async () => {
      const { cluster } = c();
      for (const [i, status] of ['working', 'faulty', 'working'].entries())
        await post(camera(118.79 + i * 0.001, status));
      await replayed(cluster);
      expect((await listed()).numberMatched).toBe(3);
      expect(await inTile()).toBe(3);

      // With replay paused, a fourth camera is on the primary only: the API's reads, served by the replica, lack it.
      await pauseReplay(cluster);
      await post(camera(118.793, 'faulty'));
      expect(await cameraRows()).toBe(4);
      expect((await listed()).numberMatched).toBe(3);
      expect(await inTile()).toBe(3);
      expect(await exported()).toBe(3);
      await resumeReplay(cluster);
      await replayed(cluster);
      expect((await listed()).numberMatched).toBe(4);
      expect(await inTile()).toBe(4);
      expect(await exported()).toBe(4);
      const [seen] = await c().db.reader.query<{ n: number; standby: boolean }>(
        `SELECT count(*)::int AS n, pg_is_in_recovery() AS standby FROM ${LAYERS.cameras.table}`,
      );
      expect(seen).toEqual({ n: 4, standby: true });
      expect(outages()).toHaveLength(0);
    });

    it('falls back to the primary when the replica is gone, and warns once', async () => {
      const { cluster, db } = c();
      await post(camera(118.794, 'working'));
      await cluster.stopReplica();
      // The fifth camera was never replayed for sure, and the replica is gone: only the primary can show five.
      const [r] = await db.reader.query<{ standby: boolean; port: number; n: number }>(
        `SELECT pg_is_in_recovery() AS standby, inet_server_port() AS port, count(*)::int AS n FROM ${LAYERS.cameras.table}`,
      );
      expect(r).toEqual({ standby: false, port: cluster.primaryPort, n: 5 });
      expect(outages()).toHaveLength(1);
      expect(outages()[0]?.level).toBe('warn');
      expect(outages()[0]?.fields.replica).toBe(`127.0.0.1:${cluster.replicaPort}/postgres`);

      // The app keeps answering its map reads, now from the primary, without another warning for the same outage.
      const page = await listed();
      expect(page.numberMatched).toBe(5);
      expect(page.features.map((f) => f.properties.status).sort()).toEqual([
        'faulty',
        'faulty',
        'working',
        'working',
        'working',
      ]);
      expect(await inTile()).toBe(5);
      expect(outages()).toHaveLength(1);
      expect(logged.filter((l) => l.level === 'warn')).toHaveLength(1);
      // A statement that is wrong fails as itself on the primary: only connection errors fall back.
      await expect(db.reader.query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
    });
  },
);
