import { describe, expect, it } from 'vitest';
import { hourProfile } from './hour-profile.js';

describe('hourProfile', () => {
  it('when incidents peak in the evening and around midnight, then the peak runs are found across midnight', () => {
    // A weekday: 10 an hour, 40 at 19–21 h, 30 at 23 h and 0 h; weekend days double it.
    const hourly = Array.from({ length: 24 }, (_, h) => (h >= 19 && h <= 21 ? 40 : h === 23 || h === 0 ? 30 : 10));
    const matrix = Array.from({ length: 7 }, (_, d) => hourly.map((v) => (d >= 5 ? v * 2 : v)));
    const p = hourProfile(matrix);
    // Weekly totals are 9 × the weekday row (5 + 2·2), so the mean hour is 9 · (19·10 + 3·40 + 2·30)/24 = 9 · 15.42 and
    // the peak threshold 1.25 × that = 9 · 19.27: the 40s and 30s pass, the 10s do not.
    expect(p.peaks.map(({ fromHour, toHour }) => [fromHour, toHour])).toEqual([
      [19, 22],
      [23, 1],
    ]);
    const total = p.byHour.reduce((s, v) => s + v, 0);
    expect(p.peaks[0]?.share).toBeCloseTo((3 * 40 * 9) / total, 12);
    expect(p.byWeekday[5]).toBe(2 * p.byWeekday[0]!);
    expect(p.busiest).toEqual({ weekday: 5, hour: 19, count: 80 });
  });

  it('when the matrix is not 7 × 24, then it says what it expected', () => {
    expect(() => hourProfile([[1, 2, 3]])).toThrow(/7 rows .* of 24/);
  });

  it('when there are no incidents, then there are no peaks', () => {
    expect(hourProfile(Array.from({ length: 7 }, () => Array(24).fill(0))).peaks).toEqual([]);
  });
});
