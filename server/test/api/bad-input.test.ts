import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { tableChecksums } from '../helpers/checksums.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Bad input against every write endpoint: each answer is a 4xx problem+json without a stack trace, and the database is
 * byte-for-byte what it was (table checksums). Controls at the end send the same templates with good values and
 * get 2xx, so each refusal is for the bad part and not for a broken template.
 */
let app: TestApp;
// biome-ignore lint/suspicious/noExplicitAny: test-only escape, bodies are checked field by field below
type Json = Record<string, any>;
let grid: { id: number; code: string; version: number; community: string; x: number; y: number };
let beat: { code: string; version: number };

beforeAll(async () => {
  app = await startTestApp();
  await loadDemoCity(app.db, { seed: 20261125, incidents: 500 });
  [grid] =
    (await app.db.query(`SELECT id::int AS id, code, version, community_code AS community, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y
    FROM grid ORDER BY code LIMIT 1`)) as [typeof grid];
  [beat] = (await app.db.query(`SELECT code, version FROM beat ORDER BY code LIMIT 1`)) as [typeof beat];
});
afterAll(async () => app?.dispose());

/** A placeholder swapped into the raw JSON text for values JSON cannot hold (NaN) or that parse to Infinity. */
const RAW = { nan: '"__NAN__"', inf: '"__INF__"' } as const;
const rawText = (body: unknown) => JSON.stringify(body).replaceAll(RAW.nan, 'NaN').replaceAll(RAW.inf, '1e999');

type Kind = 'polygon' | 'line' | 'point';
const square = (x: number, y: number, d = 0.0004) => [
  [x, y],
  [x + d, y],
  [x + d, y + d],
  [x, y + d],
  [x, y],
];

/** Bad geometries of each kind, with what is wrong. RAW placeholders go in as NaN / Infinity. */
function badGeometries(kind: Kind, x: number, y: number): [string, unknown][] {
  const ring = square(x, y);
  const common: [string, unknown][] = [
    ['empty', { type: kind === 'polygon' ? 'Polygon' : kind === 'line' ? 'LineString' : 'Point', coordinates: [] }],
    [
      'wrong CRS (EPSG:3857 metres)',
      { type: 'Point', crs: { type: 'name', properties: { name: 'EPSG:3857' } }, coordinates: [13224000, 3771000] },
    ],
    ['a string', 'POLYGON((0 0, 1 0, 1 1, 0 0))'],
    ['null', null],
  ];
  if (kind === 'point') {
    return [
      ...common,
      ['NaN', { type: 'Point', coordinates: [RAW.nan, y] }],
      ['Infinity', { type: 'Point', coordinates: [RAW.inf, y] }],
      ['longitude 200', { type: 'Point', coordinates: [200, y] }],
      ['latitude -95', { type: 'Point', coordinates: [x, -95] }],
      ['3D', { type: 'Point', coordinates: [x, y, 12] }],
      ['wrong type', { type: 'Polygon', coordinates: [ring] }],
    ];
  }
  if (kind === 'line') {
    return [
      ...common,
      [
        'NaN',
        {
          type: 'LineString',
          coordinates: [
            [x, y],
            [RAW.nan, y],
          ],
        },
      ],
      [
        'Infinity',
        {
          type: 'LineString',
          coordinates: [
            [x, y],
            [x, RAW.inf],
          ],
        },
      ],
      ['one position', { type: 'LineString', coordinates: [[x, y]] }],
      [
        '3D',
        {
          type: 'LineString',
          coordinates: [
            [x, y, 1],
            [x + 0.001, y, 1],
          ],
        },
      ],
      [
        'longitude -181',
        {
          type: 'LineString',
          coordinates: [
            [-181, y],
            [x, y],
          ],
        },
      ],
      ['wrong type', { type: 'Point', coordinates: [x, y] }],
    ];
  }
  const bowtie = [
    [x, y],
    [x + 0.0004, y + 0.0004],
    [x + 0.0004, y],
    [x, y + 0.0004],
    [x, y],
  ];
  return [
    ...common,
    ['self-intersecting (bow tie)', { type: 'Polygon', coordinates: [bowtie] }],
    ['unclosed ring', { type: 'Polygon', coordinates: [ring.slice(0, 4)] }],
    ['NaN', { type: 'Polygon', coordinates: [[...ring.slice(0, 2), [RAW.nan, y], ...ring.slice(3)]] }],
    ['Infinity', { type: 'Polygon', coordinates: [[...ring.slice(0, 2), [x, RAW.inf], ...ring.slice(3)]] }],
    ['latitude 91', { type: 'Polygon', coordinates: [[[x, 91], ...ring.slice(1, 4), [x, 91]]] }],
    ['3D', { type: 'Polygon', coordinates: [ring.map(([a, b]) => [a, b, 5])] }],
    ['wrong type', { type: 'LineString', coordinates: ring }],
    ['empty ring', { type: 'Polygon', coordinates: [[]] }],
  ];
}

