/**
 * The deployment's zone (GRIDPATROL_TZ, from the session): every hour the server answers is a local hour of it, so
 * the app labels hours with it rather than with the browser's own zone, which may differ.
 */
let zone = 'Asia/Shanghai';

export function setLocalZone(z: string): void {
  zone = z;
}

export const localZone = (): string => zone;

/** "Asia/Shanghai GMT+8": the zone's name and its offset now. */
export function zoneLabel(): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' })
      .formatToParts(new Date())
      .find((p) => p.type === 'timeZoneName');
    return part ? `${zone} ${part.value}` : zone;
  } catch {
    return zone;
  }
}

/** Today's local date (YYYY-MM-DD) and the local time now (HH:MM) in the deployment's zone. */
export function localNow(at = new Date()): { day: string; hhmm: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { day: `${get('year')}-${get('month')}-${get('day')}`, hhmm: `${get('hour')}:${get('minute')}` };
}

/** Zones with a name people say (北京时间) rather than Intl's (中国标准时间); the key is under `zone.names` in i18n. */
const SPOKEN_ZONE: Record<string, string> = {
  'Asia/Shanghai': 'beijing',
  'Asia/Chongqing': 'beijing',
  'Asia/Harbin': 'beijing',
  'Asia/Urumqi': 'urumqi',
  'Asia/Hong_Kong': 'hong_kong',
};

/**
 * The deployment's zone as a reader sees it next to an hour: "北京时间 (Asia/Shanghai)", "Beijing time
 * (Asia/Shanghai)", or Intl's long name of any other zone, e.g. "Central Standard Time (America/Chicago)".
 * @param spoken the word for the zones of SPOKEN_ZONE, from i18n (`zone.names.<key>`); undefined → Intl's name
 */
export function zoneDisplay(lang: string, spoken: (key: string) => string | undefined): string {
  const key = SPOKEN_ZONE[zone];
  const word = key ? spoken(key) : undefined;
  if (word) return `${word} (${zone})`;
  try {
    const part = new Intl.DateTimeFormat(lang, { timeZone: zone, timeZoneName: 'long' })
      .formatToParts(new Date())
      .find((p) => p.type === 'timeZoneName');
    return part ? `${part.value} (${zone})` : zone;
  } catch {
    return zone;
  }
}
