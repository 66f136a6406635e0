import { z } from 'zod';

/** What the loaded data covers: the area a header names, whether it is the generated demo city, where roads came from. */
export const regionAnswer = z.object({
  /** The admin area the data is about (the one district, else the region, else the first district), or null when empty. */
  area: z.object({ code: z.string(), name: z.string(), level: z.string() }).nullable(),
  /** True only when the area is the generated demo city (loaded by the demo loader, its district code). */
  demo: z.boolean(),
  /** Data sources that need credit on the map: `openstreetmap` when any road or building carries an OSM id. */
  sources: z.array(z.enum(['openstreetmap'])),
});
export type RegionAnswer = z.infer<typeof regionAnswer>;
