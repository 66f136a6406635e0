import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableChecksums } from '../helpers/checksums.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Property-based: random GeoJSON (well-formed or not, valid or not) on the edit and import paths. Whatever comes in,
 * the answer is 2xx or a 4xx problem — never a 5xx; a refusal leaves every table as it was; what is stored is a
 * valid geometry in PostGIS.
 */
let app: TestApp;
// biome-ignore lint/suspicious/noExplicitAny: test-only escape, bodies are checked field by field below
type Json = Record<string, any>;
const X0 = 118.78,
  Y0 = 32.04,
  SIZE = 0.01;

beforeAll(async () => {
  app = await startTestApp();
  const square = (d: number) => ({
    type: 'Polygon',
    coordinates: [
      [
        [X0, Y0],
        [X0 + d, Y0],
        [X0 + d, Y0 + d],
        [X0, Y0 + d],
        [X0, Y0],
      ],
    ],
  });
  for (const [code, level, name, parent] of [
    ['320100000000', 'region', '南京市', null],
    ['320102000000', 'district', '玄武区', '320100000000'],
    ['320102001000', 'township', '梅园新村街道', '320102000000'],
    ['320102001001', 'community', '长江新村社区', '320102001000'],
  ] as const) {
    const r = await app.call('POST', '/api/v1/admin-areas', {
      type: 'Feature',
      geometry: square(SIZE),
      properties: { code, level, name, parent_code: parent },
    });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
  }
});
afterAll(async () => app?.dispose());

/** A coordinate: mostly inside the community, sometimes anywhere, sometimes not a number at all. */
const coord = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.double({ min: 0, max: SIZE, noNaN: true }), fc.double({ min: 0, max: SIZE, noNaN: true }))
      .map(([a, b]) => [X0 + a, Y0 + b]),
  },
  { weight: 1, arbitrary: fc.tuple(fc.double(), fc.double()) },
  {
    weight: 1,
    arbitrary: fc.array(fc.oneof(fc.double(), fc.constant(null), fc.string({ maxLength: 3 })), { maxLength: 4 }),
  },
);
/** A ring: usually closed, sometimes not; 0–9 positions (a triangle, a bow tie, a spike, a point). */
const ring = fc
  .tuple(fc.array(coord, { minLength: 0, maxLength: 8 }), fc.boolean())
  .map(([ps, close]) => (close && ps.length ? [...ps, ps[0]] : ps));
/** A simple polygon: one point per sector around a centre (star-shaped, so never self-intersecting or degenerate). */
const unit = fc.noBias(fc.integer({ min: 0, max: 1_000_000 })).map((i) => i / 1_000_000);
const simplePolygon = fc
  .tuple(unit, unit, fc.array(fc.tuple(unit, unit), { minLength: 3, maxLength: 9 }))
  .map(([u, v, spokes]) => {
    const cx = X0 + 0.002 + u * (SIZE - 0.004),
      cy = Y0 + 0.002 + v * (SIZE - 0.004);
    const ps = spokes.map(([jitter, r], i) => {
      const a = ((i + 0.1 + 0.8 * jitter) / spokes.length) * 2 * Math.PI;
      return [cx + (0.0003 + r * 0.0017) * Math.cos(a), cy + (0.0003 + r * 0.0017) * Math.sin(a)];
    });
    return { type: 'Polygon', coordinates: [[...ps, ps[0]]] };
  });
