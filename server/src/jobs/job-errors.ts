import type { ProblemCode } from '../contract/problem-codes.js';
import { AppError, type ProblemFieldError } from '../errors.js';

const PROBLEM_BASE = 'https://gridpatrol.dev/problems/';

/** RFC 9457 problem details as a failed job keeps them. */
export interface JobProblem {
  type: string;
  title: string;
  status: number;
  instance?: string;
  errors?: ProblemFieldError[];
  [extension: string]: unknown;
}

/** Too many jobs of one user at once: 429 with Retry-After. */
export class JobLimitError extends AppError {
  static readonly defaultCode: ProblemCode = 'job.limit';
  readonly status = 429;
  readonly type = 'too-many-jobs';
  readonly retryAfterSeconds = 10;
  constructor(limit: number) {
    super(
      `At most ${limit} jobs may run at once per user; wait for one to finish or cancel one`,
      [{ path: 'kind', message: `limit ${limit}` }],
      { limit },
    );
  }
}

/** The problem+json a failed job keeps: an AppError as the API would answer it; anything else without internals. */
export function problemOf(err: unknown, instance: string): JobProblem {
  if (err instanceof AppError) {
    return {
      type: PROBLEM_BASE + err.type,
      title: err.message,
      status: err.status,
      code: err.code,
      instance,
      ...(err.errors.length ? { errors: err.errors } : {}),
      ...err.extra,
    };
  }
  // A worker's own failure: its message says what broke (engine messages carry no secrets), never a stack.
  const message = err instanceof Error ? err.message : String(err);
  return {
    type: PROBLEM_BASE + 'job-failed',
    title: 'The job failed',
    status: 500,
    code: 'job.failed',
    instance,
    detail: message.slice(0, 500),
  };
}
