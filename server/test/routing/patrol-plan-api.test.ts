import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The patrol plan through the API on the demo city: hot-spot dosage checked from the answer's own timeline (each
 * dosed place revisited at most every 2 hours, stops 10–16 minutes, no leg faster than the fastest road allows, by
 * PostGIS distances), and the GPX of the plan already made (its job), with no new planning.
 */
let app: TestApp;
let beat: { id: number; station_id: number };
beforeAll(async () => {
  app = await startTestApp();
  await loadDemoCity(app.db, { seed: 11, incidents: 5_000 });
  [beat] = (await app.db.query<{ id: number; station_id: number }>(
    `SELECT b.id::int AS id, b.station_id::int AS station_id FROM beat b
     JOIN checkpoint c ON ST_Contains(b.geom, c.geom) GROUP BY b.id ORDER BY count(*) DESC, b.id LIMIT 1`,
  )) as [{ id: number; station_id: number }];
});
afterAll(async () => app?.dispose());

interface Stop {
  id: string;
  kind: string;
  name: string | null;
  lon: number;
  lat: number;
  arrival: string;
  arrivalSeconds: number;
  dwellMinutes: number;
}
interface Unit {
  unit: number;
  stops: Stop[];
  line: [number, number][];
  minutes: number;
  hotPlaces: { id: string; visitsNeeded: number; arrivals: string[]; dosed: boolean }[];
  words: { zh: string; en: string };
}

const START_HOUR = 18,
  HOURS = 6,
  DWELL_MIN = 12;
