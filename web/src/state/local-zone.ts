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
