import type { Queryable } from '../../src/db/client.js';

/**
 * Tables whose content is derived and rebuilt on demand (the routable network from `road`): a read may refill them,
 * so "nothing changed" leaves them out. Sessions change with every sign-in. A read analysis runs as a job: its job row
 * and its kept result are bookkeeping of the read, not data.
 */
const DERIVED = new Set([
  'road_edge',
  'road_network_state',
  'user_session',
  'spatial_ref_sys',
  'schema_migrations',
  'job',
  'analysis_result',
]);

/** One md5 per table of the schema in use, over every row as text in a fixed order: equal maps mean equal data. */
export async function tableChecksums(db: Queryable): Promise<Record<string, string>> {
  const tables = await db.query<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const out: Record<string, string> = {};
  for (const { t } of tables) {
    if (DERIVED.has(t)) continue;
    // Table names come from the catalogue, quoted as identifiers; no value is interpolated.
    const [row] = await db.query<{ h: string | null; n: number }>(
      `SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) AS h, count(*)::int AS n FROM "${t.replace(/"/g, '""')}" x`,
    );
    out[t] = `${row?.n ?? 0}:${row?.h ?? '-'}`;
  }
  return out;
}
