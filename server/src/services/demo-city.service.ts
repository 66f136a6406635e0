import type { Logger } from 'pino';
import { insertFeatures, type FeatureRow } from '../db/bulk-insert.js';
import type { Db, Queryable } from '../db/client.js';
import { writeAudit } from '../db/repos/audit.repo.js';
import { LAYERS, type LayerName } from '../contract/layers.js';
import { generateDemoCity, type DemoCity, type DemoFeature } from '../engines/demo/index.js';

export interface DemoCityLoad {
  seed: number;
  counts: Record<string, number>;
  generateMs: number;
  loadMs: number;
}

/** Replaces a code reference (`station_code`) by the id the referenced row got (`station_id`). */
function resolve(rows: DemoFeature[], codeKey: string, idKey: string, ids: ReadonlyMap<string, number>): FeatureRow[] {
  return rows.map((r) => {
    const { [codeKey]: code, ...properties } = r.properties;
    const id = ids.get(String(code));
    if (id === undefined) throw new Error(`demo city: ${codeKey} ${String(code)} has no row`);
    return { geometry: r.geometry, properties: { ...properties, [idKey]: id } };
  });
}

async function codeIds(tx: Queryable, table: string): Promise<Map<string, number>> {
  const rows = await tx.query<{ code: string; id: number }>(`SELECT code, id FROM ${table}`);
  return new Map(rows.map((r) => [r.code, r.id]));
}

/**
 * Writes a generated city in one transaction (parents before children, codes resolved to ids) with one audit row;
 * a failure leaves the database as it was.
 */
export async function loadDemoCity(db: Db, opts: { seed: number; incidents?: number }): Promise<DemoCityLoad> {
  const t0 = performance.now();
  const city: DemoCity = generateDemoCity(opts.seed, { incidents: opts.incidents });
  const generateMs = performance.now() - t0;
  const t1 = performance.now();
  const counts: Record<string, number> = {};
  await db.transaction(async (tx) => {
    const put = async (layer: LayerName, rows: readonly FeatureRow[]) => {
      await insertFeatures(tx, LAYERS[layer], rows);
      counts[layer] = rows.length;
    };
    // Admin areas parent first: region, district, townships, communities (the generator lists them in that order).
    await put('admin-areas', city.adminAreas);
    await put('grids', city.grids);
    await put('stations', city.stations);
    const stations = await codeIds(tx, 'station');
    await put('beats', resolve(city.beats, 'station_code', 'station_id', stations));
    await put('checkpoints', resolve(city.checkpoints, 'beat_code', 'beat_id', await codeIds(tx, 'beat')));
    await put('posts', resolve(city.posts, 'station_code', 'station_id', stations));
    await put('key-places', city.keyPlaces);
    await put('roads', city.roads);
    await put('buildings', city.buildings);
    await put('cameras', city.cameras);
    await put('incidents', city.incidents);
    await writeAudit(tx, {
      actor: 'demo-city',
      entity: 'demo_city',
      action: 'import',
      after: { seed: opts.seed, counts },
    });
  });
  return { seed: opts.seed, counts, generateMs, loadMs: performance.now() - t1 };
}

/** Loads the demo city when the database has no grids yet (first start); returns what it did. */
export async function seedDemoCityIfEmpty(db: Db, seed: number, logger?: Logger): Promise<DemoCityLoad | undefined> {
  const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM grid');
  if ((row?.n ?? 0) > 0) return undefined;
  logger?.info({ seed }, 'empty database: loading the demo city');
  const load = await loadDemoCity(db, { seed });
  logger?.info(
    { counts: load.counts, generateMs: Math.round(load.generateMs), loadMs: Math.round(load.loadMs) },
    'demo city loaded',
  );
  return load;
}
