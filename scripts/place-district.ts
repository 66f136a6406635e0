/**
 * `npm run place-district -- <district code> --on postgres://user@host:port/db [--name SERVER] [--schema S]`: moves
 * the district's incidents to another PostgreSQL/PostGIS server, where they stay a partition of `incident`
 * (postgres_fdw), so the app reads the province as before. The other server needs PostGIS installed; this one runs
 * as a role that may create postgres_fdw and foreign servers (a superuser, or one granted USAGE on the wrapper).
 * `npm run place-district -- <district code> --home`: brings its incidents back here (the other server's copy stays).
 * `npm run place-district -- --list`: the districts that live elsewhere. Server database only (DATABASE_URL).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/src/config.js';
import { openDb } from '../server/src/db/client.js';
import { migrate } from '../server/src/db/migrate.js';
import {
  bringDistrictHome,
  districtPlacements,
  placeDistrict,
} from '../server/src/services/district-placement.service.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    on: { type: 'string' },
    name: { type: 'string' },
    schema: { type: 'string' },
    home: { type: 'boolean' },
    list: { type: 'boolean' },
  },
});
const [district] = positionals;
const usage =
  'usage: npm run place-district -- <district code> --on postgres://user@host:port/db [--name SERVER] [--schema S]\n' +
  '       npm run place-district -- <district code> --home\n' +
  '       npm run place-district -- --list';
const config = loadConfig();
if (!config.DATABASE_URL) {
  console.error('place-district works on the server database: set DATABASE_URL');
  process.exit(2);
}
if (!values.list && (!district || (!values.home && !values.on))) {
  console.error(usage);
  process.exit(2);
}
const db = await openDb({ databaseUrl: config.DATABASE_URL, maxConnections: 2 });
try {
  // The placement functions come with migration 021: a database not yet at it gets there first, as `npm start` does.
  await migrate(db);
  if (values.list) {
    const list = await districtPlacements(db);
    if (list.length === 0) console.log('every district lives on this server');
    for (const p of list) console.log(`${p.districtCode}\t${p.server}\t${p.remoteTable}`);
  } else if (values.home && district) {
    const { rows } = await bringDistrictHome(db, district, 'place-district');
    console.log(`district ${district}: ${rows} incidents back on this server (drop the other server's copy when done)`);
  } else if (values.on && district) {
    const placed = await placeDistrict(db, {
      districtCode: district,
      remoteUrl: values.on,
      ...(values.name ? { serverName: values.name } : {}),
      ...(values.schema ? { remoteSchema: values.schema } : {}),
      actor: 'place-district',
    });
    console.log(
      `district ${district}: ${placed.rows} incidents now on ${placed.server} (${placed.remoteTable})` +
        (placed.serverMade ? ', foreign server made' : ''),
    );
  }
} finally {
  await db.close();
}
