import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldLocator, withFieldsLocated } from '../../src/api/field-paths.js';
import { NotFoundError, UnprocessableError } from '../../src/errors.js';

// Services name fields as their use case knows them; the edge (route helper, job kinds) places them in the request.
describe('domain fields placed by the edge', () => {
  const query = z.strictObject({ from: z.string(), format: z.enum(['json', 'gpx']).default('json') });
  const body = z.strictObject({ base: z.object({ id: z.number() }), beatId: z.number().optional() }).optional();
  const params = z.strictObject({ code: z.string() });

  it('a domain error names its field without any HTTP place until the edge locates it', () => {
    const err = new UnprocessableError('No road', [{ field: 'from', message: 'no road within 500 m' }]);
    expect(err.errors).toEqual([{ path: 'from', message: 'no road within 500 m' }]);
    err.locateFields(fieldLocator({ query }));
    expect(err.errors).toEqual([{ path: 'query.from', message: 'no road within 500 m' }]);
    // Once: a second edge (a job inside a route) does not prefix it again.
    err.locateFields(fieldLocator({ query }));
    expect(err.errors[0]?.path).toBe('query.from');
  });

  it('maps by the declared schemas: params alone, query under query., body under bodyPath', () => {
    const at = fieldLocator({ params, query, body, bodyPath: 'body' });
    expect(at('code')).toBe('code');
    expect(at('format')).toBe('query.format');
    expect(at('base.id')).toBe('body.base.id');
    expect(at('beatId')).toBe('body.beatId');
    expect(at('base[0]')).toBe('body.base[0]');
    expect(at('')).toBe('body');
    expect(at('header')).toBe('header');
    // Body paths have no prefix unless the route asks for one (as zod's body errors are named).
    expect(fieldLocator({ body })('base.id')).toBe('base.id');
    // The request as a whole: the query when there is no body; an uploaded file's body.
    expect(fieldLocator({ query })('')).toBe('query');
    expect(fieldLocator({ query, rawBody: true })('')).toBe('body');
  });

  it('leaves paths the raiser gave as paths, keeps their order, and the error leaves withFieldsLocated placed', async () => {
    const thrown = withFieldsLocated(fieldLocator({ query }), async () => {
      throw new NotFoundError('Nothing', [
        { path: 'cookie', message: 'kept' },
        { field: 'from', message: 'placed' },
        { path: 'from', message: 'a path, not a field: kept' },
      ]);
    });
    await expect(thrown).rejects.toMatchObject({
      status: 404,
      code: 'resource.not_found',
      errors: [
        { path: 'cookie', message: 'kept' },
        { path: 'query.from', message: 'placed' },
        { path: 'from', message: 'a path, not a field: kept' },
      ],
    });
  });
});
