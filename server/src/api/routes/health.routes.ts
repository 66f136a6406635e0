import { Router } from 'express';
import type { Db } from '../../db/client.js';

/** GET /api/v1/health: the database mode and the PostGIS version, or 503 when the database does not answer. */
export function healthRoutes(db: Db): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    try {
      const [row] = await db.query<{ postgis: string; postgres: string }>(
        `SELECT postgis_lib_version() AS postgis, current_setting('server_version') AS postgres`,
      );
      res.json({ status: 'ok', database: { mode: db.mode, postgres: row?.postgres, postgis: row?.postgis } });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', database: { mode: db.mode }, detail: (err as Error).message });
    }
  });
  return router;
}
