import { parse } from 'csv-parse/sync';
import { LAYERS, type LayerName } from '../contract/layers.js';
import { ValidationError } from '../errors.js';
import type { ImportFeature } from './types.js';
import { parseTimestamp } from './zoned-time.js';

export interface CsvOptions {
  /** Column names of the coordinates; detected from lon/lng/longitude/x and lat/latitude/y when absent. */
  lonColumn?: string;
  latColumn?: string;
  /** Zone of timestamps written without an offset. Default Asia/Shanghai. */
  timeZone?: string;
}

/** Header names other systems use for our columns (police exports, the Chicago data portal). */
const ALIASES: Record<string, string> = {
  date: 'occurred_at', datetime: 'occurred_at', time: 'occurred_at', occurred: 'occurred_at',
  primary_type: 'category', type: 'category', id: 'external_id', case_number: 'external_id',
};

const norm = (h: string) => h.trim().toLowerCase().replace(/[\s-]+/g, '_');

/**
 * CSV with a header row and coordinate columns as point features of one layer. Values are converted to the column's
 * type (numbers, booleans, timestamps in `timeZone`); a row without coordinates is reported, not guessed.
 */
export function readCsv(text: string, layer: LayerName, opts: CsvOptions = {}): ImportFeature[] {
  const rows = parse(text, { columns: true, skip_empty_lines: true, bom: true, trim: true }) as Record<string, string>[];
  const header = Object.keys(rows[0] ?? {});
  const find = (given: string | undefined, names: string[]) =>
    given ?? header.find((h) => names.includes(norm(h)));
  const lonCol = find(opts.lonColumn, ['lon', 'lng', 'long', 'longitude', 'x']);
  const latCol = find(opts.latColumn, ['lat', 'latitude', 'y']);
  if (!lonCol || !latCol) {
    throw new ValidationError('No coordinate columns', [{ path: 'header', message: `need lon/lat columns, found: ${header.join(', ')}` }]);
  }
  const def = LAYERS[layer];
  const tz = opts.timeZone ?? 'Asia/Shanghai';
  const mapping = new Map<string, string>();
  for (const h of header) {
    if (h === lonCol || h === latCol) continue;
    const n = norm(h);
    const col = def.columns.find((c) => c.name === n) ?? def.columns.find((c) => c.name === ALIASES[n]);
    // First header wins when two map to one column (e.g. "ID" and "Case Number").
    if (col && ![...mapping.values()].includes(col.name)) mapping.set(h, col.name);
    else mapping.set(h, n);
  }
  return rows.map((row, i) => {
    const properties: Record<string, unknown> = {};
    for (const [h, name] of mapping) {
      const raw = row[h];
      if (raw === undefined || raw === '') continue;
      const col = def.columns.find((c) => c.name === name);
      properties[name] = !col ? raw
        : col.sqlType === 'timestamptz' ? (parseTimestamp(raw, tz) ?? raw)
        : col.sqlType === 'boolean' ? /^(true|t|1|yes|y)$/i.test(raw)
        : ['integer', 'smallint', 'bigint', 'double precision'].includes(col.sqlType) ? Number(raw)
        : raw;
    }
    const lonText = row[lonCol] ?? '', latText = row[latCol] ?? '';
    const lon = lonText === '' ? Number.NaN : Number(lonText), lat = latText === '' ? Number.NaN : Number(latText);
    return { layer, geometry: { type: 'Point', coordinates: [lon, lat] }, properties, source: `row ${i + 2}` };
  });
}
