import { match } from 'pinyin-pro';
import type { Db } from '../db/client.js';
import type { SEARCH_MATCHES, SearchAnswer, SearchHit, SearchQuery } from '../contract/search.js';
import { searchableNames, searchableVersion, searchContaining, type SearchRow } from '../db/repos/search.repo.js';

type Match = (typeof SEARCH_MATCHES)[number];
const RANK: Record<Match, number> = { code: 0, code_prefix: 1, name_prefix: 2, name: 3, pinyin: 4 };
/** Rows read for one substring search before ranking (the answer keeps `limit` of them). */
const CONTAINING_CAP = 500;
/** Names kept for pinyin matching: a district's grids, beats, places and roads; a province needs a stored column. */
const PINYIN_INDEX_CAP = 50_000;

/** The pinyin index per database, rebuilt when the searchable tables change (counts or last edit). */
const indexes = new WeakMap<Db, { version: string; rows: SearchRow[] }>();

// Search is a map read, so it goes to the replicas (Db.reader); the version and the names it keys are read on one of
// them together, or a replica behind another would keep old names under a fresh version.
function pinyinIndex(db: Db): Promise<SearchRow[]> {
  return db.readTogether(async () => {
    const version = await searchableVersion(db.reader);
    const known = indexes.get(db);
    if (known?.version === version) return known.rows;
    const rows = (await searchableNames(db.reader, PINYIN_INDEX_CAP)).filter((r) => /[\u3400-\u9fff]/.test(r.name));
    indexes.set(db, { version, rows });
    return rows;
  });
}

/** How a substring hit matched `text`: the whole code, its start, the name's start, or inside the name. */
function howMatched(r: SearchRow, text: string): Match {
  const q = text.toLowerCase();
  const code = r.code?.toLowerCase();
  if (code === q) return 'code';
  if (code?.startsWith(q)) return 'code_prefix';
  if (r.name.toLowerCase().startsWith(q)) return 'name_prefix';
  return 'name';
}

/**
 * Finds grids, beats, stations, cameras, key places, communities and roads by a partial code or name, and by pinyin
 * when the text is Latin letters: initials ("dxg" → 大行宫) or whole syllables ("daxinggong"), polyphones included
 * (pinyin-pro's `match`, continuous characters). Best matches first: exact code, code prefix, name prefix, inside the
 * name, pinyin (earlier in the name first); then shorter names.
 */
export async function searchFeatures(db: Db, query: SearchQuery): Promise<SearchAnswer> {
  const text = query.q.trim();
  const scored: { hit: SearchHit; rank: number; at: number }[] = [];
  const seen = new Set<string>();
  const add = (r: SearchRow, how: Match, at: number) => {
    const key = `${r.kind}:${r.id ?? r.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    scored.push({ hit: { ...r, match: how }, rank: RANK[how], at });
  };
  for (const r of await searchContaining(db.reader, text, CONTAINING_CAP)) {
    const how = howMatched(r, text);
    add(r, how, how === 'name' ? r.name.toLowerCase().indexOf(text.toLowerCase()) : 0);
  }
  if (/^[a-z]+$/i.test(text)) {
    for (const r of await pinyinIndex(db)) {
      const at = match(r.name, text, { continuous: true, insensitive: true, precision: 'start' });
      if (at?.length) add(r, 'pinyin', at[0] ?? 0);
    }
  }
  scored.sort(
    (a, b) =>
      a.rank - b.rank ||
      a.at - b.at ||
      a.hit.name.length - b.hit.name.length ||
      (a.hit.name < b.hit.name ? -1 : a.hit.name > b.hit.name ? 1 : 0),
  );
  return { q: text, hits: scored.slice(0, query.limit).map((s) => s.hit) };
}
