import type { LayerName } from '../../contract/layers.js';
import { LAYER_SPECS, type FieldType } from '../layer-specs.js';

/**
 * The columns an export writes, in the import template's order and names: the layer's fields (beats: `station_code`
 * instead of another database's `station_id`) under their English name or their first Chinese synonym (the 台账
 * headers), so the import maps them back by itself. Enumerations and yes/no are written as the Chinese words the
 * import reads (在线, 枪机, 是) under Chinese headers.
 */
export interface ExportColumn {
  name: string;
  header: string;
  type: FieldType;
  /** Our value → the word a Chinese ledger writes (the first word the import maps to it). */
  words?: ReadonlyMap<string, string>;
}

export type HeaderLanguage = 'zh' | 'en';

const CJK = /[\u4e00-\u9fff]/;

export function exportColumns(layer: LayerName, lang: HeaderLanguage): ExportColumn[] {
  const fields = LAYER_SPECS[layer].fields.filter((f) => (layer === 'beats' ? f.name !== 'station_id' : !f.importOnly));
  return fields.map((f) => {
    const zh = f.synonyms.find((s) => CJK.test(s));
    const col: ExportColumn = { name: f.name, header: lang === 'zh' && zh ? zh : f.name, type: f.type };
    if (lang === 'zh' && f.values && (f.type === 'enum' || f.type === 'boolean')) {
      const words = new Map<string, string>();
      for (const [word, v] of Object.entries(f.values))
        if (CJK.test(word) && !words.has(String(v))) words.set(String(v), word);
      col.words = words;
    }
    return col;
  });
}

/** A stored value as the text a table cell holds ('' for none). */
export function cellText(c: ExportColumn, v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return c.words?.get(s) ?? s;
}
