import type { PatrolStopInput } from './patrol.js';

/**
 * Hot-spot dosage (Koper 1995, "Just enough police presence"): stops of 10–16 minutes at a hot place deter longest,
 * and a place should not go more than about two hours without one. A hot place becomes one visit per 2-hour period
 * of the shift, each arriving inside its period and at most 2 hours after the one before; it got its dosage when
 * every period's visit is in the plan (so the place was never left longer than the period).
 */
export const DOSAGE_MIN_MINUTES = 10;
export const DOSAGE_MAX_MINUTES = 16;

export interface DosageOptions {
  /** Minutes a unit stays at each visit, 10–16 (Koper's band); default 15. */
  dwellMinutes?: number;
  /** Longest time between visits, hours; default 2. */
  revisitHours?: number;
}

/**
 * The visits a hot place needs in a shift, as patrol stops `<id>#1`, `<id>#2`, …: each with its period's window and
 * a score bonus above any ordinary prize (so dosage is served before the rest of the shift goes to other places).
 */
export function dosageVisits(
  place: Omit<PatrolStopInput, 'dwellSeconds' | 'kind' | 'window' | 'group' | 'maxGapSeconds' | 'bonus'>,
  shiftSeconds: number,
  opts: DosageOptions = {},
): PatrolStopInput[] {
  const dwell = Math.min(DOSAGE_MAX_MINUTES, Math.max(DOSAGE_MIN_MINUTES, opts.dwellMinutes ?? 15)) * 60;
  const period = (opts.revisitHours ?? 2) * 3600;
  const count = Math.max(1, Math.ceil(shiftSeconds / period - 1e-9));
  return Array.from({ length: count }, (_, j) => ({
    ...place,
    id: `${place.id}#${j + 1}`,
    kind: 'prize' as const,
    dwellSeconds: dwell,
    // Arrive inside the period, with time to stay the whole visit before the shift ends.
    window: [j * period, Math.max(j * period, Math.min((j + 1) * period, shiftSeconds - dwell))] as const,
    group: place.id,
    maxGapSeconds: period,
    bonus: 10,
  }));
}

export interface DosageReport {
  id: string;
  visitsNeeded: number;
  /** Arrival seconds into the shift of the visits in the plan. */
  arrivals: number[];
  dosed: boolean;
}

/** Which hot places got their dosage in a plan (by the stop ids dosageVisits made). */
export function dosageReport(
  hotIds: readonly string[],
  visitsNeeded: number,
  planned: readonly { id: string; arrivalSeconds: number }[],
): DosageReport[] {
  return hotIds.map((id) => {
    const arrivals = planned
      .filter((s) => s.id.startsWith(`${id}#`))
      .map((s) => s.arrivalSeconds)
      .sort((a, b) => a - b);
    return { id, visitsNeeded, arrivals, dosed: arrivals.length >= visitsNeeded };
  });
}