const geometry = fc.oneof(
  { weight: 4, arbitrary: simplePolygon },
  {
    weight: 6,
    arbitrary: fc.array(ring, { minLength: 1, maxLength: 2 }).map((rings) => ({ type: 'Polygon', coordinates: rings })),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.array(ring, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 2 })
      .map((p) => ({ type: 'MultiPolygon', coordinates: p })),
  },
  { weight: 1, arbitrary: coord.map((c) => ({ type: 'Point', coordinates: c })) },
  { weight: 1, arbitrary: fc.array(coord, { maxLength: 4 }).map((c) => ({ type: 'LineString', coordinates: c })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

let serial = 0;
/** A grid code in the community no earlier run took (each run may store one). */
const nextCode = () => `320102001001${String(++serial).padStart(3, '0')}`;

async function storedValid(): Promise<{ invalid: number; total: number }> {
  const [r] = await app.db.query<{ invalid: number; total: number }>(
    'SELECT count(*) FILTER (WHERE NOT ST_IsValid(geom))::int AS invalid, count(*)::int AS total FROM grid',
  );
  return r!;
}

describe('random GeoJSON on the edit and import paths', () => {
  it('when random geometries are posted as new grids, then each answer is 201 or a 4xx problem, refusals change nothing and every stored grid is valid', async () => {
    const outcomes = { stored: 0, refused: 0 };
    const reasons = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(geometry, async (g) => {
        const before = await tableChecksums(app.db);
        const r = await app.call('POST', '/api/v1/grids', {
          type: 'Feature',
          geometry: g,
          properties: {
            code: nextCode(),
            name: '随机网格',
            community_code: '320102001001',
            district_code: '320102000000',
          },
        });
        expect(r.status, JSON.stringify(r.json).slice(0, 300)).toBeLessThan(500);
        if (r.status === 201) {
          outcomes.stored++;
          expect((await storedValid()).invalid, 'a stored grid is valid in PostGIS').toBe(0);
          // Make room for the next run: remove it again (a delete is itself an audited edit).
          const id = (r.json as Json).id as number;
          expect((await app.call('DELETE', `/api/v1/grids/${id}`, { version: 1 })).status).toBe(204);
        } else {
          outcomes.refused++;
          const title = `${String((r.json as Json).title)} ${String((r.json as Json).errors?.[0]?.path)} ${String((r.json as Json).errors?.[0]?.message).slice(0, 60)}`;
          reasons.set(title, (reasons.get(title) ?? 0) + 1);
          expect(r.status).toBeGreaterThanOrEqual(400);
          expect(r.headers.get('content-type')).toMatch(/problem\+json/);
          expect(await tableChecksums(app.db), 'a refusal changes nothing').toEqual(before);
        }
      }),
      { numRuns: 200, seed: 20261125 },
    );
    console.log('random grids:', outcomes, [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 8));
    // The generator reaches both sides of the contract.
    expect(outcomes.stored).toBeGreaterThan(5);
    expect(outcomes.refused).toBeGreaterThan(50);
  });

  it('when random geometries reshape a stored grid, then it is 200 or a 4xx problem and a refusal leaves the grid as it was', async () => {
    const reshapes = { saved: 0, refused: 0 };
    const code = nextCode();
    const square = {
      type: 'Polygon',
      coordinates: [
        [
          [X0 + 0.002, Y0 + 0.002],
          [X0 + 0.004, Y0 + 0.002],
          [X0 + 0.004, Y0 + 0.004],
          [X0 + 0.002, Y0 + 0.004],
          [X0 + 0.002, Y0 + 0.002],
        ],
      ],
    };
    const made = await app.call('POST', '/api/v1/grids', {
      type: 'Feature',
      geometry: square,
      properties: { code, name: '被改网格', community_code: '320102001001', district_code: '320102000000' },
    });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    // Random shapes, and the stored square grown by random margins (a reshape into free ground that should pass).
    const grown = fc.tuple(unit, unit, unit, unit).map(([a, b, c, d]) => ({
      type: 'Polygon',
      coordinates: [
        [
          [X0 + 0.002 - a * 0.001, Y0 + 0.002 - b * 0.001],
          [X0 + 0.004 + c * 0.001, Y0 + 0.002 - b * 0.001],
          [X0 + 0.004 + c * 0.001, Y0 + 0.004 + d * 0.001],
          [X0 + 0.002 - a * 0.001, Y0 + 0.004 + d * 0.001],
          [X0 + 0.002 - a * 0.001, Y0 + 0.002 - b * 0.001],
        ],
      ],
    }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(geometry, grown), async (g) => {
        const [cur] = await app.db.query<{ version: number }>('SELECT version FROM grid WHERE code = $1', [code]);
        const before = await tableChecksums(app.db);
        const r = await app.call('POST', '/api/v1/grids/reshape', {
          grids: [{ code, version: cur!.version, geometry: g }],
        });
        expect(r.status, JSON.stringify(r.json).slice(0, 300)).toBeLessThan(500);
        if (r.status >= 400) {
          reshapes.refused++;
          expect(await tableChecksums(app.db)).toEqual(before);
        } else {
          reshapes.saved++;
          expect((await storedValid()).invalid).toBe(0);
        }
      }),
      { numRuns: 120, seed: 7 },
    );
    console.log('random reshapes:', reshapes);
    // Once grown, a grid only takes shapes that keep its ground: few saves, but the accept side is reached.
    expect(reshapes.saved).toBeGreaterThan(0);
    expect(reshapes.refused).toBeGreaterThan(5);
  });

  it('when random feature collections are imported, then each upload answers a report or a 4xx problem, and only valid geometries land', async () => {
    let imports = 0;
    const line = fc
      .array(fc.tuple(unit, unit), { minLength: 2, maxLength: 5 })
      .map((ps) => ({ type: 'LineString', coordinates: ps.map(([u, v]) => [X0 + u * SIZE, Y0 + v * SIZE]) }));
    const collection = fc
      .array(
        fc.oneof(line, geometry).map((g) => ({
          type: 'Feature',
          geometry: g,
          properties: { name: '导入', road_class: 'residential', speed_kmh: 30 },
        })),
        { maxLength: 6 },
      )
      .map((features) => ({ type: 'FeatureCollection', features }));
    await fc.assert(
      fc.asyncProperty(collection, fc.boolean(), async (fcol, skip) => {
        const before = await tableChecksums(app.db);
        const res = await fetch(
          `${app.url}/api/v1/import?format=geojson&layer=roads${skip ? '&skip_invalid=true' : ''}`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/octet-stream', cookie: app.cookie },
            body: JSON.stringify(fcol),
          },
        );
        const text = await res.text();
        expect(res.status, text.slice(0, 300)).toBeLessThan(500);
        if (res.status >= 400) expect(await tableChecksums(app.db)).toEqual(before);
        else imports++;
        const [r] = await app.db.query<{ invalid: number }>(
          'SELECT count(*) FILTER (WHERE NOT ST_IsValid(geom))::int AS invalid FROM road',
        );
        expect(r!.invalid).toBe(0);
      }),
      { numRuns: 60, seed: 11 },
    );
    const [{ n }] = (await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM road')) as [{ n: number }];
    console.log('random imports:', { accepted: imports, roads: n });
    expect(n, 'some random roads landed').toBeGreaterThan(0);
  });
});
