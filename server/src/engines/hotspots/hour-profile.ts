import { at } from '../shared/checked.js';
/** Counts by weekday (0 = Monday … 6 = Sunday) × hour of day (0–23), in the region's local time. */
export type HourWeekMatrix = readonly (readonly number[])[];

export interface PeakPeriod {
  /** First hour of the run, 0–23. */
  fromHour: number;
  /** Hour after the last one of the run (may wrap past midnight: 22 → 2 means 22:00–02:00). */
  toHour: number;
  /** Share of all incidents in the run's hours. */
  share: number;
}

export interface HourProfile {
  /** Totals per hour over all weekdays. */
  byHour: number[];
  /** Totals per weekday. */
  byWeekday: number[];
  /** Runs of consecutive hours (wrapping at midnight) whose hourly total is ≥ `peakFactor` × the mean hour. */
  peaks: PeakPeriod[];
  /** The busiest weekday × hour cell. */
  busiest: { weekday: number; hour: number; count: number };
}

/**
 * The planners' 24×7 view (易发案时段): totals by hour and weekday and the peak periods to staff.
 * @param matrix 7 rows (Monday first) of 24 counts
 * @param peakFactor an hour is "peak" when its total is at least this multiple of the mean hour. Default 1.25.
 */
export function hourProfile(matrix: HourWeekMatrix, peakFactor = 1.25): HourProfile {
  if (matrix.length !== 7 || matrix.some((row) => row.length !== 24)) {
    throw new RangeError('hourProfile: expected 7 rows (Monday … Sunday) of 24 hourly counts');
  }
  const byHour = Array.from({ length: 24 }, (_, h) => matrix.reduce((s, row) => s + at(row, h), 0));
  const byWeekday = matrix.map((row) => row.reduce((s, v) => s + v, 0));
  const total = byHour.reduce((s, v) => s + v, 0);
  const isPeak = byHour.map((v) => total > 0 && v >= (peakFactor * total) / 24);
  const peaks: PeakPeriod[] = [];
  if (isPeak.every(Boolean)) {
    peaks.push({ fromHour: 0, toHour: 0, share: 1 });
  } else if (total > 0) {
    // Start scanning just after a quiet hour so a run across midnight is found whole.
    const start = (isPeak.indexOf(false) + 1) % 24;
    let run: number[] = [];
    for (let k = 0; k <= 24; k++) {
      const h = (start + k) % 24;
      if (k < 24 && isPeak[h]) {
        run.push(h);
      } else if (run.length) {
        const first = at(run, 0);
        const sum = run.reduce((s, x) => s + at(byHour, x), 0);
        peaks.push({ fromHour: first, toHour: (first + run.length) % 24, share: sum / total });
        run = [];
      }
    }
  }
  let busiest = { weekday: 0, hour: 0, count: -1 };
  matrix.forEach((row, d) => {
    row.forEach((count, hour) => {
      if (count > busiest.count) busiest = { weekday: d, hour, count };
    });
  });
  return { byHour, byWeekday, peaks, busiest };
}
