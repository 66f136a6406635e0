import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Db } from './db/client.js';
import { errorHandler, notFoundHandler } from './api/middleware/error-handler.js';
import { requireSignIn } from './api/middleware/auth.js';
import { refuseNulCharacters } from './api/middleware/text-guard.js';
import { fairUseGate } from './api/middleware/fair-use.js';
import { FairUse, UNLIMITED_FAIR_USE, type FairUseLimits } from './services/fair-use.js';
import { sessionRoutes } from './api/routes/session.routes.js';
import { analysisRoutes } from './api/routes/analysis.routes.js';
import { editingRoutes } from './api/routes/editing.routes.js';
import { featureRoutes } from './api/routes/features.routes.js';
import { importRoutes } from './api/routes/import.routes.js';
import { incidentAnalysisRoutes } from './api/routes/incident-analysis.routes.js';
import { incidentCellRoutes } from './api/routes/incident-cells.routes.js';
import { healthRoutes } from './api/routes/health.routes.js';
import { buildOpenApiDocument } from './api/openapi.js';
import { routingRoutes } from './api/routes/routing.routes.js';
import { tilesRoutes } from './api/routes/tiles.routes.js';
import { serveWebApp } from './web-app.js';

export interface AppDeps {
  db: Db;
  logger: Logger;
  /**
   * Express's `trust proxy` (GRIDPATROL_TRUST_PROXY): behind a reverse proxy that terminates HTTPS, trusting it makes
   * `req.secure` follow its X-Forwarded-Proto, so the session cookie is `Secure`. Off by default: a client cannot
   * claim HTTPS (or another address for the rate limits) with a header of its own.
   */
  trustProxy?: boolean | number | string;
  /** Per-user limits on heavy analyses (services/fair-use.ts); defaults when absent. */
  fairUse?: FairUseLimits;
}

/**
 * The Express app: API under /api/v1, vector tiles under /tiles, the web app at /.
 * Built without listening so API tests run it in-process.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  // Security headers with a CSP the web app passes: everything from this origin; MapLibre's workers and images come
  // as blob:/data: URLs; inline styles are set by MapLibre, deck.gl and ECharts on their elements. No CORS headers
  // are ever sent, so other origins cannot read the API (closed by default).
  app.use(helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], workerSrc: ["'self'", 'blob:'], childSrc: ["'self'", 'blob:'],
        imgSrc: ["'self'", 'data:', 'blob:'], styleSrc: ["'self'", "'unsafe-inline'"], fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"], objectSrc: ["'none'"], baseUri: ["'self'"], frameAncestors: ["'none'"], formAction: ["'self'"],
      },
    },
    // Tiles and the web app's own modules are same-origin; no cross-origin isolation is needed.
    crossOriginEmbedderPolicy: false,
  }));
  app.set('query parser', 'extended');

  const api = express.Router();
  // Per-user limits on the heavy analyses (429 + Retry-After), after sign-in so they count per user.
  api.use(fairUseGate(new FairUse(deps.fairUse ?? UNLIMITED_FAIR_USE)));
  // Uploads take the raw body: mounted before the JSON parser.
  api.use(importRoutes(deps.db));
  api.use(express.json({ limit: '10mb' }));
  api.use(refuseNulCharacters);
  api.use(healthRoutes(deps.db));
  api.use(sessionRoutes(deps.db));
  api.use(analysisRoutes(deps.db));
  // Before the feature routes: /incidents/cells would otherwise read as /incidents/{id}.
  api.use(incidentCellRoutes(deps.db));
  api.use(incidentAnalysisRoutes(deps.db));
  api.use(routingRoutes(deps.db));
  // Before the feature routes: /grids/merge would otherwise read as /grids/{id}.
  api.use(editingRoutes(deps.db));
  api.use(featureRoutes(deps.db));
  // Signed in, with a role that may do this, for every API call but health and sign-in (api/middleware/auth.ts).
  app.use('/api/v1', requireSignIn(deps.db, '/api/v1'), api);
  const openapi = buildOpenApiDocument();
  // The API's map is for signed-in users only (it lists every route and its permission).
  app.get('/api/openapi.json', requireSignIn(deps.db, '/api/openapi.json'), (_req, res) => {
    res.json(openapi);
  });
  app.use('/tiles', requireSignIn(deps.db, '/tiles'), tilesRoutes(deps.db));
  serveWebApp(app);

  // Every unknown path, page or API, answers problem+json under the CSP above (Express's own 404 page would send
  // its own `default-src 'none'` policy, e.g. before the web app is built).
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
