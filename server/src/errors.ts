/**
 * Domain errors. One central handler (api/middleware/error-handler.ts) maps them to RFC 9457 problem+json.
 * Expected failures inside engines return a reason instead of throwing.
 */
export interface ProblemFieldError {
  /** JSON path of the offending field, e.g. "geometry.coordinates[0][3]". */
  path: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly type: string;
  readonly errors: ProblemFieldError[];
  readonly extra: Record<string, unknown>;
  constructor(message: string, errors: ProblemFieldError[] = [], extra: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.errors = errors;
    this.extra = extra;
  }
}

/** The request body or query does not have the expected shape. */
export class ValidationError extends AppError {
  readonly status = 400;
  readonly type = 'validation-error';
}

/** Well-formed but semantically wrong input, e.g. a self-intersecting polygon. */
export class UnprocessableError extends AppError {
  readonly status = 422;
  readonly type = 'unprocessable-entity';
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly type = 'not-found';
}

/** An edit was based on a version that is no longer current. `extra.currentVersion` tells the client what is. */
export class ConflictError extends AppError {
  readonly status = 409;
  readonly type = 'conflict';
}

/** No signed-in user (or the session expired). */
export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly type = 'unauthorized';
}

/** Signed in, but the role (or the area the user is scoped to) does not allow this. */
export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly type = 'forbidden';
}

/** The account is locked after repeated failed sign-ins. */
export class LockedError extends AppError {
  readonly status = 423;
  readonly type = 'locked';
}
