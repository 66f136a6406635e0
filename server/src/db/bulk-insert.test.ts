import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import { openTestDb, type TestDb } from '../../test/helpers/test-db.js';
import { insertFeatures } from './bulk-insert.js';
import { LAYERS } from '../contract/layers.js';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.dispose());

describe('insertFeatures', () => {
  it('when 12,000 incidents are inserted, then every row lands with h3 cells equal to h3-js', async () => {
    const rows = Array.from({ length: 12_000 }, (_, i) => ({
      geometry: {
        type: 'Point' as const,
        coordinates: [118.78 + (i % 100) * 1e-4, 32.04 + Math.floor(i / 100) * 1e-4],
      },
      properties: { occurred_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), category: '盗窃' },
    }));
    const ids = await t.db.transaction((tx) => insertFeatures(tx, LAYERS.incidents, rows));
    expect(ids).toHaveLength(12_000);
    const [row] = await t.db.query<{ n: number; h9: string; h10: string; x: number; y: number }>(
      `SELECT (SELECT count(*) FROM incident) AS n, to_hex(h3_r9) AS h9, to_hex(h3_r10) AS h10,
              ST_X(geom) AS x, ST_Y(geom) AS y FROM incident WHERE id = $1`,
      [ids[777]],
    );
    const src = rows[777]!.geometry.coordinates as [number, number];
    expect(row).toEqual({
      n: 12_000,
      x: src[0],
      y: src[1],
      h9: latLngToCell(src[1], src[0], 9),
      h10: latLngToCell(src[1], src[0], 10),
    });
  });

  it('when one polygon in a batch is self-intersecting, then the whole transaction writes nothing', async () => {
    const good = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [0, 0],
          [1e-3, 0],
          [1e-3, 1e-3],
          [0, 1e-3],
          [0, 0],
        ],
      ],
    };
    const bowtie = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [0, 0],
          [1e-3, 1e-3],
          [1e-3, 0],
          [0, 1e-3],
          [0, 0],
        ],
      ],
    };
    await expect(
      t.db.transaction((tx) =>
        insertFeatures(tx, LAYERS.buildings, [
          { geometry: good, properties: {} },
          { geometry: bowtie, properties: {} },
        ]),
      ),
    ).rejects.toThrow();
    const [row] = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM building');
    expect(row?.n).toBe(0);
  });
});

describe('insertFeatures defaults', () => {
  it('when one camera sends a property and another leaves it out, then the second gets the column default, not NULL', async () => {
    const pt = (x: number) => ({ type: 'Point' as const, coordinates: [118.78 + x, 32.04] });
    const ids = await t.db.transaction((tx) =>
      insertFeatures(tx, LAYERS.cameras, [
        { geometry: pt(0), properties: { networked: false, status: 'faulty' } },
        { geometry: pt(1e-3), properties: {} },
        { geometry: pt(2e-3), properties: { networked: false } },
      ]),
    );
    const rows = await t.db.query<{ id: number; networked: boolean; status: string }>(
      'SELECT id, networked, status FROM camera WHERE id = ANY($1::bigint[]) ORDER BY id',
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(ids.map((id) => [byId.get(id)?.networked, byId.get(id)?.status])).toEqual([
      [false, 'faulty'],
      [true, 'working'],
      [false, 'working'],
    ]);
  });
});
