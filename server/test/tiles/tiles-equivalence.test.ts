import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBenchCity, CITY_BOUNDS } from '../../bench/tiles-city.js';
import { insertFeatures } from '../../src/db/bulk-insert.js';
import { LAYERS } from '../../src/contract/layers.js';
import { nodeTileSource, postgisTileSource } from '../../src/services/tile-source.js';
import { findTileset, tileAt, type TileCoord } from '../../src/tiles/tilesets.js';
import { openTestDb, testDbKind, type TestDb } from '../helpers/test-db.js';
import { decodeTile, maxVertexDistance, surveyorArea } from './tiles-fixture.js';

/**
 * ST_AsMVT against the Node encoder on a denser, messier city than the hand-made fixture: rotated buildings,
 * bent roads crossing tile edges at every angle, clustered incidents. Server only (ST_AsMVT needs protobuf-c).
 */
const onServer = testDbKind() === 'server';
let t: TestDb;

beforeAll(async () => {
  if (!onServer) return;
  t = await openTestDb();
  const city = buildBenchCity(7);
  await t.db.transaction(async (tx) => {
    await insertFeatures(tx, LAYERS['admin-areas'], city.admin);
    await insertFeatures(tx, LAYERS.grids, city.grids);
    await insertFeatures(tx, LAYERS.roads, city.roads.slice(0, 4000));
    await insertFeatures(tx, LAYERS.buildings, city.buildings.slice(0, 4000));
    await insertFeatures(tx, LAYERS.incidents, city.incidents.slice(0, 5000));
  });
});
afterAll(async () => t?.dispose());

function tilesAround(z: number, n: number): TileCoord[] {
  const c = tileAt((CITY_BOUNDS.west + CITY_BOUNDS.east) / 2, (CITY_BOUNDS.south + CITY_BOUNDS.north) / 2, z);
  const out: TileCoord[] = [];
  for (let dx = -n; dx <= n; dx++) for (let dy = -n; dy <= n; dy++) out.push({ z, x: c.x + dx, y: c.y + dy });
  return out;
}

describe.runIf(onServer)('ST_AsMVT vs Node encoder on a generated city', () => {
  it.each(['basemap', 'grids', 'roads', 'buildings', 'incidents', 'admin-areas'])(
    'when %s tiles from z10 to z16 are cut both ways, then the same features carry the same attributes and geometry within 1 unit',
    async (name) => {
      const ts = findTileset(name)!;
      const pg = postgisTileSource(t.db);
      const node = nodeTileSource(t.db);
      const tiles = [10, 12, 14].flatMap((z) => tilesAround(z, 1)).concat([15, 16].flatMap((z) => tilesAround(z, 2)));
      let compared = 0;
      const mismatches: string[] = [];
      for (const tile of tiles) {
        const a = decodeTile(await pg.getTile(ts, tile));
        const b = decodeTile(await node.getTile(ts, tile));
        const label = `${tile.z}/${tile.x}/${tile.y}`;
        expect(Object.keys(b).sort(), label).toEqual(Object.keys(a).sort());
        for (const [layer, fa] of Object.entries(a)) {
          const byId = new Map(b[layer]!.map((f) => [f.id, f]));
          expect([...byId.keys()].sort(), `${label} ${layer}`).toEqual(fa.map((f) => f.id).sort());
          for (const f of fa) {
            const g = byId.get(f.id)!;
            expect(g.properties).toEqual(f.properties);
            expect(g.type).toBe(f.type);
            const closed = f.type === 3;
            const d = Math.max(
              maxVertexDistance(f.rings, g.rings, closed),
              maxVertexDistance(g.rings, f.rings, closed),
            );
            if (d > Math.SQRT2) mismatches.push(`${label} ${layer} #${f.id}: ${d.toFixed(2)} units`);
            if (closed) {
              const exteriors = (rings: [number, number][][]) => rings.filter((r) => surveyorArea(r) > 0).length;
              expect(exteriors(g.rings), `${label} ${layer} #${f.id}`).toBe(exteriors(f.rings));
            }
            compared++;
          }
        }
      }
      expect(mismatches).toEqual([]);
      expect(compared).toBeGreaterThan(0);
    },
  );
});
