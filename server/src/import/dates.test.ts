import { describe, expect, it } from 'vitest';
import { inferDateOrder, parseDate, parseDateTime } from './dates.js';

describe('dates in the forms people type', () => {
  it('when dates are written US-style, Chinese-style or with slashes, then each is the same instant in the zone given', () => {
    const chicago = 'America/Chicago';
    expect(parseDateTime('12/31/2013 10:05:00 PM', chicago, 'mdy')).toBe('2014-01-01T04:05:00.000Z');
    expect(parseDateTime('12/31/2013', chicago, 'mdy', '10:05:00 PM')).toBe('2014-01-01T04:05:00.000Z');
    const sh = 'Asia/Shanghai';
    expect(parseDateTime('2024年1月2日 8时', sh, 'mdy')).toBe('2024-01-02T00:00:00.000Z');
    expect(parseDateTime('2024年1月2日 8时30分', sh, 'mdy')).toBe('2024-01-02T00:30:00.000Z');
    expect(parseDateTime('2024/1/2 8:00', sh, 'mdy')).toBe('2024-01-02T00:00:00.000Z');
    expect(parseDateTime('2024-01-02', sh, 'mdy', '下午3:15')).toBe('2024-01-02T07:15:00.000Z');
    expect(parseDateTime('02/01/2024 08:00', sh, 'dmy')).toBe('2024-01-02T00:00:00.000Z');
    expect(parseDateTime('2026-03-02T08:00:00+08:00', chicago, 'mdy'), 'an offset is kept').toBe(
      '2026-03-02T00:00:00.000Z',
    );
    expect(parseDateTime('13/13/2024 08:00', sh, 'mdy')).toBeUndefined();
    expect(parseDateTime('2024-02-30 08:00', sh, 'mdy')).toBeUndefined();
    expect(parseDate('2024年1月2日', 'mdy')).toBe('2024-01-02');
  });

  it('when one value of a column has a first part above 12, then the column is day-first; a second part above 12, month-first', () => {
    expect(inferDateOrder(['01/02/2024', '12/31/2013'])).toBe('mdy');
    expect(inferDateOrder(['01/02/2024', '31/12/2013 08:00'])).toBe('dmy');
    expect(inferDateOrder(['01/02/2024', '2024-01-02'])).toBeUndefined();
  });
});
