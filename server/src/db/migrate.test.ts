import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/helpers/test-db.js';
import { migrate } from './migrate.js';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb({ migrate: false });
});
afterAll(async () => t?.dispose());

describe('migrations', () => {
  it('when run on an empty schema, then every table exists with a GiST index on its geometry', async () => {
    const applied = await migrate(t.db);
    expect(applied.length).toBeGreaterThan(0);
    const rows = await t.db.query<{ table_name: string }>(
      // Partitions (incident_local …) carry their parent's columns and indexes: the parent is the table.
      `SELECT f_table_name AS table_name FROM geometry_columns g
       JOIN pg_class c ON c.relname = g.f_table_name AND c.relnamespace = g.f_table_schema::regnamespace
       WHERE f_table_schema = $1 AND NOT c.relispartition ORDER BY 1`,
      [t.schema],
    );
    const tables = rows.map((r) => r.table_name);
    expect(tables).toEqual([
      'admin_area',
      'area_version',
      'beat',
      'building',
      'camera',
      'checkpoint',
      'grid',
      'incident',
      'key_place',
      'post',
      'road',
      'road_edge',
      'school_gate',
      'station',
    ]);
    const gist = await t.db.query<{ tablename: string }>(
      `SELECT tablename FROM pg_indexes i
       JOIN pg_class c ON c.relname = i.tablename AND c.relnamespace = i.schemaname::regnamespace
       WHERE schemaname = $1 AND indexdef ILIKE '%USING gist (geom)%' AND NOT c.relispartition ORDER BY 1`,
      [t.schema],
    );
    expect(
      gist.map((r) => r.tablename),
      'every geometry column needs a GiST index',
    ).toEqual(tables);
  });

  it('when run a second time, then nothing is applied again', async () => {
    expect(await migrate(t.db)).toEqual([]);
  });

  it('when an invalid (self-intersecting) grid is inserted, then the database refuses it', async () => {
    await t.db.query(
      `INSERT INTO admin_area (code, level, name, geom) VALUES ('320100000000', 'region', '南京市',
        ST_Multi(ST_MakeEnvelope(118.7, 32.0, 118.9, 32.1, 4326)))`,
    );
    await expect(
      t.db.query(`INSERT INTO admin_area (code, level, name, parent_code, geom) VALUES
        ('320102000000', 'district', '玄武区', '320100000000',
         ST_Multi(ST_GeomFromText('POLYGON((118.7 32, 118.8 32.1, 118.8 32, 118.7 32.1, 118.7 32))', 4326)))`),
    ).rejects.toThrow(/check constraint/);
  });

  it('when int8 and json come back, then both databases give the same JavaScript types', async () => {
    const [row] = await t.db.query<{ n: unknown; j: unknown; d: unknown }>(
      `SELECT count(*) AS n, '{"a":1}'::jsonb AS j, '2026-01-01T00:00:00Z'::timestamptz AS d FROM admin_area`,
    );
    expect(row).toEqual({ n: 1, j: { a: 1 }, d: new Date('2026-01-01T00:00:00Z') });
  });
});
