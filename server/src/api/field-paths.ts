import { z } from 'zod';
import { AppError } from '../errors.js';

/** Where one route takes its input: the schemas it validates with and the prefix of body paths in problems. */
export interface RequestInputs {
  params?: z.ZodType | undefined;
  query?: z.ZodType | undefined;
  body?: z.ZodType | undefined;
  /** Prefix of body field paths ('' by default, as body validation errors are named). */
  bodyPath?: string | undefined;
  /** The body is an uploaded file (no schema). */
  rawBody?: boolean | undefined;
}

/** The top-level keys a schema accepts (an object, or one wrapped in optional/default/pipe/union). */
function topKeys(schema: z.ZodType | undefined): ReadonlySet<string> {
  if (!schema) return new Set();
  if (schema instanceof z.ZodObject) return new Set(Object.keys(schema.shape));
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault)
    return topKeys(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodPipe) return topKeys(schema.in as z.ZodType);
  if (schema instanceof z.ZodUnion) return new Set(schema.options.flatMap((o) => [...topKeys(o as z.ZodType)]));
  return new Set();
}

const join = (prefix: string, field: string): string => (prefix && field ? `${prefix}.${field}` : prefix || field);

/**
 * Maps a domain field (errors.ts `DomainFieldError`) to its path in the request, the way validation errors name it:
 * a key of the path parameters stands alone, a query key under `query.`, a body key under the route's `bodyPath`; ''
 * (the request as a whole) is the body when the route takes one, else the query. A field no schema declares keeps
 * its name.
 */
export function fieldLocator(inputs: RequestInputs): (field: string) => string {
  const params = topKeys(inputs.params);
  const query = topKeys(inputs.query);
  const body = topKeys(inputs.body);
  const bodyPath = inputs.bodyPath ?? '';
  return (field) => {
    if (field === '') return inputs.body || inputs.rawBody ? bodyPath || 'body' : inputs.query ? 'query' : '';
    const root = field.split(/[.[]/, 1)[0] ?? field;
    if (params.has(root)) return field;
    if (query.has(root)) return join('query', field);
    if (body.has(root)) return join(bodyPath, field);
    return field;
  };
}

/** Runs `fn`; an AppError it throws leaves with its domain fields placed by `pathOf`. */
export async function withFieldsLocated<T>(pathOf: (field: string) => string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError) err.locateFields(pathOf);
    throw err;
  }
}
