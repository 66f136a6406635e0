import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Feature, FeatureCollection } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile, type ImportOptions } from '../../src/import/import.service.js';
import { undoImportBatch } from '../../src/services/import-batches.service.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

/**
 * `mode replace` (issue #15) on Seattle's OSM cameras: the second version of a file (rows 20–119 of the first
 * 0–99, one moved) swaps in one transaction: 20 rows only the first version held are deleted, 20 new ones come in,
 * the moved one is updated; a camera from another file is untouched; undo puts every deleted row back with its id,
 * columns, geometry and import keys (re-importing the first version afterwards is all unchanged). Checked with SQL.
 */
const SEATTLE = path.resolve(
  import.meta.dirname,
  '../../../../shared/data/osm_surveillance_uswest/derived_seattle_cameras.geojson',
);
let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.dispose());

const all = (JSON.parse(readFileSync(SEATTLE, 'utf8')) as FeatureCollection).features;
const file = (features: Feature[]) => new TextEncoder().encode(JSON.stringify({ type: 'FeatureCollection', features }));
const opts = (fileName: string, o: Partial<ImportOptions> = {}): ImportOptions => ({
  actor: 'test',
  format: 'geojson',
  fileName,
  layer: 'cameras',
  map: { osm_id: 'osm_node_id' },
  ...o,
});
const osmIds = async () =>
  (await t.db.query<{ osm_id: number }>(`SELECT osm_id::float8 AS osm_id FROM camera ORDER BY osm_id`)).map(
    (r) => r.osm_id,
  );
const idsOf = (fs: Feature[]) => fs.map((f) => Number(f.properties?.osm_node_id)).sort((a, b) => a - b);

describe('import mode replace', () => {
  const v1 = all.slice(0, 100);
  const moved = all[50] as Feature;
  const v2 = all
    .slice(20, 120)
    .map((f) => (f === moved ? { ...f, geometry: { type: 'Point' as const, coordinates: [-122.3, 47.6] } } : f));
  const other = all.slice(500, 501);
  let snapshot: { id: number; row: string }[] = [];
  let replaceBatch = 0;

  it('when v1 and another file are imported, then 101 cameras are stored', async () => {
    expect((await importFile(t.db, file(v1), opts('cams.geojson'))).counts.cameras?.new).toBe(100);
    expect((await importFile(t.db, file(other), opts('other.geojson'))).counts.cameras?.new).toBe(1);
    expect(await osmIds()).toEqual(idsOf([...v1, ...other]));
    snapshot = await t.db.query(
      `SELECT id::int AS id, (to_jsonb(c) - 'h3_r7' - 'h3_r8' - 'h3_r9' - 'h3_r10')::text AS row FROM camera c
       WHERE osm_id = ANY($1::bigint[]) ORDER BY id`,
      [idsOf(v1.slice(0, 20))],
    );
    expect(snapshot).toHaveLength(20);
  });

  it('when v2 replaces v1, then the 20 rows only v1 held are deleted, 20 come in, 1 is updated, the other file untouched', async () => {
    const r = await importFile(t.db, file(v2), opts('cams.geojson', { mode: 'replace' }));
    expect(r.counts.cameras).toEqual({ new: 20, updated: 1, unchanged: 79, deleted: 20 });
    expect(r.summary).toMatch(/, 20 deleted \(replace\)$/);
    expect(await osmIds()).toEqual(idsOf([...v2, ...other]));
    const [m] = await t.db.query<{ x: number; y: number }>(
      `SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM camera WHERE osm_id = $1`,
      [Number(moved.properties?.osm_node_id)],
    );
    expect([m?.x, m?.y]).toEqual([-122.3, 47.6]);
    replaceBatch = r.batchId ?? 0;
  });

  it('when replace runs as a dry run, then nothing changes', async () => {
    const before = await osmIds();
    const r = await importFile(t.db, file(v1), opts('cams.geojson', { mode: 'replace', dryRun: true }));
    expect(r.counts.cameras?.deleted).toBe(20);
    expect(await osmIds()).toEqual(before);
  });

  it('when the replace is undone, then the 20 deleted rows are back as they were and v1 re-imports unchanged', async () => {
    const u = await undoImportBatch(t.db, replaceBatch, 'test');
    expect(u.deleted.cameras).toBe(20);
    expect(u.restored.cameras).toBe(21);
    expect(await osmIds()).toEqual(idsOf([...v1, ...other]));
    const back = await t.db.query<{ id: number; row: string }>(
      `SELECT id::int AS id, (to_jsonb(c) - 'h3_r7' - 'h3_r8' - 'h3_r9' - 'h3_r10')::text AS row FROM camera c
       WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [snapshot.map((s) => s.id)],
    );
    expect(back).toEqual(snapshot);
    const again = await importFile(t.db, file(v1), opts('cams.geojson'));
    // The moved camera was restored by the undo (its key's digest cleared): it counts as updated, the rest unchanged.
    expect(again.counts.cameras).toEqual({ new: 0, updated: 1, unchanged: 99 });
    expect(await osmIds()).toEqual(idsOf([...v1, ...other]));
  });

  it('when mode is not add or replace at the API, then the query is refused', async () => {
    const { importQuery } = await import('../../src/contract/import.js');
    const bad = importQuery.safeParse({ format: 'geojson', mode: 'swap' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['mode']);
  });
});