const hhmm = (s: number) => {
  const m = Math.round(START_HOUR * 60 + s / 60) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

describe('hot-spot dosage through the API', () => {
  it('when dosage is asked, then each dosed place is revisited within every 2 hours, stays 10–16 min, and no leg is faster than the roads allow', async () => {
    const r = await app.call('POST', '/api/v1/routing/patrol', {
      base: { kind: 'station', id: beat.station_id },
      beatId: beat.id,
      hours: HOURS,
      startHour: START_HOUR,
      profile: 'car',
      dosage: { places: 2, dwellMinutes: DWELL_MIN },
    });
    expect(r.status, JSON.stringify(r.json).slice(0, 300)).toBe(200);
    const [unit] = (r.json as { units: Unit[] }).units;
    const stops = unit!.stops;
    expect(unit!.hotPlaces.length, 'two hot places asked').toBe(2);
    let dosedSeen = 0;
    for (const hp of unit!.hotPlaces) {
      const visits = stops
        .filter((s) => s.id.startsWith(`${hp.id}#`))
        .sort((a, b) => a.arrivalSeconds - b.arrivalSeconds);
      // Recomputed here: Koper's dosage is a visit in every 2-hour period of the shift — ceil(6 / 2) = 3 visits,
      // consecutive ones at most 7 200 s apart, the first within the first period.
      const needed = Math.ceil(HOURS / 2);
      const gaps = visits.slice(1).map((v, i) => v.arrivalSeconds - (visits[i]?.arrivalSeconds ?? 0));
      const dosed =
        visits.length >= needed &&
        gaps.every((g) => g <= 7200 + 1e-6) &&
        (visits[0]?.arrivalSeconds ?? Infinity) <= 7200;
      expect(hp.visitsNeeded).toBe(needed);
      expect(hp.dosed, `${hp.id}: visits at ${visits.map((v) => v.arrival).join(', ')}`).toBe(dosed);
      expect(hp.arrivals).toEqual(visits.map((v) => hhmm(v.arrivalSeconds)));
      for (const v of visits) {
        expect(v.dwellMinutes).toBeGreaterThanOrEqual(10);
        expect(v.dwellMinutes).toBeLessThanOrEqual(16);
        expect(v.dwellMinutes).toBe(DWELL_MIN);
      }
      if (dosed) dosedSeen++;
    }
    expect(dosedSeen, 'the demo beat can dose at least one hot place').toBeGreaterThan(0);
    expect(unit!.words.zh).toContain(`热点见警剂量 ${dosedSeen}/2`);

    // The timeline: arrivals in order, each stop's stay before the next arrival with at least the travel time a
    // straight line at the fastest road's speed needs, less the walk from each place to its nearest road (PostGIS).
    const [{ vmax } = { vmax: 0 }] = await app.db.query<{ vmax: number }>(
      `SELECT max(speed_kmh)::float8 / 3.6 AS vmax FROM road`,
    );
    const legs = await app.db.query<{ i: number; d: number }>(
      `WITH s AS (SELECT i, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS g
                  FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS u(lon, lat, i)),
            n AS (SELECT s.i, s.g, (SELECT min(ST_Distance(r.geom::geography, s.g::geography)) FROM road r
                                    WHERE ST_DWithin(r.geom, s.g, 0.01)) AS off FROM s)
       SELECT a.i::int AS i, greatest(0, ST_Distance(a.g::geography, b.g::geography) - a.off - b.off) AS d
       FROM n a JOIN n b ON b.i = a.i + 1 ORDER BY a.i`,
      [stops.map((s) => s.lon), stops.map((s) => s.lat)],
    );
    expect(legs).toHaveLength(stops.length - 1);
    for (const { i, d } of legs) {
      const a = stops[i - 1]!,
        b = stops[i]!;
      expect(b.arrivalSeconds - a.arrivalSeconds - a.dwellMinutes * 60, `${a.id} → ${b.id}`).toBeGreaterThanOrEqual(
        d / vmax - 1e-6,
      );
    }
    for (const s of stops) expect(s.arrival).toBe(hhmm(s.arrivalSeconds));
    const last = stops[stops.length - 1]!;
    expect(last.arrivalSeconds + last.dwellMinutes * 60).toBeLessThanOrEqual(HOURS * 3600 + 1e-6);
    expect(unit!.minutes).toBeLessThanOrEqual(HOURS * 60 + 1e-6);
    const checkpoints = stops.filter((s) => s.kind === 'checkpoint');
    expect(checkpoints.length).toBeGreaterThan(0);
    const names = await app.db.query<{ id: number; name: string | null }>(
      'SELECT id::int AS id, name FROM checkpoint WHERE id = ANY($1::bigint[])',
      [checkpoints.map((s) => Number(s.id.slice('checkpoint:'.length)))],
    );
    const nameOf = new Map(names.map((n) => [`checkpoint:${n.id}`, n.name]));
    for (const s of checkpoints) expect(s.name).toBe(nameOf.get(s.id));
  });
});

describe('GPX of the plan already made', () => {
  const jobCount = async (cookie?: string) => {
    const r = await app.call('GET', '/api/v1/jobs?kind=patrol&limit=200', undefined, cookie ? { cookie } : {});
    return (r.json as { jobs: unknown[] }).jobs.length;
  };

  it('when the GPX of a plan is asked by its job, then no planning runs and the GPX holds the plan’s stops and lines', async () => {
    const planner = await app.as('gpx-planner', 'planner');
    const r = await app.call(
      'POST',
      '/api/v1/routing/patrol',
      { base: { kind: 'station', id: beat.station_id }, beatId: beat.id, units: 2, hours: 3, startHour: 7 },
      { cookie: planner },
    );
    expect(r.status, JSON.stringify(r.json).slice(0, 300)).toBe(200);
    const where = r.headers.get('content-location') ?? '';
    expect(where).toMatch(/^\/api\/v1\/jobs\/[0-9a-f-]{36}$/);
    const jobId = where.slice('/api/v1/jobs/'.length);
    const units = (r.json as { units: Unit[] }).units;
    const before = await jobCount(planner);
    expect(before).toBe(1);

    const gpx = await fetch(`${app.url}/api/v1/routing/patrol/${jobId}/gpx`, { headers: { cookie: planner } });
    expect(gpx.status).toBe(200);
    expect(gpx.headers.get('content-type')).toMatch(/application\/gpx\+xml/);
    const xml = await gpx.text();
    expect(await jobCount(planner), 'no new patrol job').toBe(before);
    // Every waypoint is a planned stop with its arrival, in order; every track is a unit's line, point for point.
    const wpts = [...xml.matchAll(/<wpt lat="([-\d.]+)" lon="([-\d.]+)"><name>U(\d+) (\d\d:\d\d) ([^<]+)<\/name>/g)];
    const stops = units.flatMap((u) => u.stops.map((s) => ({ ...s, unit: u.unit })));
    expect(wpts.map((m) => [Number(m[1]), Number(m[2]), Number(m[3]), m[4], m[5]])).toEqual(
      stops.map((s) => [Number(s.lat.toFixed(7)), Number(s.lon.toFixed(7)), s.unit, s.arrival, s.id]),
    );
    const trks = xml.split('<trk>').slice(1);
    expect(trks).toHaveLength(units.length);
    trks.forEach((t, i) => {
      const pts = [...t.matchAll(/<trkpt lat="([-\d.]+)" lon="([-\d.]+)"\/>/g)].map((m) => [
        Number(m[2]),
        Number(m[1]),
      ]);
      expect(pts).toEqual(units[i]!.line.map(([lon, lat]) => [Number(lon.toFixed(7)), Number(lat.toFixed(7))]));
    });

    // Someone else's plan does not exist for another planner; a job of another kind has no GPX.
    const other = await app.as('gpx-other', 'planner');
    expect((await fetch(`${app.url}/api/v1/routing/patrol/${jobId}/gpx`, { headers: { cookie: other } })).status).toBe(
      404,
    );
    const reach = await app.call('POST', '/api/v1/jobs', { kind: 'reach', params: {} }, { cookie: planner });
    const reachId = (reach.json as { id: string }).id;
    // Its end first (the event stream closes then), so nothing runs when the app is disposed.
    await (await fetch(`${app.url}/api/v1/jobs/${reachId}/events`, { headers: { cookie: planner } })).text();
    const notPatrol = await app.call('GET', `/api/v1/routing/patrol/${reachId}/gpx`, undefined, { cookie: planner });
    expect(notPatrol.status).toBe(404);
    const bad = await app.call('GET', '/api/v1/routing/patrol/not-a-job/gpx', undefined, { cookie: planner });
    expect(bad.status).toBe(400);
    expect((bad.json as { errors: { path: string }[] }).errors[0]?.path).toBe('jobId');
  });

  it('when a session is read, then it names the deployment’s zone the hours are in', async () => {
    const r = await app.call('GET', '/api/v1/session');
    expect((r.json as { timeZone: string }).timeZone).toBe(process.env.GRIDPATROL_TZ?.trim() || 'Asia/Shanghai');
  });
});
