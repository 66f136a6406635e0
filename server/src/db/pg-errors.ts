import { ConflictError, UnprocessableError, type AppError } from '../errors.js';

/** The fields both `pg` and PGlite put on a database error. */
interface DbErrorFields {
  code?: string;
  detail?: string;
  constraint?: string;
  message?: string;
}

/**
 * Turns a constraint violation into the problem the client should see (with the offending property as the field
 * path), or returns undefined for anything else. Codes: https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
export function problemFromDbError(err: unknown, table?: string): AppError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as DbErrorFields;
  const column = /Key \(([a-z_]+)\)=/.exec(e.detail ?? '')?.[1];
  const path = column ? `properties.${column}` : 'properties';
  switch (e.code) {
    case '23505':
      return new ConflictError(`Another feature already has this ${column ?? 'key'}`, [
        { path, message: e.detail ?? 'duplicate key' },
      ]);
    case '23503':
      return new UnprocessableError(`A referenced feature does not exist`, [
        { path, message: e.detail ?? 'foreign key violation' },
      ]);
    case '23514':
      return new UnprocessableError('A value breaks a rule of the data model', [
        { path: checkPath(e.constraint, table), message: `violates ${e.constraint ?? 'a check constraint'}` },
      ]);
    case '23502':
      return new UnprocessableError('A required value is missing', [
        { path: 'properties', message: e.message ?? 'not null violation' },
      ]);
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
      return new UnprocessableError('A value has the wrong form', [
        { path: 'properties', message: e.message ?? 'bad value' },
      ]);
    default:
      return undefined;
  }
}

/** "grid_worker_phone_check" → "properties.worker_phone" (PostgreSQL names checks table_column_check). */
function checkPath(constraint: string | undefined, table: string | undefined): string {
  if (!constraint || !table || !constraint.startsWith(`${table}_`)) return 'properties';
  const column = constraint.slice(table.length + 1).replace(/_check\d*$/, '');
  if (!/^[a-z0-9_]+$/.test(column) || column === constraint) return 'properties';
  return column === 'geom' ? 'geometry' : `properties.${column}`;
}
