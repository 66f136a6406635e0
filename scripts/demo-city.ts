/**
 * `npm run demo-city -- [--seed N] [--geojson out.geojson] [--replace]`: generates the demo city into the configured
 * database (DATABASE_URL, or the embedded one under GRIDPATROL_DATA_DIR), or only writes it out as GeoJSON.
 * `--scale province [--cities N] [--districts-per-city N] [--incidents-per-district N]` loads a province of demo
 * districts instead (default 12 × 90 districts: 414,720 grids, 20.7 M incidents), one transaction per district, with a
 * progress line each; meant for the server database (see the README for what embedded holds).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/src/config.js';
import { openDb } from '../server/src/db/client.js';
import { migrate } from '../server/src/db/migrate.js';
import { generateDemoCity } from '../server/src/engines/demo/index.js';
import type { ProvinceOptions } from '../server/src/engines/demo/province.js';
import { loadDemoCity, loadProvince } from '../server/src/services/demo-city.service.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    geojson: { type: 'string' },
    replace: { type: 'boolean', default: false },
    scale: { type: 'string', default: 'district' },
    cities: { type: 'string' },
    'districts-per-city': { type: 'string' },
    'incidents-per-district': { type: 'string' },
  },
});
const config = loadConfig();
const seed = values.seed !== undefined ? Number(values.seed) : config.GRIDPATROL_DEMO_SEED;
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
if (values.scale !== 'district' && values.scale !== 'province') throw new Error('--scale is district or province');
/** An optional positive integer flag. */
function count(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${v}`);
  return n;
}
const provinceOptions: ProvinceOptions = {
  cities: count('cities', values.cities),
  districtsPerCity: count('districts-per-city', values['districts-per-city']),
  incidentsPerDistrict: count('incidents-per-district', values['incidents-per-district']),
};

if (values.geojson) {
  const city = generateDemoCity(seed);
  const features = Object.entries(city).flatMap(([layer, rows]) =>
    Array.isArray(rows)
      ? rows.map((f) => ({ type: 'Feature', geometry: f.geometry, properties: { layer, ...f.properties } }))
      : [],
  );
  await writeFile(values.geojson, JSON.stringify({ type: 'FeatureCollection', features }));
  console.log(`wrote ${features.length} features of seed ${seed} to ${values.geojson}`);
} else {
  if (!config.DATABASE_URL) await mkdir(config.GRIDPATROL_DATA_DIR, { recursive: true });
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.GRIDPATROL_DATA_DIR });
  try {
    await migrate(db);
    const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM grid');
    if ((row?.n ?? 0) > 0 && !values.replace) {
      console.error('the database already holds grids: pass --replace to empty the feature tables first');
      process.exitCode = 2;
    } else {
      if (values.replace) {
        await db.exec(
          `TRUNCATE incident, camera, checkpoint, post, beat, station, key_place, road, building, grid, admin_area RESTART IDENTITY CASCADE`,
        );
      }
      if (values.scale === 'province') {
        const total = await loadProvince(db, seed, provinceOptions, (p) => {
          const rate = p.done / (p.elapsedMs / 1000);
          const eta = (p.of - p.done) / rate;
          console.log(
            `district ${p.done}/${p.of} ${p.districtCode}: ${p.counts.incidents ?? 0} incidents, ` +
              `${(p.elapsedMs / 1000).toFixed(0)} s so far, ~${(eta / 60).toFixed(1)} min left`,
          );
        });
        console.log(`province (seed ${seed}) loaded:`, total);
      } else {
        const load = await loadDemoCity(db, { seed });
        console.log(`demo city (seed ${seed}) loaded in ${(load.loadMs / 1000).toFixed(1)} s:`, load.counts);
      }
    }
  } finally {
    await db.close();
  }
}
