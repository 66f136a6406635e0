import type { Db } from '../../db/client.js';
import { healthAnswer } from '../../contract/session.js';
import { health } from '../../services/health.service.js';
import { RouteGroup } from '../route.js';

/** GET /api/v1/health: the database mode and the PostGIS version, or 503 when the database does not answer. */
export function healthRoutes(db: Db): RouteGroup {
  return new RouteGroup('health').add({
    method: 'get', path: '/health', permission: 'public', summary: 'Database mode and PostGIS version',
    response: { schema: healthAnswer }, problems: { 503: 'the database does not answer' },
  }, async (_in, { res }) => {
    const answer = await health(db);
    if (answer.status !== 'ok') res.status(503);
    return answer;
  });
}
