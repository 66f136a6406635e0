import type { Db } from '../../db/client.js';
import { healthAnswer } from '../../contract/session.js';
import { health } from '../../services/health.service.js';
import { RouteGroup } from '../route.js';

/** GET /api/v1/health: `{ status }` (503 when the database does not answer); signed in, also the mode and versions. */
export function healthRoutes(db: Db): RouteGroup {
  return new RouteGroup('health').add(
    {
      method: 'get',
      path: '/health',
      permission: 'public',
      summary: 'Liveness; database mode and versions for signed-in users',
      response: { schema: healthAnswer },
      problems: { 503: 'the database does not answer' },
    },
    async (_in, { res, user }) => {
      const answer = await health(db, user !== undefined);
      if (answer.status !== 'ok') res.status(503);
      return answer;
    },
  );
}
