import { at } from '../engines/shared/checked.js';
import { zonedToIso } from './zoned-time.js';

/**
 * Dates and times in the forms people type: ISO (with or without an offset), `2024/1/2 8:00`, `2024年1月2日 8时30分`,
 * US `12/31/2013 10:05:00 PM` and day-first `31/12/2013`; a date and a time in two columns combined. Wall-clock times
 * are read in the given IANA zone.
 */
export type DateOrder = 'mdy' | 'dmy';

interface Wall {
  y: number;
  mo: number;
  d: number;
}
interface Clock {
  h: number;
  mi: number;
  s: number;
}

const SLASHED = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;

/** Which of `a/b/yyyy` is the month, from the values of a whole column: settled by one value above 12. */
export function inferDateOrder(values: Iterable<string>): DateOrder | undefined {
  for (const v of values) {
    const m = SLASHED.exec(v.trim().split(/[ T]/)[0] ?? '');
    if (!m) continue;
    if (Number(m[1]) > 12) return 'dmy';
    if (Number(m[2]) > 12) return 'mdy';
  }
  return undefined;
}

function valid(w: Wall): boolean {
  if (w.mo < 1 || w.mo > 12 || w.d < 1 || w.d > 31 || w.y < 1800 || w.y > 2200) return false;
  const dt = new Date(Date.UTC(w.y, w.mo - 1, w.d));
  return dt.getUTCDate() === w.d;
}

export function parseDatePart(text: string, order: DateOrder): Wall | undefined {
  const t = text.trim();
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(t);
  if (m) {
    const w = { y: +at(m, 1), mo: +at(m, 2), d: +at(m, 3) };
    return valid(w) ? w : undefined;
  }
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (m) {
    const w = { y: +at(m, 1), mo: +at(m, 2), d: +at(m, 3) };
    return valid(w) ? w : undefined;
  }
  m = SLASHED.exec(t);
  if (m) {
    const a = +at(m, 1);
    const b = +at(m, 2);
    const w = order === 'mdy' ? { y: +at(m, 3), mo: a, d: b } : { y: +at(m, 3), mo: b, d: a };
    return valid(w) ? w : undefined;
  }
  return undefined;
}

export function parseTimePart(text: string): Clock | undefined {
  const t = text.trim();
  if (t === '') return { h: 0, mi: 0, s: 0 };
  let m = /^(上午|下午|晚上)?\s*(\d{1,2})(?::(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*([AaPp][Mm])?$/.exec(t);
  let h: number;
  let mi: number;
  let s: number;
  let pm: boolean | undefined;
  if (m && (m[3] !== undefined || m[5] !== undefined || m[1] !== undefined)) {
    h = +at(m, 2);
    mi = +(m[3] ?? 0);
    s = +(m[4] ?? 0);
    if (m[5]) pm = m[5].toUpperCase() === 'PM';
    else if (m[1]) pm = m[1] !== '上午';
  } else {
    m = /^(\d{1,2})[时点](?:(\d{1,2})分(?:(\d{1,2})秒)?)?$/.exec(t);
    if (!m) return undefined;
    h = +at(m, 1);
    mi = +(m[2] ?? 0);
    s = +(m[3] ?? 0);
  }
  if (pm !== undefined) {
    if (h < 1 || h > 12) return undefined;
    if (pm && h < 12) h += 12;
    if (!pm && h === 12) h = 0;
  }
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return { h, mi, s };
}

/** A date (no time): `YYYY-MM-DD`, or undefined. */
export function parseDate(text: string, order: DateOrder): string | undefined {
  const w = parseDatePart(text.trim().split(/[ T]/)[0] ?? '', order);
  return w ? `${w.y}-${String(w.mo).padStart(2, '0')}-${String(w.d).padStart(2, '0')}` : undefined;
}

/** A timestamp as an ISO instant, `date` and `time` given together or apart; undefined when not a timestamp. */
export function parseDateTime(text: string, timeZone: string, order: DateOrder, timeText?: string): string | undefined {
  const t = text.trim();
  if (timeText === undefined && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  // Split the date from the time: at "T", at the first space, or after 日.
  const m = /^(\S+?日|[^\sT]+)(?:[T\s]\s*(.*))?$/.exec(t);
  if (!m) return undefined;
  const w = parseDatePart(m[1] ?? '', order);
  const c = parseTimePart(timeText ?? m[2] ?? '');
  if (!w || !c) return undefined;
  return zonedToIso(w.y, w.mo, w.d, c.h, c.mi, c.s, timeZone);
}