interface Template {
  name: string;
  method: string;
  path: () => string;
  kind?: Kind;
  body: (g: unknown) => unknown;
  good: () => unknown;
  /** A check that answers 200 with `ok: false` and the problems for a well-formed but invalid shape (self-intersection). */
  reports?: boolean;
}

const poly = (x: number, y: number) => ({ type: 'Polygon', coordinates: [square(x, y)] });
/** Every write endpoint that takes a geometry, built around one slot. */
const templates = (): Template[] => {
  const { x, y } = grid;
  const feature = (g: unknown, properties: Json) => ({ type: 'Feature', geometry: g, properties });
  return [
    {
      name: 'new grid',
      method: 'POST',
      path: () => '/api/v1/grids',
      kind: 'polygon',
      body: (g) =>
        feature(g, {
          code: `${grid.community}998`,
          name: '测试网格',
          community_code: grid.community,
          district_code: grid.community.slice(0, 6) + '000000',
        }),
      good: () => poly(118.5, 31.5),
    },
    {
      name: 'grid geometry edit',
      method: 'PATCH',
      path: () => `/api/v1/grids/${grid.id}`,
      kind: 'polygon',
      body: (g) => ({ version: grid.version, geometry: g }),
      good: () => undefined,
    },
    {
      name: 'drawn grid',
      method: 'POST',
      path: () => '/api/v1/grids/draw',
      kind: 'polygon',
      body: (g) => ({ geometry: g }),
      good: () => undefined,
    },
    {
      name: 'reshape',
      method: 'POST',
      path: () => '/api/v1/grids/reshape',
      kind: 'polygon',
      body: (g) => ({ grids: [{ code: grid.code, version: grid.version, geometry: g }] }),
      good: () => undefined,
    },
    {
      name: 'validate',
      method: 'POST',
      path: () => '/api/v1/grids/validate',
      kind: 'polygon',
      reports: true,
      body: (g) => ({ geometry: g, communityCode: grid.community }),
      good: () => poly(x, y),
    },
    {
      name: 'split line',
      method: 'POST',
      path: () => `/api/v1/grids/${grid.code}/split`,
      kind: 'line',
      body: (g) => ({ version: grid.version, line: g }),
      good: () => undefined,
    },
    {
      name: 'new beat',
      method: 'POST',
      path: () => '/api/v1/beats',
      kind: 'polygon',
      body: (g) => feature(g, { code: 'BAD-1', name: '测试警格', station_id: 1, district_code: '320102000000' }),
      good: () => undefined,
    },
    {
      name: 'new camera',
      method: 'POST',
      path: () => '/api/v1/cameras',
      kind: 'point',
      body: (g) =>
        feature(g, {
          code: 'CAM-BAD-1',
          camera_type: 'bullet',
          status: 'working',
          heading_deg: 90,
          fov_deg: 60,
          range_m: 50,
        }),
      good: () => ({ type: 'Point', coordinates: [x, y] }),
    },
    {
      name: 'new road',
      method: 'POST',
      path: () => '/api/v1/roads',
      kind: 'line',
      body: (g) => feature(g, { name: '测试路', road_class: 'residential', speed_kmh: 30 }),
      good: () => ({
        type: 'LineString',
        coordinates: [
          [x, y],
          [x + 0.001, y],
        ],
      }),
    },
    {
      name: 'new key place',
      method: 'POST',
      path: () => '/api/v1/key-places',
      kind: 'polygon',
      body: (g) => feature(g, { kind: 'school', name: '测试学校' }),
      good: () => poly(x, y),
    },
  ];
};

