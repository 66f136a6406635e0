import type { ProblemCode } from './contract/problem-codes.js';

/**
 * Domain errors. Services raise them with a stable `code` (contract/problem-codes.ts) and `params`; one central
 * handler (api/middleware/error-handler.ts) maps them to RFC 9457 problem+json. Expected failures inside engines
 * return a reason instead of throwing.
 */
export interface ProblemFieldError {
  /** JSON path of the offending field, e.g. "geometry.coordinates[0][3]". */
  path: string;
  message: string;
}

/**
 * An offending field named as the use case knows it (`from`, `base.id`; '' for the request as a whole), not where
 * HTTP carried it: the edge (api/field-paths.ts) puts it under `query.`, `body.` or the path from the route's schemas.
 */
export interface DomainFieldError {
  field: string;
  message: string;
}

export type { ProblemCode };

/** What an error carries besides its message: field errors, extension members (`params`), and a code. */
export type ErrorParams = Record<string, unknown> & { code?: ProblemCode };

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly type: string;
  readonly code: ProblemCode;
  /** The problem's `errors`: a domain field stands under its own name until `locateFields` places it. */
  readonly errors: ProblemFieldError[];
  /** Extension members of the problem (e.g. `currentVersion`), without `code`. */
  readonly extra: Record<string, unknown>;
  /** The domain fields among `errors` (by index), while the edge has not placed them yet. */
  #unplaced: { index: number; field: string }[] = [];
  constructor(
    message: string,
    errors: readonly (ProblemFieldError | DomainFieldError)[] = [],
    params: ErrorParams = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.errors = errors.map((e, index) => {
      if (!('field' in e)) return e;
      this.#unplaced.push({ index, field: e.field });
      return { path: e.field, message: e.message };
    });
    const { code, ...extra } = params;
    // The class's own default when the raiser names none (each subclass declares `defaultCode`).
    this.code = code ?? (new.target as unknown as { defaultCode: ProblemCode }).defaultCode;
    this.extra = extra;
  }

  /** Gives each domain field its path in the request (`from` → `query.from`); once, by the edge that received it. */
  locateFields(pathOf: (field: string) => string): this {
    for (const { index, field } of this.#unplaced) {
      const e = this.errors[index];
      if (e) this.errors[index] = { path: pathOf(field), message: e.message };
    }
    this.#unplaced = [];
    return this;
  }
}

/** The request body or query does not have the expected shape. */
export class ValidationError extends AppError {
  static readonly defaultCode: ProblemCode = 'request.invalid';
  readonly status = 400;
  readonly type = 'validation-error';
}

/** Well-formed but semantically wrong input, e.g. a self-intersecting polygon. */
export class UnprocessableError extends AppError {
  static readonly defaultCode: ProblemCode = 'value.invalid';
  readonly status = 422;
  readonly type = 'unprocessable-entity';
}

export class NotFoundError extends AppError {
  static readonly defaultCode: ProblemCode = 'resource.not_found';
  readonly status = 404;
  readonly type = 'not-found';
}

/** A write clashes with the stored state (a key taken, …). */
export class ConflictError extends AppError {
  static readonly defaultCode: ProblemCode = 'key.taken';
  readonly status = 409;
  readonly type = 'conflict';
}

/** An edit was based on a version that is no longer current. `currentVersion(s)` tell the client what is. */
export class StaleVersionError extends ConflictError {
  static override readonly defaultCode: ProblemCode = 'version.stale';
}

/** No signed-in user (or the session expired). */
export class UnauthorizedError extends AppError {
  static readonly defaultCode: ProblemCode = 'auth.signed_out';
  readonly status = 401;
  readonly type = 'unauthorized';
}

/** Signed in, but the role (or the area the user is scoped to) does not allow this. */
export class ForbiddenError extends AppError {
  static readonly defaultCode: ProblemCode = 'auth.forbidden';
  readonly status = 403;
  readonly type = 'forbidden';
}

/** The account is locked after repeated failed sign-ins. */
export class LockedError extends AppError {
  static readonly defaultCode: ProblemCode = 'auth.locked';
  readonly status = 423;
  readonly type = 'locked';
}
