/**
 * Child process of the fault test: imports a CSV of incidents into one schema of the server database, and is killed
 * (SIGKILL) by the test while it writes. argv: schema, csv file.
 */
import { readFile } from 'node:fs/promises';
import { openDb } from '../../src/db/client.js';
import { importFile } from '../../src/import/import.service.js';

const [schema, file] = process.argv.slice(2) as [string, string];
const db = await openDb({ databaseUrl: process.env.DATABASE_URL, schema, maxConnections: 1 });
console.log('importing');
await importFile(db, new Uint8Array(await readFile(file)), {
  fileName: 'big.csv',
  format: 'csv',
  crs: 'wgs84',
  actor: 'fault-test',
  layer: 'incidents',
  onProgress: (share, phase) => console.log(`progress ${phase} ${share.toFixed(3)}`),
});
console.log('imported');
await db.close();
