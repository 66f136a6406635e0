import type { z } from 'zod';
import { formatPath } from '../contract/features.js';
import { ValidationError, type ProblemFieldError } from '../errors.js';

/** Parses with zod; on failure throws a ValidationError that lists every offending field path. */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, what: string, prefix = ''): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const errors: ProblemFieldError[] = r.error.issues.map((i) => ({
    path: formatPath(prefix, i.path) || prefix || 'body',
    message: i.message,
  }));
  throw new ValidationError(`Invalid ${what}`, errors);
}