/** Non-geometry bad values on the endpoints that take them. */
const badValues = (): { name: string; method: string; path: string; body: unknown }[] => {
  const { x, y } = grid;
  const cam = (over: Json) => ({
    cameras: [{ lon: x, lat: y, headingDeg: 0, fovDeg: 60, rangeM: 60, heightM: 6, cameraType: 'bullet', ...over }],
  });
  return [
    {
      name: 'incident with month 13',
      method: 'POST',
      path: '/api/v1/incidents',
      body: {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [x, y] },
        properties: { category: '盗窃', occurred_at: '2026-13-45T25:61:00+08:00' },
      },
    },
    {
      name: 'incident with a date and no zone',
      method: 'POST',
      path: '/api/v1/incidents',
      body: {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [x, y] },
        properties: { category: '盗窃', occurred_at: 'yesterday' },
      },
    },
    { name: 'grades for 31 February', method: 'POST', path: '/api/v1/grades/compute', body: { day: '2026-02-31' } },
    {
      name: 'placement accept, NaN longitude',
      method: 'POST',
      path: '/api/v1/analysis/placement/accept',
      body: cam({ lon: RAW.nan }),
    },
    {
      name: 'placement accept, latitude 1e999',
      method: 'POST',
      path: '/api/v1/analysis/placement/accept',
      body: cam({ lat: RAW.inf }),
    },
    {
      name: 'placement accept, heading -1',
      method: 'POST',
      path: '/api/v1/analysis/placement/accept',
      body: cam({ headingDeg: -1 }),
    },
    {
      name: 'SQL in a grid code',
      method: 'PATCH',
      path: `/api/v1/grids/${grid.id}`,
      body: { version: grid.version, properties: { code: "320102'; DROP TABLE grid; --" } },
    },
    {
      name: 'SQL in a beat code path',
      method: 'PUT',
      path: `/api/v1/beats/${encodeURIComponent("x' OR '1'='1")}/grids`,
      body: { version: 1, gridCodes: [grid.code] },
    },
    {
      name: 'SQL in a filter',
      method: 'POST',
      path: '/api/v1/planning/align/apply',
      body: { beats: [{ code: "a'; DELETE FROM beat; --", version: 1, gridCodes: [] }] },
    },
    {
      name: 'NUL character in a name',
      method: 'PATCH',
      path: `/api/v1/grids/${grid.id}`,
      body: { version: grid.version, properties: { name: 'a\u0000b' } },
    },
    {
      name: 'a name of 100,000 characters',
      method: 'PATCH',
      path: `/api/v1/grids/${grid.id}`,
      body: { version: grid.version, properties: { name: '网'.repeat(100_000) } },
    },
    {
      name: 'households as a string',
      method: 'PATCH',
      path: `/api/v1/grids/${grid.id}`,
      body: { version: grid.version, properties: { households: '450' } },
    },
    {
      name: 'negative population',
      method: 'PATCH',
      path: `/api/v1/grids/${grid.id}`,
      body: { version: grid.version, properties: { population: -5 } },
    },
    {
      name: 'a version from the future',
      method: 'PATCH',
      path: `/api/v1/grids/${grid.id}`,
      body: { version: 99, properties: { households: 1 } },
    },
    {
      name: 'patrol with 10,000 units',
      method: 'POST',
      path: '/api/v1/routing/patrol',
      body: { base: { kind: 'station', id: 1 }, beatId: 1, units: 10_000, hours: 8, startHour: 8, profile: 'car' },
    },
    {
      name: 'user with role root',
      method: 'POST',
      path: '/api/v1/users',
      body: { username: 'root', role: 'root', password: 'long enough password' },
    },
    {
      name: 'sign-in with a 10 kB password',
      method: 'POST',
      path: '/api/v1/session',
      body: { username: 'test-admin', password: 'x'.repeat(10_000) },
    },
    {
      name: 'merge of one grid',
      method: 'POST',
      path: '/api/v1/grids/merge',
      body: { codes: [grid.code], versions: { [grid.code]: grid.version } },
    },
    {
      name: 'districting of 0 beats',
      method: 'POST',
      path: '/api/v1/planning/districting',
      body: { stationId: 1, beats: 0 },
    },
  ];
};

