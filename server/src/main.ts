import { mkdir } from 'node:fs/promises';
import pino from 'pino';
import { createApp } from './app.js';
import { fairUseLimitsOf, loadConfig } from './config.js';
import { openDb } from './db/client.js';
import { migrate } from './db/migrate.js';
import { seedDemoCityIfEmpty } from './services/demo-city.service.js';
import { createDemoUsers, ensureAdminFromEnv } from './services/auth.service.js';
import { ensureWebBuilt } from './web-app.js';
import { defaultJobManager } from './jobs/default-jobs.js';

const config = loadConfig();
const logger = pino({ level: config.LOG_LEVEL });

async function main(): Promise<void> {
  await ensureWebBuilt((msg) => logger.info(msg));
  if (!config.DATABASE_URL) await mkdir(config.GRIDPATROL_DATA_DIR, { recursive: true });
  logger.info(
    config.DATABASE_URL ? 'opening PostGIS server' : `opening embedded database in ${config.GRIDPATROL_DATA_DIR}`,
  );
  const db = await openDb({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.GRIDPATROL_DATA_DIR,
    schema: config.GRIDPATROL_DB_SCHEMA,
    readUrls: config.DATABASE_READ_URL,
    replicaRetryMs: config.DATABASE_READ_RETRY_SECONDS * 1000,
    log: logger,
  });
  if (config.DATABASE_READ_URL) logger.info({ replicas: config.DATABASE_READ_URL.length }, 'reading from replicas');
  const applied = await migrate(db);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  if (config.GRIDPATROL_DEMO === '1') await seedDemoCityIfEmpty(db, config.GRIDPATROL_DEMO_SEED, logger);
  const admin = await ensureAdminFromEnv(db, config.GRIDPATROL_ADMIN_USER, config.GRIDPATROL_ADMIN_PASSWORD);
  if (admin) logger.info({ username: admin.username }, 'first admin created from GRIDPATROL_ADMIN_USER');
  if (config.GRIDPATROL_DEMO === '1') {
    // A demo database with no account yet: one per role with a random password, shown once here and never stored in clear.
    const demo = await createDemoUsers(db);
    if (demo.length) {
      console.log('Demo accounts (passwords shown once; change them or add users with `npm run user`):');
      for (const u of demo) console.log(`  ${u.role.padEnd(12)} ${u.username.padEnd(18)} ${u.password}`);
    }
  }

  const jobs = defaultJobManager(db);
  const orphaned = await jobs.recover();
  if (orphaned) logger.info({ orphaned }, 'jobs left running by the last process marked failed');
  const app = createApp({
    db,
    logger,
    jobs,
    trustProxy: config.GRIDPATROL_TRUST_PROXY,
    fairUse: fairUseLimitsOf(config),
  });
  const server = app.listen(config.PORT, config.HOST, () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
    console.log(`gridpatrol is running at http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}/`);
  });
  const shutdown = () => {
    server.close(() => void db.close().then(() => process.exit(0)));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'gridpatrol failed to start');
  process.exit(1);
});
