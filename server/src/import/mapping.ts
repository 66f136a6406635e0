import { CAMERA_DEFAULTED_FIELDS } from '../db/bulk-insert.js';
import { createHash } from 'node:crypto';
import type { Geometry } from 'geojson';
import type { LayerName } from '../contract/layers.js';
import { localTimeZone } from '../local-clock.js';
import { type DateOrder, inferDateOrder, parseDate, parseDateTime } from './dates.js';
import { LAYER_SPECS, type FieldSpec } from './layer-specs.js';
import type { CellValue, RowAsRead } from './readers/source.js';
import type { ImportFeature } from './types.js';
import { DEFAULT_SPEED_KMH } from './osm.reader.js';

/**
 * Rows as read → features of one layer, by the layer's spec: columns found by name (Chinese and English synonyms,
 * DBF names cut to 10 letters), the user's `map` (target=source) and `set` (target=value for every row), values
 * converted to the column's type (dates in the forms people type, read in `timeZone`), enumerations mapped
 * (在线 → working), and the stated defaults filled in and counted.
 */
export interface MappingOptions {
  /** target column → source column, overriding the automatic choice. */
  map?: Record<string, string>;
  /** target column → one value for every row. */
  set?: Record<string, string>;
  timeZone?: string;
  dateOrder?: DateOrder;
  /** A source column whose value identifies a row across imports (instead of the layer's natural key). */
  key?: string;
  /** Geometry files number their rows as features from 0 ("feature 0"); tabular ones by spreadsheet row. */
  tabular: boolean;
}

export interface ColumnChoice {
  /** Source column, or `A + B` for date and time combined, or `= value` for `set`. */
  source: string;
  how: 'name' | 'synonym' | 'map' | 'set' | 'date+time' | 'dbf-cut';
}

export interface MappedRows {
  features: (ImportFeature & { rowKey: string })[];
  mapping: Record<string, ColumnChoice>;
  /** Columns filled with their default (or derived), with how many rows and the value. */
  defaulted: Record<string, { count: number; value: string }>;
  /** Source columns no target takes: how many rows had a value there. */
  ignored: Record<string, number>;
  dateOrder?: { value: DateOrder; reason: string };
}

export const normName = (h: string): string =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s\-.:/()（）]+/g, '_')
    .replace(/^_+|_+$/g, '');

const text = (v: CellValue): string => (v instanceof Date ? v.toISOString() : String(v)).trim();
const empty = (v: CellValue | undefined): v is null | undefined => v === undefined || v === null || text(v) === '';

/** The automatic mapping of a file's columns to a layer's fields, with the user's choices on top. */
export function chooseColumns(
  layer: LayerName,
  columns: readonly string[],
  opts: Pick<MappingOptions, 'map' | 'set'>,
): { choices: Record<string, ColumnChoice>; timeParts: Record<string, { date: string; time: string }> } {
  const spec = LAYER_SPECS[layer];
  const byNorm = new Map<string, string>();
  for (const c of columns) if (!byNorm.has(normName(c))) byNorm.set(normName(c), c);
  const used = new Set<string>();
  const choices: Record<string, ColumnChoice> = {};
  const timeParts: Record<string, { date: string; time: string }> = {};
  for (const [target, source] of Object.entries(opts.map ?? {})) {
    const found = columns.includes(source) ? source : byNorm.get(normName(source));
    if (found) {
      choices[target] = { source: found, how: 'map' };
      used.add(found);
    }
  }
  for (const target of Object.keys(opts.set ?? {})) choices[target] = { source: `= ${opts.set?.[target]}`, how: 'set' };
  const free = (n: string) => {
    const c = byNorm.get(normName(n));
    return c && !used.has(c) ? c : undefined;
  };
  for (const f of spec.fields) {
    if (choices[f.name]) continue;
    if (f.parts) {
      const time = f.parts.time.map(free).find(Boolean);
      const date = time ? f.parts.date.map(free).find(Boolean) : undefined;
      if (time && date) {
        timeParts[f.name] = { date, time };
        choices[f.name] = { source: `${date} + ${time}`, how: 'date+time' };
        used.add(date).add(time);
        continue;
      }
    }
    const exact = free(f.name);
    const syn = exact ?? f.synonyms.map(free).find(Boolean);
    if (syn) {
      choices[f.name] = { source: syn, how: exact ? 'name' : 'synonym' };
      used.add(syn);
      continue;
    }
    if (f.name.length > 10) {
      const cut = free(f.name.slice(0, 10));
      if (cut) {
        choices[f.name] = { source: cut, how: 'dbf-cut' };
        used.add(cut);
      }
    }
  }
  return { choices, timeParts };
}

function convert(f: FieldSpec, raw: CellValue, ctx: { tz: string; order: DateOrder; time?: CellValue }): unknown {
  if (raw instanceof Date) {
    if (f.type === 'date') return raw.toISOString().slice(0, 10);
    return raw.toISOString();
  }
  const t = text(raw);
  if (f.values) {
    const hit = f.values[t] ?? f.values[t.toLowerCase()];
    if (hit !== undefined) return hit;
  }
  switch (f.type) {
    case 'integer':
    case 'number': {
      if (typeof raw === 'number') return raw;
      const n = Number(t.replace(/[,，]/g, ''));
      return t !== '' && Number.isFinite(n) ? n : t;
    }
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (/^(true|t|1|yes|y)$/i.test(t)) return true;
      if (/^(false|f|0|no|n)$/i.test(t)) return false;
      return t;
    case 'date':
      return parseDate(t, ctx.order) ?? t;
    case 'datetime':
      return (
        parseDateTime(t, ctx.tz, ctx.order, ctx.time === undefined || ctx.time === null ? undefined : text(ctx.time)) ??
        t
      );
    case 'text':
      // DBF and xlsx give codes as numbers: 1713 → "1713", 1.0 → "1".
      return typeof raw === 'number' && Number.isInteger(raw) ? String(raw) : t;
    default:
      return t;
  }
}

