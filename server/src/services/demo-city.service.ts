import type { Logger } from 'pino';
import { insertFeatures, type FeatureRow } from '../db/bulk-insert.js';
import type { Db, Queryable } from '../db/client.js';
import { writeAudit } from '../db/repos/audit.repo.js';
import { LAYERS, type LayerName } from '../contract/layers.js';
import { DISTRICT_CODE, generateDemoCity, type DemoCity, type DemoFeature } from '../engines/demo/index.js';
import { province, type ProvinceOptions } from '../engines/demo/province.js';

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

/** code → id of a table's rows in one district (every district of a province reuses the demo's XW01… codes). */
async function codeIds(tx: Queryable, table: string, districtCode: string): Promise<Map<string, number>> {
  const rows = await tx.query<{ code: string; id: number }>(`SELECT code, id FROM ${table} WHERE district_code = $1`, [
    districtCode,
  ]);
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** Writes one generated district (parents before children, codes resolved to ids); returns rows per layer. */
async function writeCity(tx: Queryable, city: DemoCity, districtCode: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const put = async (layer: LayerName, rows: readonly FeatureRow[]) => {
    await insertFeatures(tx, LAYERS[layer], rows);
    counts[layer] = rows.length;
  };
  // Admin areas parent first: region, district, townships, communities (the generator lists them in that order).
  await put('admin-areas', city.adminAreas);
  await put('grids', city.grids);
  await put('stations', city.stations);
  const stations = await codeIds(tx, 'station', districtCode);
  await put('beats', resolve(city.beats, 'station_code', 'station_id', stations));
  await put('checkpoints', resolve(city.checkpoints, 'beat_code', 'beat_id', await codeIds(tx, 'beat', districtCode)));
  await put('posts', resolve(city.posts, 'station_code', 'station_id', stations));
  await put('key-places', city.keyPlaces);
  await put('roads', city.roads);
  await put('buildings', city.buildings);
  await put('cameras', city.cameras);
  await put('incidents', city.incidents);
  return counts;
}

/** One district in one transaction with its audit row (`after` gets the counts); a failure leaves nothing. */
function writeCityAudited(
  db: Db,
  city: DemoCity,
  districtCode: string,
  entity: 'demo_city' | 'demo_province',
  after: Record<string, unknown>,
): Promise<Record<string, number>> {
  return db.transaction(async (tx) => {
    const counts = await writeCity(tx, city, districtCode);
    await writeAudit(tx, { actor: 'demo-city', entity, action: 'import', after: { ...after, counts } });
    return counts;
  });
}

/**
 * Writes a generated city in one transaction with one audit row; a failure leaves the database as it was.
 */
export async function loadDemoCity(db: Db, opts: { seed: number; incidents?: number }): Promise<DemoCityLoad> {
  const t0 = performance.now();
  const city: DemoCity = generateDemoCity(opts.seed, { incidents: opts.incidents });
  const generateMs = performance.now() - t0;
  const t1 = performance.now();
  const counts = await writeCityAudited(db, city, DISTRICT_CODE, 'demo_city', { seed: opts.seed });
  return { seed: opts.seed, counts, generateMs, loadMs: performance.now() - t1 };
}

export interface ProvinceProgress {
  done: number;
  of: number;
  districtCode: string;
  counts: Record<string, number>;
  elapsedMs: number;
}

/**
 * Loads a generated province district by district, one transaction (and one audit row) per district, so a stop
 * midway keeps whole districts and memory holds one district at a time; `onProgress` hears after each.
 * @returns rows per layer over the province
 */
export async function loadProvince(
  db: Db,
  seed: number,
  opts: ProvinceOptions,
  onProgress?: (p: ProvinceProgress) => void,
): Promise<Record<string, number>> {
  const p = province(seed, opts);
  const total: Record<string, number> = {};
  const t0 = performance.now();
  for (let k = 0; k < p.districtCount; k++) {
    const d = p.district(k);
    const counts = await writeCityAudited(db, d.city, d.districtCode, 'demo_province', {
      seed,
      district: d.districtCode,
    });
    for (const [layer, n] of Object.entries(counts)) total[layer] = (total[layer] ?? 0) + n;
    onProgress?.({
      done: k + 1,
      of: p.districtCount,
      districtCode: d.districtCode,
      counts,
      elapsedMs: performance.now() - t0,
    });
  }
  return total;
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
