import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Db } from './db/client.js';
import { errorHandler, notFoundHandler } from './api/middleware/error-handler.js';
import { analysisRoutes } from './api/routes/analysis.routes.js';
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
}

/**
 * The Express app: API under /api/v1, vector tiles under /tiles, the web app at /.
 * Built without listening so API tests run it in-process.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended');

  const api = express.Router();
  // Uploads take the raw body: mounted before the JSON parser.
  api.use(importRoutes(deps.db));
  api.use(express.json({ limit: '10mb' }));
  api.use(healthRoutes(deps.db));
  api.use(analysisRoutes(deps.db));
  // Before the feature routes: /incidents/cells would otherwise read as /incidents/{id}.
  api.use(incidentCellRoutes(deps.db));
  api.use(incidentAnalysisRoutes(deps.db));
  api.use(routingRoutes(deps.db));
  api.use(featureRoutes(deps.db));
  app.use('/api/v1', api);
  const openapi = buildOpenApiDocument();
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/tiles', tilesRoutes(deps.db));
  serveWebApp(app);

  app.use('/api', notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