/** Every write endpoint (method, concrete path) for the shape-independent bad bodies. */
const writeEndpoints = (): [string, string][] => [
  ['POST', '/api/v1/grids'],
  ['PATCH', `/api/v1/grids/${grid.id}`],
  ['DELETE', `/api/v1/grids/${grid.id}`],
  ['POST', '/api/v1/grids/draw'],
  ['POST', '/api/v1/grids/reshape'],
  ['POST', '/api/v1/grids/validate'],
  ['POST', `/api/v1/grids/${grid.code}/split`],
  ['POST', '/api/v1/grids/merge'],
  ['PUT', `/api/v1/beats/${beat.code}/grids`],
  ['POST', '/api/v1/planning/align'],
  ['POST', '/api/v1/planning/align/apply'],
  ['POST', '/api/v1/planning/districting'],
  ['POST', '/api/v1/planning/districting/apply'],
  ['POST', '/api/v1/analysis/placement'],
  ['POST', '/api/v1/analysis/placement/accept'],
  ['POST', '/api/v1/grades/compute'],
  ['POST', '/api/v1/routing/patrol'],
  ['POST', '/api/v1/users'],
  ['PATCH', '/api/v1/users/1'],
  ['POST', '/api/v1/session'],
  ...[
    'admin-areas',
    'stations',
    'beats',
    'cameras',
    'key-places',
    'posts',
    'checkpoints',
    'incidents',
    'roads',
    'buildings',
  ].flatMap((l): [string, string][] => [
    ['POST', `/api/v1/${l}`],
    ['PATCH', `/api/v1/${l}/1`],
  ]),
];

