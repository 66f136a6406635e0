import { z } from 'zod';

const uint = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,9})$/, 'a non-negative integer')
  .transform(Number);

/** `/tiles/{tileset}/{z}/{x}/{y}.{format}`; z at most `maxZoom`, x and y below 2^z. */
export function tileParamsSchema(maxZoom: number) {
  return z
    .object({
      tileset: z.string().max(100),
      z: uint.pipe(z.number().max(maxZoom, `at most ${maxZoom}`)),
      x: uint,
      y: uint,
      format: z.string().max(20),
    })
    .superRefine((t, ctx) => {
      const n = 2 ** t.z;
      for (const k of ['x', 'y'] as const) {
        if (t[k] >= n) ctx.addIssue({ code: 'custom', path: [k], message: `must be below 2^z = ${n} at zoom ${t.z}` });
      }
    });
}
export const tileJsonParams = z.object({ tileset: z.string().max(100) });

export const tileJsonAnswer = z
  .object({
    tilejson: z.literal('3.0.0'),
    name: z.string(),
    description: z.string(),
    scheme: z.literal('xyz'),
    tiles: z.array(z.string()),
    minzoom: z.number().int(),
    maxzoom: z.number().int(),
    bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]),
    center: z.tuple([z.number(), z.number(), z.number()]),
    vector_layers: z.array(
      z.object({
        id: z.string(),
        description: z.string(),
        minzoom: z.number().int(),
        maxzoom: z.number().int(),
        fields: z.record(z.string(), z.enum(['Number', 'String', 'Boolean'])),
      }),
    ),
  })
  .meta({ id: 'TileJSON' });
export type TileJsonAnswer = z.infer<typeof tileJsonAnswer>;
