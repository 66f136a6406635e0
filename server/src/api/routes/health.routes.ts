import type { Db } from '../../db/client.js';
import { healthAnswer } from '../../contract/session.js';
import { healthMonitor } from '../../services/health.service.js';
import { regionAnswer } from '../../contract/region.js';
import { regionOf } from '../../services/region.service.js';
import { RouteGroup } from '../route.js';

/**
 * GET /api/v1/health: `{ status }` (503 when the database's last answer is stale or a ping failed: the service's
 * monitor); signed in, also the mode and versions.
 * GET /api/v1/region: the area the loaded data is about (the header's name), whether it is the demo city, its sources.
 */
export function healthRoutes(db: Db): RouteGroup {
  const health = healthMonitor(db);
  return new RouteGroup('health')
    .add(
      {
        method: 'get',
        path: '/health',
        permission: 'public',
        summary: 'Liveness; database mode and versions for signed-in users',
        response: { schema: healthAnswer },
        problems: { 503: 'the database does not answer' },
      },
      async (_in, { res, user }) => {
        const answer = await health(user !== undefined);
        if (answer.status !== 'ok') res.status(503);
        return answer;
      },
    )
    .add(
      {
        method: 'get',
        path: '/region',
        permission: 'read',
        summary: 'The admin area the data covers (its name for the header), demo city or not, sources to credit',
        response: { schema: regionAnswer },
      },
      () => regionOf(db),
    );
}
