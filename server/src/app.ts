import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Db } from './db/client.js';
import { errorHandler, notFoundHandler } from './api/middleware/error-handler.js';
import { attachUser } from './api/middleware/auth.js';
import { fairUseGate } from './api/middleware/fair-use.js';
import { requireAccess } from './api/route.js';
import { FairUse, UNLIMITED_FAIR_USE, type FairUseLimits } from './services/fair-use.js';
import { sessionRoutes } from './api/routes/session.routes.js';
import { analysisRoutes } from './api/routes/analysis.routes.js';
import { editingRoutes } from './api/routes/editing.routes.js';
import { exportRoutes } from './api/routes/export.routes.js';
import { featureRoutes } from './api/routes/features.routes.js';
import { importRoutes } from './api/routes/import.routes.js';
import { incidentAnalysisRoutes } from './api/routes/incident-analysis.routes.js';
import { healthRoutes } from './api/routes/health.routes.js';
import { buildOpenApiDocument } from './api/openapi.js';
import { planRoutes } from './api/routes/plans.routes.js';
import { routingRoutes } from './api/routes/routing.routes.js';
import { searchRoutes } from './api/routes/search.routes.js';
import { tilesRoutes } from './api/routes/tiles.routes.js';
import { xueliangRoutes } from './api/routes/xueliang.routes.js';
import { serveWebApp } from './web-app.js';
import { defaultJobManager } from './jobs/default-jobs.js';
import { jobRoutes } from './jobs/jobs.routes.js';
import type { JobManager } from './jobs/job-manager.js';

export interface AppDeps {
  db: Db;
  logger: Logger;
  /** Jobs (worker pool, job table); default: the process's pool and every job kind. */
  jobs?: JobManager;
  /**
   * Express's `trust proxy` (GRIDPATROL_TRUST_PROXY): behind a reverse proxy that terminates HTTPS, trusting it makes
   * `req.secure` follow its X-Forwarded-Proto, so the session cookie is `Secure`. Off by default: a client cannot
   * claim HTTPS (or another address for the rate limits) with a header of its own.
   */
  trustProxy?: boolean | number | string;
  /** Per-user limits on heavy analyses (services/fair-use.ts); none when absent (main.ts passes the configured ones). */
  fairUse?: FairUseLimits;
}

/**
 * The Express app: API under /api/v1, vector tiles under /tiles, the web app at /.
 * Built without listening so API tests run it in-process.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  // Paths match exactly: `/Users`, `/accept/`, `%61ccept` or `accept;x` are no route (404), never a looser one.
  // Set before the first app.use: Express makes its router, with these options, on first use.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  // Security headers with a CSP the web app passes: everything from this origin; MapLibre's workers and images come
  // as blob:/data: URLs; inline styles are set by MapLibre, deck.gl and ECharts on their elements. No CORS headers
  // are ever sent, so other origins cannot read the API (closed by default).
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          workerSrc: ["'self'", 'blob:'],
          childSrc: ["'self'", 'blob:'],
          imgSrc: ["'self'", 'data:', 'blob:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
        },
      },
      // Tiles and the web app's own modules are same-origin; no cross-origin isolation is needed.
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.set('query parser', 'extended');

  // Route order matters where a fixed path and a parameter share a prefix: /grids/merge before /grids/{id}.
  const jobs = deps.jobs ?? defaultJobManager(deps.db);
  const api = [
    importRoutes(deps.db),
    healthRoutes(deps.db),
    sessionRoutes(deps.db),
    jobRoutes(jobs),
    // Before analysisRoutes: nothing there shares its paths, but keep the fixed /analysis/coverage/bands first.
    xueliangRoutes(deps.db),
    analysisRoutes(deps.db, jobs),
    incidentAnalysisRoutes(deps.db, jobs),
    routingRoutes(deps.db, jobs),
    planRoutes(deps.db, jobs),
    editingRoutes(deps.db, jobs),
    searchRoutes(deps.db),
    // Before the features: /grids/export is not /grids/{id}.
    exportRoutes(deps.db, jobs),
    featureRoutes(deps.db),
  ];
  const tiles = tilesRoutes(deps.db);
  // Who is calling (from the session cookie); each route then checks its own permission (api/route.ts).
  app.use(['/api/v1', '/tiles', '/api/openapi.json'], attachUser(deps.db));
  // Per-user limits on the heavy analyses (429 + Retry-After), once the user is known.
  app.use('/api/v1', fairUseGate(new FairUse(deps.fairUse ?? UNLIMITED_FAIR_USE)));
  for (const group of api) app.use('/api/v1', group.router);
  app.use('/tiles', tiles.router);
  const openapi = buildOpenApiDocument([...api, tiles].flatMap((g) => g.docs));
  // The API's map (every route and its permission) is for signed-in users only.
  app.get('/api/openapi.json', requireAccess('signed_in', 'get', '/api/openapi.json'), (_req, res) => {
    res.json(openapi);
  });
  serveWebApp(app);

  // Every unknown path, page or API, answers problem+json under the CSP above (Express's own 404 page would send
  // its own `default-src 'none'` policy, e.g. before the web app is built).
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
