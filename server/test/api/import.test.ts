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
    expect(((await noLayer.json()) as Json).errors[0].path).toBe('layer');
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