/** sha1 of a value as canonical JSON (keys sorted). */
export function digestOf(value: unknown): string {
  const canon = (v: unknown): unknown =>
    v instanceof Date
      ? v.toISOString()
      : Array.isArray(v)
        ? v.map(canon)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
            )
          : v;
  return createHash('sha1')
    .update(JSON.stringify(canon(value)))
    .digest('hex');
}

/** The source columns the layer's date and datetime fields are read from (the date part of a Date + Time pair). */
export function dateColumnsOf(layer: LayerName, columns: readonly string[], opts: MappingOptions): string[] {
  const { choices, timeParts } = chooseColumns(layer, columns, opts);
  return LAYER_SPECS[layer].fields
    .filter((f) => f.type === 'date' || f.type === 'datetime')
    .map((f) => timeParts[f.name]?.date ?? (choices[f.name]?.how === 'set' ? undefined : choices[f.name]?.source))
    .filter((c): c is string => c !== undefined);
}

/** Day/month order: given, else what a value of the whole column settled (one value above 12), else month first. */
export function dateOrderOf(
  given: DateOrder | undefined,
  settled: DateOrder | undefined,
): NonNullable<MappedRows['dateOrder']> {
  if (given) return { value: given, reason: 'given' };
  return settled
    ? { value: settled, reason: 'a value above 12 settles it' }
    : { value: 'mdy', reason: 'not settled by the values: month first (pass dateOrder dmy for day first)' };
}

/**
 * Maps rows as read onto a layer's fields. `settledOrder` is the order settled over the whole file when the rows are
 * one chunk of it; without it the order is settled from these rows.
 */
export function mapRows(
  rows: readonly RowAsRead[],
  columns: readonly string[],
  layer: LayerName,
  opts: MappingOptions,
  settledOrder?: NonNullable<MappedRows['dateOrder']>,
): MappedRows {
  const spec = LAYER_SPECS[layer];
  const tz = opts.timeZone ?? localTimeZone();
  const { choices, timeParts } = chooseColumns(layer, columns, opts);
  const dateCols = settledOrder ? [] : dateColumnsOf(layer, columns, opts);
  const values = function* () {
    for (const r of rows)
      for (const c of dateCols) if (!empty(r.properties[c])) yield text(r.properties[c] as CellValue);
  };
  const dateOrder = settledOrder ?? dateOrderOf(opts.dateOrder, opts.dateOrder ? undefined : inferDateOrder(values()));
  const mappedSources = new Set<string>();
  for (const c of Object.values(choices)) if (c.how !== 'set' && c.how !== 'date+time') mappedSources.add(c.source);
  for (const p of Object.values(timeParts)) mappedSources.add(p.date).add(p.time);
  const defaulted: MappedRows['defaulted'] = {};
  const ignored: Record<string, number> = {};
  const countDefault = (name: string, value: unknown) => {
    const d = defaulted[name] ?? { count: 0, value: JSON.stringify(value) };
    defaulted[name] = d;
    d.count++;
  };
  const features = rows.map((row) => {
    const props: Record<string, unknown> = {};
    for (const f of spec.fields) {
      const choice = choices[f.name];
      if (choice?.how === 'set') {
        const v = opts.set?.[f.name] ?? '';
        props[f.name] = convert(f, v, { tz, order: dateOrder.value });
        continue;
      }
      const parts = timeParts[f.name];
      const raw = parts ? row.properties[parts.date] : choice ? row.properties[choice.source] : undefined;
      if (!empty(raw)) {
        props[f.name] = convert(f, raw, {
          tz,
          order: dateOrder.value,
          ...(parts ? { time: row.properties[parts.time] } : {}),
        });
      }
    }
    // Stated defaults, counted; derived values the service fills (admin area, station) are left for it.
    for (const f of spec.fields) {
      if (props[f.name] !== undefined) continue;
      if (layer === 'roads' && f.name === 'speed_kmh') {
        const cls = String(props.road_class ?? 'unclassified');
        const v = DEFAULT_SPEED_KMH[cls] ?? 30;
        props[f.name] = v;
        countDefault(f.name, `by class (${cls} ${v})`);
        continue;
      }
      if (layer === 'beats' && f.name === 'name' && typeof props.code === 'string') {
        props.name = props.code;
        countDefault('name', 'the code');
        continue;
      }
      if (f.default !== undefined && f.default !== null) {
        countDefault(f.name, f.default);
        // A camera's direction, height and type are left to the table's default (the same values), which marks
        // them unrecorded (migration 022): 建档率 must not count a default as on file.
        if (layer === 'cameras' && (CAMERA_DEFAULTED_FIELDS as readonly string[]).includes(f.name)) continue;
        props[f.name] = f.default;
      }
    }
    for (const [k, v] of Object.entries(row.properties))
      if (!mappedSources.has(k) && !empty(v) && !k.startsWith('@')) ignored[k] = (ignored[k] ?? 0) + 1;
    // The row's identity across imports: the user's key column, else a fingerprint of the whole row as read.
    const keyValue = opts.key ? row.properties[opts.key] : undefined;
    const rowKey = !empty(keyValue)
      ? `key:${opts.key}=${text(keyValue)}`
      : `row:${digestOf([row.properties, row.geometry as Geometry | null])}`;
    return {
      layer,
      geometry: row.geometry as Geometry,
      properties: props,
      source: opts.tabular ? `row ${row.rowNumber}` : `feature ${row.rowNumber - 1}`,
      rowKey,
    };
  });
  return { features, mapping: choices, defaulted, ignored, dateOrder };
}
