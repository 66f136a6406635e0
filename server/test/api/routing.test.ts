import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { travelTimes } from '../../src/engines/routing/index.js';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { network } from '../../src/services/routing.service.js';
import { testDbKind } from '../helpers/test-db.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** Routing endpoints on the demo city, checked against the engine on the stored graph and (server) pgRouting. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await loadDemoCity(app.db, { seed: 11, incidents: 5_000 });
});
afterAll(async () => app?.dispose());

interface Geo {
  type: string;
  geometry: { type: string; coordinates: number[][] };
  properties: Record<string, number>;
}

describe('route', () => {
  it('when both ends are junctions, then the seconds equal the engine (and pgr_dijkstraCost on road_edge on the server)', async () => {
    const g = (await network(app.db, 'car')).graph;
    const [a, b] = [17, Math.floor(g.nodeCount * 0.8)];
    const r = await app.call(
      'GET',
      `/api/v1/routing/route?from=${g.nodeLon[a]},${g.nodeLat[a]}&to=${g.nodeLon[b]},${g.nodeLat[b]}`,
    );
    expect(r.status, JSON.stringify(r.json).slice(0, 200)).toBe(200);
    const f = r.json as Geo;
    const engine = travelTimes(g, [{ node: a }]).seconds[b] ?? Infinity;
    expect(f.properties.seconds ?? NaN).toBeCloseTo(engine, 6);
    const line = f.geometry.coordinates;
    expect(line[0]).toEqual([g.nodeLon[a], g.nodeLat[a]]);
    expect(line[line.length - 1]).toEqual([g.nodeLon[b], g.nodeLat[b]]);
    if (testDbKind() === 'server') {
      const [ref] = await app.db.query<{ agg_cost: number }>(
        `SELECT agg_cost FROM pgr_dijkstraCost(
        'SELECT id, source, target, cost, reverse_cost FROM road_edge WHERE profile = ''car''', $1::bigint, $2::bigint, true)`,
        [a + 1, b + 1],
      );
      expect(Math.abs((f.properties.seconds ?? NaN) - ref!.agg_cost)).toBeLessThan(1e-6);
    }
  });

  it('when a point is far from any road, then 422 names it', async () => {
    const r = await app.call('GET', '/api/v1/routing/route?from=118.0,31.0&to=118.78,32.04');
    expect(r.status).toBe(422);
    expect((r.json as { errors: { path: string }[] }).errors[0]?.path).toBe('query.from');
  });
});

