import { at } from '../engines/shared/checked.js';
// Building an Intl.DateTimeFormat costs ~0.1 ms, two per timestamp: it was a third of a 50,000-row incident import.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time of an instant in a zone (as if it were UTC, whole seconds) and the zone's offset then. */
export function wallClockOf(utcMs: number, timeZone: string): { wallMs: number; offsetMinutes: number } {
  const parts = formatterOf(timeZone).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const wallMs = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return { wallMs, offsetMinutes: Math.round((wallMs - Math.floor(utcMs / 1000) * 1000) / 60_000) };
}

/** Offset of a time zone at an instant, in minutes east of UTC, from the platform's time-zone data (Intl). */
const offsetMinutes = (utcMs: number, timeZone: string): number => wallClockOf(utcMs, timeZone).offsetMinutes;

/**
 * A local wall-clock time in an IANA zone (e.g. Chicago's records, Beijing's) as an ISO instant with offset.
 * Two passes settle the offset across a daylight-saving change.
 */
export function zonedToIso(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  timeZone: string,
): string {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  let utc = wall - offsetMinutes(wall, timeZone) * 60_000;
  utc = wall - offsetMinutes(utc, timeZone) * 60_000;
  return new Date(utc).toISOString();
}

/**
 * Reads the timestamp forms found in exports: ISO with an offset (kept), ISO without one, and US "MM/DD/YYYY hh:mm:ss AM"
 * (both read as wall-clock time in `timeZone`). Undefined when the text is none of these.
 */
export function parseTimestamp(text: string, timeZone: string): string | undefined {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  let m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$/.exec(t);
  if (m) return zonedToIso(+at(m, 1), +at(m, 2), +at(m, 3), +at(m, 4), +at(m, 5), +(m[6] ?? 0), timeZone);
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AP]M)?$/i.exec(t);
  if (m) {
    let h = +at(m, 4);
    const ampm = m[7]?.toUpperCase();
    if (ampm === 'PM' && h < 12) h += 12;
    if (ampm === 'AM' && h === 12) h = 0;
    return zonedToIso(+at(m, 3), +at(m, 1), +at(m, 2), h, +at(m, 5), +(m[6] ?? 0), timeZone);
  }
  return undefined;
}
