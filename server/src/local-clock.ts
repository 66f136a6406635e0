import { wallClockOf, zonedToIso } from './import/zoned-time.js';

/** The deployment's zone when GRIDPATROL_TZ is not set: the project's first users are in China. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** IANA names are letters, digits and `_ + - /`; anything else is refused before it reaches SQL as a literal. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/** Whether `zone` is an IANA time zone this platform knows. */
export function isTimeZone(zone: string): boolean {
  if (!ZONE_NAME.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The deployment's local zone (`GRIDPATROL_TZ`, an IANA name, default Asia/Shanghai): every hour and weekday analysis,
 * grade day, tile time filter, patrol clock and import default reads time in it. Read on each call, so a test (or a
 * restart with a new environment) sees the change; config.ts refuses a bad value at start.
 */
export function localTimeZone(env: NodeJS.ProcessEnv = process.env): string {
  const zone = env.GRIDPATROL_TZ?.trim() || DEFAULT_TIME_ZONE;
  if (!isTimeZone(zone))
    throw new Error(`GRIDPATROL_TZ: "${zone}" is not an IANA time zone (e.g. Asia/Shanghai, America/Chicago)`);
  return zone;
}

/**
 * The local zone as an SQL string literal, for `AT TIME ZONE …`. Safe to splice: the name matched ZONE_NAME (no quote
 * can be in it) and is a zone Intl knows; it comes from the environment, never from a request.
 */
export function tzSql(): string {
  return `'${localTimeZone()}'`;
}

/** The local calendar day (YYYY-MM-DD) holding an instant. */
export function localDay(at: Date, zone = localTimeZone()): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The instant of local midnight starting `day` (YYYY-MM-DD), as an ISO string (UTC). */
export function localMidnight(day: string, zone = localTimeZone()): string {
  const [y, m, d] = day.split('-').map(Number);
  return zonedToIso(y ?? 1970, m ?? 1, d ?? 1, 0, 0, 0, zone);
}

/** An instant as local wall-clock time with its offset, e.g. 2026-08-31T00:00:00+08:00 (seconds precision). */
export function toLocalIso(at: Date, zone = localTimeZone()): string {
  const { wallMs, offsetMinutes: offset } = wallClockOf(at.getTime(), zone);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const sign = offset < 0 ? '-' : '+';
  return `${new Date(wallMs).toISOString().slice(0, 19)}${sign}${p2(Math.floor(Math.abs(offset) / 60))}:${p2(Math.abs(offset) % 60)}`;
}
