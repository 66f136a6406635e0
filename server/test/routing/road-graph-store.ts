import type { Queryable } from '../../src/db/client.js';
import type { RoadGraph } from '../../src/engines/routing/index.js';

/**
 * Writes a graph's edges into `table` in the shape pgRouting reads (id, source, target, cost, reverse_cost; node ids
 * are our node index + 1), so pgr_* functions run on exactly the graph the engine searched.
 */
export async function storeEdgesForPgRouting(db: Queryable, g: RoadGraph, table: string): Promise<void> {
  await db.exec(`DROP TABLE IF EXISTS ${table};
    CREATE TABLE ${table} (id bigint PRIMARY KEY, source bigint, target bigint, cost float8, reverse_cost float8)`);
  const ids = Array.from({ length: g.edgeCount }, (_, e) => e + 1);
  await db.query(
    `INSERT INTO ${table} SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::float8[], $5::float8[])`,
    [
      ids,
      Array.from(g.edgeSource, (v) => v + 1),
      Array.from(g.edgeTarget, (v) => v + 1),
      Array.from(g.edgeCost),
      Array.from(g.edgeReverseCost),
    ],
  );
}
