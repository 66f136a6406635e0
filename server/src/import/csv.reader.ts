import { LAYERS, type LayerName } from '../contract/layers.js';
import type { RowAsRead } from './readers/source.js';
import type { ImportFeature } from './types.js';
import { parseTimestamp } from './zoned-time.js';
import { localTimeZone } from '../local-clock.js';

/**
 * Rows as read (by `readers/`) → features of one layer. Interim mapping until the layer specs of the write side:
 * header names matched to columns by name and a few aliases, values converted to the column's type.
 */
export interface TabularOptions {
  /** Zone of timestamps written without an offset. Default: the deployment's (GRIDPATROL_TZ). */
  timeZone?: string;
  /** Tabular sources (CSV/xlsx) take aliases and type conversion; geometry files keep their properties as read. */
  tabular: boolean;
}

/** Header names other systems use for our columns (police exports, the Chicago data portal). */
const ALIASES: Record<string, string> = {
  date: 'occurred_at',
  datetime: 'occurred_at',
  time: 'occurred_at',
  occurred: 'occurred_at',
  primary_type: 'category',
  type: 'category',
  id: 'external_id',
  case_number: 'external_id',
};

const norm = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/**
 * DBF field names hold at most 10 characters, so `heading_deg` arrives as `heading_de`: map each cut name back to the
 * one column it can only be the start of.
 */
function untruncate(layer: LayerName): Map<string, string> {
  const out = new Map<string, string>();
  const long = LAYERS[layer].columns.map((c) => c.name).filter((n) => n.length > 10);
  for (const name of long) {
    const cut = name.slice(0, 10);
    if (long.filter((n) => n.startsWith(cut)).length === 1) out.set(cut, name);
  }
  return out;
}

export function rowsToFeatures(
  rows: readonly RowAsRead[],
  header: readonly string[],
  layer: LayerName,
  opts: TabularOptions,
): ImportFeature[] {
  const def = LAYERS[layer];
  const tz = opts.timeZone ?? localTimeZone();
  const mapping = new Map<string, string>();
  const restore = untruncate(layer);
  for (const h of header) {
    if (!opts.tabular) {
      mapping.set(h, restore.get(h) ?? h);
      continue;
    }
    const n = norm(h);
    const col = def.columns.find((c) => c.name === n) ?? def.columns.find((c) => c.name === ALIASES[n]);
    // First header wins when two map to one column (e.g. "ID" and "Case Number").
    if (col && ![...mapping.values()].includes(col.name)) mapping.set(h, col.name);
    else mapping.set(h, n);
  }
  const unit = opts.tabular ? 'row' : 'feature';
  return rows.map((row) => {
    const properties: Record<string, unknown> = {};
    for (const [h, name] of mapping) {
      const raw = row.properties[h];
      if (raw === undefined || raw === null || raw === '') continue;
      const col = def.columns.find((c) => c.name === name);
      if (!opts.tabular || !col) {
        properties[name] = raw instanceof Date ? raw.toISOString() : raw;
        continue;
      }
      const text = raw instanceof Date ? raw.toISOString() : String(raw);
      properties[name] =
        col.sqlType === 'timestamptz'
          ? raw instanceof Date
            ? text
            : (parseTimestamp(text, tz) ?? text)
          : col.sqlType === 'boolean'
            ? typeof raw === 'boolean'
              ? raw
              : /^(true|t|1|yes|y)$/i.test(text)
            : ['integer', 'smallint', 'bigint', 'double precision'].includes(col.sqlType)
              ? Number(raw)
              : text;
    }
    // The geometry is null where a row has no coordinates; validation reports it.
    return {
      layer,
      geometry: row.geometry as ImportFeature['geometry'],
      properties,
      source: `${unit} ${opts.tabular ? row.rowNumber : row.rowNumber - 1}`,
    };
  });
}