describe('isochrone', () => {
  it('when 1, 3 and 5 minutes are asked, then each band reaches more road and its area covers the smaller one', async () => {
    const r = await app.call('GET', '/api/v1/routing/isochrone?lon=118.785&lat=32.038&minutes=1,3,5');
    expect(r.status).toBe(200);
    const fc = r.json as {
      features: { geometry: unknown; properties: { kind: string; minutes: number; reached_m: number } }[];
    };
    const areas = fc.features.filter((f) => f.properties.kind === 'area');
    expect(areas.map((a) => a.properties.minutes)).toEqual([1, 3, 5]);
    const reached = areas.map((a) => a.properties.reached_m);
    expect(reached[0]!).toBeLessThan(reached[1]!);
    expect(reached[1]!).toBeLessThan(reached[2]!);
    // The bands share one raster frame (their cells nest), but each outline is simplified on its own by under 0.75 of
    // a cell (≤ 1 m): allow 0.5 % of the 1-minute area outside the 3-minute one (measured 0.22 %).
    const [outside] = await app.db.query<{ share: number }>(
      `SELECT ST_Area(ST_Difference(a, b)::geography) / ST_Area(a::geography) AS share
      FROM (SELECT ST_GeomFromGeoJSON($1) AS a, ST_GeomFromGeoJSON($2) AS b) x`,
      [JSON.stringify(areas[0]!.geometry), JSON.stringify(areas[1]!.geometry)],
    );
    expect(outside!.share, 'the 3-minute area covers the 1-minute one').toBeLessThan(5e-3);
  });

  it.each([
    ['lon=200&lat=32', 'query.lon'],
    ['lon=118.78&lat=32.04&minutes=0', 'query.minutes'],
    ['lon=118.78&lat=32.04&profile=boat', 'query.profile'],
  ])('when %s is asked, then 400 names %s', async (q, field) => {
    const r = await app.call('GET', `/api/v1/routing/isochrone?${q}`);
    expect(r.status).toBe(400);
    expect((r.json as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(field);
  });
});

describe('reach map', () => {
  it('when all posts and stations respond, then shares grow with the limit and a grid time equals the fastest route from a base', async () => {
    const r = await app.call('GET', '/api/v1/routing/reach');
    expect(r.status).toBe(200);
    const reach = r.json as {
      roads: { share: number }[];
      shares: { grids: number }[];
      grids: { code: string; minutes: number | null }[];
    };
    expect(reach.roads.map((x) => x.share)).toEqual([...reach.roads.map((x) => x.share)].sort((a, b) => a - b));
    expect(reach.shares.map((x) => x.grids)).toEqual([...reach.shares.map((x) => x.grids)].sort((a, b) => a - b));
    const grid = reach.grids[100]!;
    const [p] = await app.db.query<{ lon: number; lat: number }>(
      'SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM grid WHERE code = $1',
      [grid.code],
    );
    const bases = await app.db.query<{ lon: number; lat: number }>(
      'SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM post UNION ALL SELECT ST_X(geom), ST_Y(geom) FROM station',
    );
    let best = Infinity;
    for (const b of bases) {
      const route = await app.call('GET', `/api/v1/routing/route?from=${b.lon},${b.lat}&to=${p!.lon},${p!.lat}`);
      if (route.status === 200) best = Math.min(best, (route.json as Geo).properties.seconds ?? Infinity);
    }
    expect(grid.minutes! * 60).toBeCloseTo(best, 6);
  });

  it('when post suggestions are asked, then each adds road reached within the limit, the largest first', async () => {
    const r = await app.call('GET', '/api/v1/routing/post-suggestions?k=3&minutes=1');
    expect(r.status).toBe(200);
    const gains = (r.json as { suggestions: { gainMeters: number }[] }).suggestions.map((s) => s.gainMeters);
    expect(gains.length).toBeGreaterThan(0);
    expect(gains).toEqual([...gains].sort((a, b) => b - a));
    expect(gains.every((g) => g > 0)).toBe(true);
  });
});

describe('patrol', () => {
  it('when two units patrol a beat for 4 hours, then every checkpoint is visited once, within the shift, and units share no stop', async () => {
    const [beat] = await app.db.query<{ id: number; station_id: number; n: number }>(
      `SELECT b.id, b.station_id, count(c.id)::int AS n FROM beat b JOIN checkpoint c ON c.beat_id = b.id GROUP BY b.id ORDER BY n DESC, b.id LIMIT 1`,
    );
    const body = {
      base: { kind: 'station', id: beat!.station_id },
      beatId: beat!.id,
      units: 2,
      hours: 4,
      startHour: 19,
      profile: 'foot',
    };
    const r = await app.call('POST', '/api/v1/routing/patrol', body);
    expect(r.status, JSON.stringify(r.json).slice(0, 300)).toBe(200);
    const units = (
      r.json as {
        units: {
          stops: { id: string; kind: string; arrivalSeconds: number }[];
          minutes: number;
          checkpoints: number;
        }[];
      }
    ).units;
    expect(units).toHaveLength(2);
    const ids = units.flatMap((u) => u.stops.map((s) => s.id));
    expect(new Set(ids).size, 'no stop in two routes').toBe(ids.length);
    expect(units.reduce((s, u) => s + u.checkpoints, 0)).toBe(beat!.n);
    for (const u of units) {
      expect(u.minutes).toBeLessThanOrEqual(4 * 60 + 1e-6);
      const t = u.stops.map((s) => s.arrivalSeconds);
      expect(t).toEqual([...t].sort((a, b) => a - b));
    }
    const gpx = await fetch(`${app.url}/api/v1/routing/patrol?format=gpx`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: app.cookie },
      body: JSON.stringify(body),
    });
    const xml = await gpx.text();
    expect(gpx.headers.get('content-type')).toMatch(/application\/gpx\+xml/);
    expect(xml).toContain('<gpx version="1.1" creator="gridpatrol" xmlns="http://www.topografix.com/GPX/1/1">');
    expect(xml.match(/<wpt /g)?.length).toBe(ids.length);
    expect(xml.match(/<trk>/g)?.length).toBe(2);
  });

  it('when a beat is patrolled, then every stop is inside the beat, time outside is reported and the plan says what it buys', async () => {
    const [beat] = await app.db.query<{ id: number; station_id: number; n: number }>(
      `SELECT b.id, b.station_id, count(c.id)::int AS n FROM beat b JOIN checkpoint c ON ST_Contains(b.geom, c.geom) GROUP BY b.id ORDER BY n DESC, b.id LIMIT 1`,
    );
    const r = await app.call('POST', '/api/v1/routing/patrol', {
      base: { kind: 'station', id: beat!.station_id },
      beatId: beat!.id,
      hours: 4,
      startHour: 19,
      profile: 'car',
    });
    expect(r.status, JSON.stringify(r.json).slice(0, 300)).toBe(200);
    const [unit] = (
      r.json as {
        units: {
          stops: { id: string; kind: string; lon: number; lat: number }[];
          minutesOutside: number;
          minutes: number;
          incidentShare: number;
          expectedIncidents: number;
          checkpoints: number;
          words: { zh: string; en: string };
        }[];
      }
    ).units;
    const prizes = unit!.stops.filter((s) => s.kind === 'prize');
    expect(prizes.length, 'the plan visits hot cells of the beat').toBeGreaterThan(0);
    // PostGIS is the judge of "inside": every stop's point against the beat's outline.
    const [inside] = await app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM beat b, unnest($2::float8[], $3::float8[]) AS s(lon, lat)
       WHERE b.id = $1 AND ST_Intersects(b.geom, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326))`,
      [beat!.id, unit!.stops.map((s) => s.lon), unit!.stops.map((s) => s.lat)],
    );
    expect(inside!.n, 'stops inside the beat').toBe(unit!.stops.length);
    expect(unit!.checkpoints).toBe(beat!.n);
    expect(unit!.minutesOutside).toBeGreaterThanOrEqual(0);
    expect(unit!.minutesOutside).toBeLessThanOrEqual(unit!.minutes);
    expect(unit!.incidentShare).toBeGreaterThan(0);
    expect(unit!.incidentShare).toBeLessThanOrEqual(1);
    expect(unit!.words.zh).toMatch(
      new RegExp(
        `^覆盖本时段预计警情 [0-9.]+ 起（占本警格 \\d+%）；盲区道路 \\d+ 分钟；必巡点 ${beat!.n}/${beat!.n}；警格外行驶 \\d+ 分钟$`,
      ),
    );
    expect(unit!.words.en).toMatch(/^covers [0-9.]+ expected incidents this shift \(\d+% of the beat\)/);
  });

  it('when blind spots weigh heavily, then the patrol spends time where cameras see no road', async () => {
    const [station] = await app.db.query<{ id: number }>('SELECT id FROM station ORDER BY id LIMIT 1');
    const r = await app.call('POST', '/api/v1/routing/patrol', {
      base: { kind: 'station', id: station!.id },
      checkpointIds: [],
      hours: 2,
      incidentWeight: 0,
      blindSpotWeight: 1,
    });
    expect(r.status, JSON.stringify(r.json).slice(0, 300)).toBe(200);
    const [unit] = (r.json as { units: { blindSpotMinutes: number; stops: unknown[] }[] }).units;
    expect(unit!.stops.length).toBeGreaterThan(0);
    expect(unit!.blindSpotMinutes).toBeGreaterThan(0);
  });

  it('when the base does not exist, then 422 names it and nothing is planned', async () => {
    const r = await app.call('POST', '/api/v1/routing/patrol', { base: { kind: 'post', id: 99999 } });
    expect(r.status).toBe(422);
    expect((r.json as { errors: { path: string }[] }).errors[0]?.path).toBe('body.base.id');
  });
});
