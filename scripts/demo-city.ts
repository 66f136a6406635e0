/**
 * `npm run demo-city -- [--seed N] [--geojson out.geojson] [--replace]`: generates the demo city into the configured
 * database (DATABASE_URL, or the embedded one under GRIDPATROL_DATA_DIR), or only writes it out as GeoJSON.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/src/config.js';
import { openDb } from '../server/src/db/client.js';
import { migrate } from '../server/src/db/migrate.js';
import { generateDemoCity } from '../server/src/engines/demo/index.js';
import { loadDemoCity } from '../server/src/services/demo-city.service.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    geojson: { type: 'string' },
    replace: { type: 'boolean', default: false },
  },
});
const config = loadConfig();
const seed = values.seed !== undefined ? Number(values.seed) : config.GRIDPATROL_DEMO_SEED;
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);

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
      const load = await loadDemoCity(db, { seed });
      console.log(`demo city (seed ${seed}) loaded in ${(load.loadMs / 1000).toFixed(1)} s:`, load.counts);
    }
  } finally {
    await db.close();
  }
}
