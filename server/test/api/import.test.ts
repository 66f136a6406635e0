import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
// biome-ignore lint/suspicious/noExplicitAny: test-only escape, bodies are checked field by field below
type Json = Record<string, any>;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.dispose());

const upload = async (query: string, body: string) =>
  fetch(`${app.url}/api/v1/import?${query}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/octet-stream', cookie: await app.as('admin-zhao', 'admin') },
  });

describe('import upload endpoint', () => {
  it('when a CSV of incidents is posted, then it answers 201 with the report and an audit row names the uploader', async () => {
    const csv =
      'lon,lat,occurred_at,category\n118.78,32.04,2026-03-01 21:15:00,盗窃\n118.79,32.05,2026-03-02T08:00:00+08:00,纠纷\n';
    const r = await upload('format=csv&layer=incidents&name=calls.csv', csv);
    expect(r.status).toBe(201);
    const report = (await r.json()) as Json;
    expect(report.imported).toEqual({ incidents: 2 });
    const [row] = await app.db.query<{ at: Date }>(`SELECT min(occurred_at) AS at FROM incident`);
    expect(row?.at.toISOString()).toBe('2026-03-01T13:15:00.000Z'); // 21:15 Beijing time
    const [a] = await app.db.query<{ actor: string; after: Json }>(
      `SELECT actor, after FROM audit_log WHERE action = 'import'`,
    );
    expect(a?.actor).toBe('admin-zhao');
    expect(a?.after.file).toBe('calls.csv');
  });

  it('when the layer is missing or the body is empty, then it answers 400 problem+json naming the field', async () => {
    const noLayer = await upload('format=geojson', '{"type":"FeatureCollection","features":[]}');
    expect(noLayer.status).toBe(400);
    expect(
      ((await noLayer.json()) as Json).errors[0].path,
      'the query parameter, named as validation names query fields',
    ).toBe('query.layer');
    const empty = await upload('format=csv&layer=incidents', '');
    expect(empty.status).toBe(400);
    const badFormat = await upload('format=dwg&layer=incidents', 'x');
    expect(badFormat.status).toBe(400);
    expect(((await badFormat.json()) as Json).errors[0].path).toBe('query.format');
  });

  it('when a feature is invalid, then 422 lists it and nothing is written', async () => {
    const before = (await app.db.query<{ n: number }>('SELECT count(*) AS n FROM building'))[0]?.n;
    const bowtie = {
      type: 'Feature',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 1],
            [1, 0],
            [0, 1],
            [0, 0],
          ],
        ],
      },
      properties: {},
    };
    const r = await upload(
      'format=geojson&layer=buildings',
      JSON.stringify({ type: 'FeatureCollection', features: [bowtie] }),
    );
    expect(r.status).toBe(422);
    const problem = (await r.json()) as Json;
    expect(problem.errors[0].path).toBe('feature 0: geometry');
    expect(problem.errors[0].message).toMatch(/Self-intersection/);
    expect((await app.db.query<{ n: number }>('SELECT count(*) AS n FROM building'))[0]?.n).toBe(before);
  });
});

describe('import layers, dry run, batches and undo over HTTP', () => {
  const get = async (p: string, role: 'admin' | 'leader' = 'admin') =>
    fetch(`${app.url}/api/v1${p}`, { headers: { cookie: await app.as(`${role}-api`, role) } });

  it('when the layer specs are asked for, then each layer lists its columns with required, defaults and synonyms', async () => {
    const r = await get('/import/layers', 'leader');
    expect(r.status).toBe(200);
    const body = (await r.json()) as Json;
    const beats = body.layers.find((l: Json) => l.layer === 'beats');
    const field = (n: string) => beats.fields.find((f: Json) => f.name === n);
    expect(field('code')).toMatchObject({ required: true, type: 'text' });
    expect(field('station_id').required).toBe(false);
    expect(field('district_code').derived).toMatch(/admin area/);
    const roads = body.layers.find((l: Json) => l.layer === 'roads');
    expect(roads.fields.find((f: Json) => f.name === 'road_class')).toMatchObject({
      required: false,
      default: 'unclassified',
    });
    const cams = body.layers.find((l: Json) => l.layer === 'cameras');
    expect(cams.fields.find((f: Json) => f.name === 'gb_code').synonyms).toContain('国标编码');
    expect(cams.fields.find((f: Json) => f.name === 'status').enum).toEqual(['working', 'faulty', 'offline']);
  });

  it('when a file is posted with dry_run=true and map=…, then the report says what would change and nothing is written; then imported and undone', async () => {
    const csv = 'x,y,when,what\n118.78,32.04,2026/3/1 21:15,盗窃\n118.79,32.05,2026年3月2日 8时,纠纷\n';
    const n = async () => (await app.db.query<{ n: number }>('SELECT count(*) AS n FROM incident'))[0]?.n;
    const batches = async () => (await app.db.query<{ n: number }>('SELECT count(*) AS n FROM import_batch'))[0]?.n;
    const before = [await n(), await batches()];
    const q = 'format=csv&layer=incidents&map=occurred_at%3Dwhen&map=category%3Dwhat&name=calls2.csv';
    const dry = await upload(`${q}&dry_run=true`, csv);
    expect(dry.status).toBe(201);
    const d = (await dry.json()) as Json;
    expect(d).toMatchObject({
      dryRun: true,
      batchId: null,
      counts: { incidents: { new: 2, updated: 0, unchanged: 0 } },
    });
    expect(d.mapping).toMatchObject({ occurred_at: 'when', category: 'what' });
    expect([await n(), await batches()]).toEqual(before);
    const real = (await (await upload(q, csv)).json()) as Json;
    expect(real.summary).toBe('2 new, 0 unchanged, 0 updated, 0 refused');
    const [at] = await app.db.query<{ at: Date }>(
      `SELECT min(occurred_at) AS at FROM incident WHERE category = '纠纷'`,
    );
    expect(at?.at.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    const again = (await (await upload(q, csv)).json()) as Json;
    expect(again.counts.incidents).toEqual({ new: 0, updated: 0, unchanged: 2 });
    const list = (await (await get('/import/batches')).json()) as Json;
    expect(list.batches[0].id).toBe(again.batchId);
    const del = await fetch(`${app.url}/api/v1/import/batches/${real.batchId}`, {
      method: 'DELETE',
      headers: { cookie: await app.as('admin-zhao', 'admin') },
    });
    expect(del.status).toBe(200);
    expect(((await del.json()) as Json).deleted.incidents).toBe(2);
    expect(await n()).toBe(before[0]);
    const twice = await fetch(`${app.url}/api/v1/import/batches/${real.batchId}`, {
      method: 'DELETE',
      headers: { cookie: await app.as('admin-zhao', 'admin') },
    });
    expect(twice.status).toBe(409);
    expect(twice.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await twice.json()) as Json).code).toBe('import.already_undone');
    const missing = await fetch(`${app.url}/api/v1/import/batches/999999`, {
      method: 'DELETE',
      headers: { cookie: await app.as('admin-zhao', 'admin') },
    });
    expect(missing.status).toBe(404);
    const badMap = await upload('format=csv&layer=incidents&map=nonsense', csv);
    expect(badMap.status).toBe(400);
    expect(((await badMap.json()) as Json).errors[0].path).toBe('query.map');
  });
});