async function send(
  method: string,
  path: string,
  text: string,
  contentType = 'application/json',
): Promise<{ status: number; type: string; body: Json | string }> {
  const res = await fetch(app.url + path, {
    method,
    headers: { 'content-type': contentType, cookie: app.cookie },
    body: text,
  });
  const raw = await res.text();
  let body: Json | string = raw;
  try {
    body = JSON.parse(raw) as Json;
  } catch {
    /* keep text */
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', body };
}

/** The refusal contract: 4xx, problem+json, the status repeated, no stack or SQL error text. */
function refusal(label: string, r: { status: number; type: string; body: Json | string }, wrongs: string[]): void {
  const b = typeof r.body === 'string' ? {} : r.body;
  const text = JSON.stringify(r.body);
  if (r.status < 400 || r.status >= 500) wrongs.push(`${label}: status ${r.status} ${text.slice(0, 200)}`);
  else if (!/application\/problem\+json/.test(r.type)) wrongs.push(`${label}: content-type ${r.type}`);
  else if (b.status !== r.status || typeof b.title !== 'string')
    wrongs.push(`${label}: not a problem body ${text.slice(0, 200)}`);
  else if (/\bat .+\.(ts|js):\d+|stack|syntax error at|pg_catalog|ERROR:/i.test(text))
    wrongs.push(`${label}: leaks internals ${text.slice(0, 200)}`);
}

describe('bad input changes nothing', () => {
  it('when every geometry endpoint gets invalid, self-intersecting, unclosed, NaN, infinite, out-of-range, 3D, empty, mistyped and wrong-CRS geometries, then each is a 4xx problem and no table changes', async () => {
    const before = await tableChecksums(app.db);
    const wrongs: string[] = [];
    let sent = 0;
    for (const t of templates()) {
      for (const [what, g] of badGeometries(t.kind ?? 'polygon', grid.x, grid.y)) {
        const r = await send(t.method, t.path(), rawText(t.body(g)));
        if (t.reports && r.status === 200) {
          if ((r.body as Json).ok !== false) wrongs.push(`${t.name} / ${what}: 200 without ok: false`);
        } else {
          refusal(`${t.name} / ${what}`, r, wrongs);
        }
        sent++;
      }
    }
    expect(wrongs).toEqual([]);
    expect(sent).toBeGreaterThan(100);
    expect(await tableChecksums(app.db)).toEqual(before);
  });

  it('when every write endpoint gets broken JSON, a bare array, deeply nested JSON, unknown fields and an 11 MB body, then each is a 4xx problem and no table changes', async () => {
    const before = await tableChecksums(app.db);
    const wrongs: string[] = [];
    const nested = '['.repeat(50_000) + ']'.repeat(50_000);
    const big = JSON.stringify({ name: 'x'.repeat(11 * 1024 * 1024) });
    for (const [method, path] of writeEndpoints()) {
      for (const [what, text] of [
        ['not JSON', '{"type": "Feature", '],
        ['a bare array', '[]'],
        ['50,000 levels of nesting', nested],
        ['an unknown field', JSON.stringify({ 'not a field': 1 })],
        ['11 MB', big],
        ['a number', '42'],
      ] as const) {
        refusal(`${method} ${path} / ${what}`, await send(method, path, text), wrongs);
      }
    }
    // 51 MB to the upload endpoint (its limit is 50 MB) and the JSON parser's limit on a feature.
    refusal(
      'import of 51 MB',
      await send(
        'POST',
        '/api/v1/import?format=geojson&layer=grids',
        Buffer.alloc(51 * 1024 * 1024).toString('latin1'),
        'application/octet-stream',
      ),
      wrongs,
    );
    refusal(
      'a feature of 50 MB',
      await send(
        'POST',
        '/api/v1/grids',
        JSON.stringify({ type: 'Feature', properties: { name: 'y'.repeat(50 * 1024 * 1024) } }),
      ),
      wrongs,
    );
    expect(wrongs).toEqual([]);
    expect(await tableChecksums(app.db)).toEqual(before);
  });

  it('when values are out of range, dates impossible, codes hold SQL, names hold NUL or 100,000 characters, then each is a 4xx problem and no table changes', async () => {
    const before = await tableChecksums(app.db);
    const wrongs: string[] = [];
    for (const v of badValues()) refusal(v.name, await send(v.method, v.path, rawText(v.body)), wrongs);
    expect(wrongs).toEqual([]);
    expect(await tableChecksums(app.db)).toEqual(before);
  });

  it('when the same templates carry good values, then they are accepted (the refusals above were for the bad part), and SQL-looking or emoji names are stored verbatim', async () => {
    for (const t of templates()) {
      const g = t.good();
      if (g === undefined) continue;
      const r = await send(t.method, t.path(), JSON.stringify(t.body(g)));
      expect(r.status, `${t.name}: ${JSON.stringify(r.body).slice(0, 300)}`).toBeLessThan(300);
    }
    const odd = `'); DROP TABLE grid; -- 网格🚓 "quoted" \\ back`;
    const r = await send(
      'PATCH',
      `/api/v1/grids/${grid.id}`,
      JSON.stringify({ version: grid.version, properties: { name: odd } }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const [row] = await app.db.query<{ name: string }>('SELECT name FROM grid WHERE id = $1', [grid.id]);
    expect(row?.name).toBe(odd);
    expect((await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM grid'))[0]!.n).toBeGreaterThan(0);
  });
});
