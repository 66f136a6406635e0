import type { CellValue, ColumnAsRead, ColumnType } from './source.js';

const SAMPLES = 5;

function typeOf(v: CellValue): ColumnType | null {
  if (v === null || v === '') return null;
  if (v instanceof Date) return v.getUTCHours() || v.getUTCMinutes() || v.getUTCSeconds() ? 'datetime' : 'date';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  const t = v.trim();
  if (/^[+-]?\d{1,15}$/.test(t) && !/^0\d/.test(t)) return 'integer';
  if (/^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/.test(t) && !/^0\d/.test(t)) return 'number';
  if (/^(true|false)$/i.test(t)) return 'boolean';
  if (/^\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?$/.test(t) || /^\d{1,2}\/\d{1,2}\/\d{4}$/.test(t)) return 'date';
  if (/^\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?[ T]\d{1,2}[:时]/.test(t) || /^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}/.test(t))
    return 'datetime';
  return 'text';
}

/** Widest type that holds every seen value: integer ⊂ number; date ⊂ datetime; anything else mixed is text. */
function join(a: ColumnType | null, b: ColumnType | null): ColumnType | null {
  if (a === null) return b;
  if (b === null || a === b) return a;
  const pair = new Set([a, b]);
  if (pair.has('integer') && pair.has('number')) return 'number';
  if (pair.has('date') && pair.has('datetime')) return 'datetime';
  return 'text';
}

const shown = (v: CellValue): string => (v instanceof Date ? v.toISOString() : String(v));

/** Folds rows into column descriptions; `add` each row, then `result()`. Columns keep their first-seen order. */
export class ColumnProfiler {
  private readonly cols = new Map<string, { type: ColumnType | null; samples: string[] }>();
  constructor(names: readonly string[] = []) {
    for (const n of names) this.cols.set(n, { type: null, samples: [] });
  }
  add(props: Record<string, CellValue>): void {
    for (const [k, v] of Object.entries(props)) {
      let c = this.cols.get(k);
      if (!c) {
        c = { type: null, samples: [] };
        this.cols.set(k, c);
      }
      c.type = join(c.type, typeOf(v));
      if (v !== null && v !== '' && c.samples.length < SAMPLES) {
        const s = shown(v);
        if (!c.samples.includes(s)) c.samples.push(s.length > 80 ? `${s.slice(0, 77)}…` : s);
      }
    }
  }
  result(typed?: ReadonlyMap<string, ColumnType>): ColumnAsRead[] {
    return [...this.cols].map(([name, c]) => ({
      name,
      inferredType: typed?.get(name) ?? c.type ?? 'text',
      samples: c.samples,
    }));
  }
}
