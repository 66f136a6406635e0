import { Router } from 'express';
import type { Db } from '../../db/client.js';

/**
 * GET /api/v1/health. Anyone: `{ status }` (200 ok, 503 when the database does not answer), for probes. Signed-in
 * users also get the database mode and the PostgreSQL and PostGIS versions: versions help an attacker pick exploits,
 * so they are not public.
 */
export function healthRoutes(db: Db): Router {
  const router = Router();
  router.get('/health', async (req, res) => {
    const signedIn = req.user !== undefined;
    try {
      const [row] = await db.query<{ postgis: string; postgres: string }>(
        `SELECT postgis_lib_version() AS postgis, current_setting('server_version') AS postgres`,
      );
      res.json(signedIn ? { status: 'ok', database: { mode: db.mode, postgres: row?.postgres, postgis: row?.postgis } } : { status: 'ok' });
    } catch (err) {
      res.status(503).json(signedIn ? { status: 'unavailable', database: { mode: db.mode }, detail: (err as Error).message } : { status: 'unavailable' });
    }
  });
  return router;
}
