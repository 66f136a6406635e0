import { z } from 'zod';

/** What a search hit can be: the layers a person looks for by name or code. */
export const SEARCH_KINDS = ['grid', 'beat', 'station', 'camera', 'key_place', 'community', 'road'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** How a hit matched, best first: the whole code, the start of the code, the start of the name, inside the name, pinyin. */
export const SEARCH_MATCHES = ['code', 'code_prefix', 'name_prefix', 'name', 'pinyin'] as const;

/** `GET /api/v1/search?q=&limit=`: partial codes and names, and pinyin (initials "dxg" or full "daxinggong"). */
export const searchQuery = z.strictObject({
  q: z.string().trim().min(1, 'type at least one character').max(100),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export type SearchQuery = z.output<typeof searchQuery>;

export const searchHit = z.object({
  kind: z.enum(SEARCH_KINDS),
  /** Row id in the layer (for `GET /api/v1/{layer}/{id}`); a road hit is every segment of that name: null. */
  id: z.number().int().nullable(),
  code: z.string().nullable(),
  name: z.string(),
  /** Bounding box [minLon, minLat, maxLon, maxLat], to zoom so that the whole feature fits. */
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  match: z.enum(SEARCH_MATCHES),
});
export type SearchHit = z.infer<typeof searchHit>;

export const searchAnswer = z.object({ q: z.string(), hits: z.array(searchHit) });
export type SearchAnswer = z.infer<typeof searchAnswer>;
