import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localDay, localMidnight, toLocalIso } from '../../src/local-clock.js';
import { areaHourProfile } from '../../src/services/incidents.service.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

/**
 * GRIDPATROL_TZ: the same incidents read in two zones give the same hour profile shifted by the zones' offset difference
 * (Asia/Shanghai UTC+8, America/Chicago UTC−6 in January: 14 hours), with the hours written out here from UTC.
 */
let t: TestDb;
const saved = process.env.GRIDPATROL_TZ;
beforeAll(async () => {
  t = await openTestDb();
  // 10 incidents at 02:00 UTC and 3 at 15:30 UTC on Tuesday 2026-01-13 (h3 columns are not read by the profile).
  await t.db.exec(`INSERT INTO incident (occurred_at, category, h3_r7, h3_r8, h3_r9, h3_r10, geom)
    SELECT ts, '盗窃', 0, 0, 0, 0, ST_SetSRID(ST_MakePoint(118.78, 32.04), 4326)
    FROM (SELECT '2026-01-13T02:00:00Z'::timestamptz AS ts FROM generate_series(1, 10)
          UNION ALL SELECT '2026-01-13T15:30:00Z'::timestamptz FROM generate_series(1, 3)) x`);
});
afterEach(() => {
  if (saved === undefined) delete process.env.GRIDPATROL_TZ;
  else process.env.GRIDPATROL_TZ = saved;
});
afterAll(async () => t?.dispose());

const peaks = (m: number[][]) =>
  m.flatMap((row, d) => row.flatMap((n, h) => (n > 0 ? [{ weekday: d + 1, hour: h, n }] : [])));

describe('local clock', () => {
  it('when the zone changes from Asia/Shanghai to America/Chicago, then the hour profile shifts by 14 hours', async () => {
    process.env.GRIDPATROL_TZ = 'Asia/Shanghai';
    const shanghai = await areaHourProfile(t.db, {});
    // 02:00Z = 10:00 Tuesday; 15:30Z = 23:30 Tuesday (UTC+8).
    expect(peaks(shanghai.matrix)).toEqual([
      { weekday: 2, hour: 10, n: 10 },
      { weekday: 2, hour: 23, n: 3 },
    ]);
    process.env.GRIDPATROL_TZ = 'America/Chicago';
    const chicago = await areaHourProfile(t.db, {});
    // 02:00Z = 20:00 Monday; 15:30Z = 09:30 Tuesday (UTC−6).
    expect(peaks(chicago.matrix)).toEqual([
      { weekday: 1, hour: 20, n: 10 },
      { weekday: 2, hour: 9, n: 3 },
    ]);
  });

  it('when days and midnights are read, then they follow the zone, daylight saving included', () => {
    const at = new Date('2026-07-01T03:00:00Z');
    expect(localDay(at, 'Asia/Shanghai')).toBe('2026-07-01');
    expect(localDay(at, 'America/Chicago')).toBe('2026-06-30');
    expect(localMidnight('2026-07-01', 'America/Chicago')).toBe('2026-07-01T05:00:00.000Z'); // CDT, UTC−5
    expect(localMidnight('2026-01-01', 'America/Chicago')).toBe('2026-01-01T06:00:00.000Z'); // CST, UTC−6
    expect(toLocalIso(new Date('2026-08-30T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-08-31T00:00:00+08:00');
    expect(toLocalIso(new Date('2026-07-01T05:00:00Z'), 'America/Chicago')).toBe('2026-07-01T00:00:00-05:00');
  });

  it('when GRIDPATROL_TZ is not a zone, then it is refused with a readable reason', async () => {
    process.env.GRIDPATROL_TZ = "Asia/Shanghai'; DROP TABLE incident; --";
    await expect(areaHourProfile(t.db, {})).rejects.toThrow(/not an IANA time zone/);
  });
});
