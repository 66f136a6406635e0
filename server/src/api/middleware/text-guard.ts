import type { RequestHandler } from 'express';
import { ValidationError } from '../../errors.js';

/**
 * PostgreSQL text cannot hold U+0000, and a NUL in a name is never meant: refuse it at the edge with its field path
 * instead of letting the database fail the statement. JSON nesting is bounded by the body limit; the walk is iterative.
 */
export const refuseNulCharacters: RequestHandler = (req, _res, next) => {
  const stack: [unknown, string][] = [[req.body, '']];
  while (stack.length) {
    const [v, path] = stack.pop() as [unknown, string];
    if (typeof v === 'string') {
      if (v.includes('\u0000'))
        throw new ValidationError('Text may not contain the NUL character', [
          { path: path || 'body', message: 'contains U+0000' },
        ]);
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => {
        stack.push([x, `${path}[${i}]`]);
      });
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\u0000'))
          throw new ValidationError('Text may not contain the NUL character', [
            { path: path || 'body', message: 'a key contains U+0000' },
          ]);
        stack.push([x, path ? `${path}.${k}` : k]);
      }
    }
  }
  next();
};
