import type { Queryable } from '../client.js';

/**
 * The one writer of the edit trail: audit rows (`audit_log`, migration 002), the stored versions of plans
 * (`plan_version`, migration 013) and the context the grid/beat version trigger reads (`area_version`, migration 005).
 * Every edit path calls these inside the transaction of the edit itself, so a rolled-back edit leaves no trail.
 */

/** The actions `audit_log` accepts (its CHECK constraint, migrations 002, 005 and 006). */
export type AuditAction =
  | 'create'
  | 'update'
  | 'delete'
  | 'import'
  | 'reshape'
  | 'split'
  | 'merge'
  | 'assign'
  | 'align'
  | 'district'
  | 'sign_in'
  | 'sign_out'
  | 'sign_in_failed'
  | 'locked';

export interface AuditEntry {
  /** Who did it: a username, or a tool name (`demo-city`). */
  actor: string;
  /** What kind of thing: a table name (`grid`, `camera`, `plan`, `app_user`) or an operation (`import`). */
  entity: string;
  /** Which one; absent or null for an operation over many rows (an import). */
  entityId?: string | null;
  action: AuditAction;
  /**
   * The state before and after, stored as jsonb. Absent (`undefined`) stores SQL NULL; any other value is stored as
   * JSON, so `null` is stored as the JSON null (the area and plan edits have always written it that way).
   */
  before?: unknown;
  after?: unknown;
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

/** Writes one audit row. */
export async function writeAudit(tx: Queryable, e: AuditEntry): Promise<void> {
  await tx.query(
    'INSERT INTO audit_log (actor, entity, entity_id, action, before, after) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)',
    [e.actor, e.entity, e.entityId ?? null, e.action, json(e.before), json(e.after)],
  );
}

/**
 * Tells the version trigger (migration 005) who is editing and why, for the rest of the transaction. The change kind
 * and parent codes are for splits, merges and the like; a plain edit leaves them empty.
 */
export async function stampEdit(
  tx: Queryable,
  actor: string,
  change = '',
  parents: readonly string[] = [],
): Promise<void> {
  await tx.query(
    `SELECT set_config('gridpatrol.actor', $1, true), set_config('gridpatrol.change', $2, true),
    set_config('gridpatrol.parents', $3, true)`,
    [actor, change, parents.length ? `{${parents.join(',')}}` : ''],
  );
}

/** Stores one version of a plan: its name and whole assignment (grid code → beat code) as saved. */
export async function writePlanVersion(
  tx: Queryable,
  v: {
    planId: number;
    version: number;
    name: string;
    change: 'create' | 'update' | 'apply';
    assignment: ReadonlyMap<string, string>;
    actor: string;
  },
): Promise<void> {
  await tx.query(
    'INSERT INTO plan_version (plan_id, version, name, change, assignment, actor) VALUES ($1, $2, $3, $4, $5::jsonb, $6)',
    [v.planId, v.version, v.name, v.change, JSON.stringify(Object.fromEntries(v.assignment)), v.actor],
  );
}
