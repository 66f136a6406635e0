import type { Queryable } from '../client.js';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobRow {
  id: string;
  kind: string;
  ownerId: number;
  params: unknown;
  state: JobState;
  progress: number;
  stage: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  deadlineMs: number;
  resultId: number | null;
  error: unknown;
}

const COLUMNS = `id::text AS id, kind, owner_id AS "ownerId", params, state, progress, stage, created_at AS "createdAt",
  started_at AS "startedAt", finished_at AS "finishedAt", deadline_ms AS "deadlineMs", result_id AS "resultId", error`;

export async function insertJob(
  db: Queryable,
  j: { id: string; kind: string; ownerId: number; params: unknown; deadlineMs: number },
): Promise<void> {
  await db.query(
    `INSERT INTO job (id, kind, owner_id, params, state, deadline_ms) VALUES ($1, $2, $3, $4::jsonb, 'queued', $5)`,
    [j.id, j.kind, j.ownerId, JSON.stringify(j.params), j.deadlineMs],
  );
}

/** Writes a job's state; the stored progress and stage are the last reported (live progress stays in memory). */
export async function updateJob(
  db: Queryable,
  id: string,
  u: {
    state: JobState;
    progress: number;
    stage: string | null;
    startedAt?: Date | null;
    finishedAt?: Date | null;
    resultId?: number | null;
    error?: unknown;
  },
): Promise<void> {
  await db.query(
    `UPDATE job SET state = $2, progress = $3, stage = $4, started_at = coalesce($5, started_at),
    finished_at = coalesce($6, finished_at), result_id = coalesce($7, result_id), error = coalesce($8::jsonb, error) WHERE id = $1`,
    [
      id,
      u.state,
      u.progress,
      u.stage,
      u.startedAt ?? null,
      u.finishedAt ?? null,
      u.resultId ?? null,
      u.error === undefined ? null : JSON.stringify(u.error),
    ],
  );
}

export async function findJob(db: Queryable, id: string): Promise<JobRow | undefined> {
  const [row] = await db.query<JobRow>(`SELECT ${COLUMNS} FROM job WHERE id = $1`, [id]);
  return row;
}

/** Jobs newest first: one owner's, or everyone's (owner undefined). */
export async function listJobs(
  db: Queryable,
  opts: { ownerId?: number; kind?: string; limit: number },
): Promise<JobRow[]> {
  return db.query<JobRow>(
    `SELECT ${COLUMNS} FROM job WHERE ($1::bigint IS NULL OR owner_id = $1) AND ($2::text IS NULL OR kind = $2)
    ORDER BY created_at DESC LIMIT $3`,
    [opts.ownerId ?? null, opts.kind ?? null, opts.limit],
  );
}

/** Jobs left queued or running by a process that stopped: they cannot finish any more. */
export async function failOrphanedJobs(db: Queryable): Promise<number> {
  const rows = await db.query(
    `UPDATE job SET state = 'failed', finished_at = now(), error = $1::jsonb
    WHERE state IN ('queued', 'running') RETURNING id`,
    [
      JSON.stringify({
        type: 'https://gridpatrol.dev/problems/job-interrupted',
        title: 'The server stopped while this job ran',
        status: 503,
      }),
    ],
  );
  return rows.length;
}

/** table_version of each named table, as one stable string. */
export async function dataVersions(db: Queryable, tables: readonly string[]): Promise<string> {
  const rows = await db.query<{ table_name: string; version: string }>(
    `SELECT table_name, version::text AS version FROM table_version WHERE table_name = ANY($1::text[]) ORDER BY table_name`,
    [tables],
  );
  return rows.map((r) => `${r.table_name}:${r.version}`).join(',');
}

export async function findResult(
  db: Queryable,
  kind: string,
  paramsKey: string,
  versions: string,
): Promise<{ id: number; result: unknown } | undefined> {
  const [row] = await db.query<{ id: number; result: unknown }>(
    `SELECT id, result FROM analysis_result WHERE kind = $1 AND params_key = $2 AND data_versions = $3`,
    [kind, paramsKey, versions],
  );
  return row;
}

export async function resultById(db: Queryable, id: number): Promise<unknown> {
  const [row] = await db.query<{ result: unknown }>(`SELECT result FROM analysis_result WHERE id = $1`, [id]);
  return row?.result;
}

/** Keeps a result; the same question on the same data keeps the first answer. */
export async function saveResult(
  db: Queryable,
  r: { kind: string; paramsKey: string; params: unknown; versions: string; result: unknown; createdBy: number },
): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO analysis_result (kind, params_key, params, data_versions, result, created_by) VALUES ($1, $2, $3::jsonb, $4, $5::jsonb, $6)
     ON CONFLICT (kind, params_key, data_versions) DO UPDATE SET kind = EXCLUDED.kind RETURNING id`,
    [r.kind, r.paramsKey, JSON.stringify(r.params), r.versions, JSON.stringify(r.result), r.createdBy],
  );
  return row?.id ?? 0;
}
