import type { Db } from '../../db/client.js';
import { searchAnswer, searchQuery } from '../../contract/search.js';
import { searchFeatures } from '../../services/search.service.js';
import { RouteGroup } from '../route.js';

/** GET /api/v1/search: type-ahead over grid, beat, station and camera codes, place and road names, and pinyin. */
export function searchRoutes(db: Db): RouteGroup {
  return new RouteGroup('search').add(
    {
      method: 'get',
      path: '/search',
      permission: 'read',
      summary:
        'Find grids, beats, stations, cameras, key places, communities and roads by partial code, name or pinyin',
      request: { query: searchQuery },
      response: { schema: searchAnswer },
    },
    ({ query }) => searchFeatures(db, query),
  );
}
