import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * GET /api/v1/{layer}/export over HTTP: a Chinese camera ledger posted to /import comes back as the same ledger
 * (headers, words, GB/T 28181 codes), re-posting the exported file changes nothing, and bad options are 400
 * problem+json naming the query field.
 */
let app: TestApp;
// biome-ignore lint/suspicious/noExplicitAny: test-only escape, bodies are checked field by field below
type Json = Record<string, any>;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.dispose());

const LEDGER = [
  '经度,纬度,点位名称,国标编码,设备状态,摄像机类型,安装方向',
  '118.780000,32.040000,中山路口,32010200001320000001,在线,球机,东',
  '118.781000,32.041000,"新街口,北",32010200001320000002,故障,枪机,南',
].join('\r\n');

describe('layer export endpoint', () => {
  let cookie = '';
  beforeAll(async () => {
    cookie = await app.as('admin-export', 'admin');
    const r = await fetch(`${app.url}/api/v1/import?format=csv&layer=cameras&name=ledger.csv`, {
      method: 'POST',
      body: LEDGER,
      headers: { 'content-type': 'application/octet-stream', cookie },
    });
    expect(r.status).toBe(201);
  });

  it('when cameras are exported as CSV, then the file is the ledger: BOM, Chinese headers and words, codes as text', async () => {
    const r = await fetch(`${app.url}/api/v1/cameras/export?format=csv`, { headers: { cookie } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="?cameras.csv"?$/);
    expect(r.headers.get('x-row-count')).toBe('2');
    const bytes = new Uint8Array(await r.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.subarray(3)).trimEnd().split('\r\n');
    const header = lines[0]?.split(',') ?? [];
    const at = (line: string, col: string) => {
      // Split on commas outside quotes: "新街口,北" is one cell.
      const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((c) => c.replace(/,$/, '')) ?? [];
      return cells[header.indexOf(col)];
    };
    expect(header).toEqual(
      expect.arrayContaining(['名称', '设备编码', '状态', '摄像机类型', '安装方向', '经度', '纬度']),
    );
    expect(lines).toHaveLength(3);
    expect(at(lines[1] ?? '', '设备编码')).toBe('32010200001320000001');
    expect(at(lines[1] ?? '', '状态')).toBe('在线');
    expect(at(lines[1] ?? '', '摄像机类型')).toBe('球机');
    expect(at(lines[1] ?? '', '安装方向')).toBe('90');
    expect(at(lines[2] ?? '', '名称')).toBe('"新街口,北"');
    expect(at(lines[2] ?? '', '状态')).toBe('故障');
  });

  it('when the exported Shapefile is posted back to /import, then every row is unchanged', async () => {
    const zip = await (
      await fetch(`${app.url}/api/v1/cameras/export?format=shapefile`, { headers: { cookie } })
    ).arrayBuffer();
    const r = await fetch(`${app.url}/api/v1/import?format=shapefile&layer=cameras&name=cameras.zip`, {
      method: 'POST',
      body: zip,
      headers: { 'content-type': 'application/octet-stream', cookie },
    });
    expect(r.status).toBe(201);
    expect(((await r.json()) as Json).counts.cameras).toEqual({ new: 0, updated: 0, unchanged: 2 });
    const [n] = await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM camera`);
    expect(n?.n).toBe(2);
  });

  it('when a bbox holds one camera, then the export holds one', async () => {
    const r = await fetch(`${app.url}/api/v1/cameras/export?format=geojson&bbox=118.7795,32.0395,118.7805,32.0405`, {
      headers: { cookie },
    });
    const fc = (await r.json()) as Json;
    expect(fc.features.map((f: Json) => f.properties.name)).toEqual(['中山路口']);
  });

  it('when the format, bbox or encoding is wrong, then 400 problem+json names the query field', async () => {
    for (const [q, field] of [
      ['format=dwg', 'query.format'],
      ['format=csv&bbox=1,2,3', 'query.bbox'],
      ['format=csv&encoding=big5', 'query.encoding'],
      ['format=csv&extra=1', 'query'],
    ] as const) {
      const r = await fetch(`${app.url}/api/v1/cameras/export?${q}`, { headers: { cookie } });
      expect(r.status, q).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const p = (await r.json()) as Json;
      expect(p.code).toBe('request.invalid');
      expect(p.errors[0].path, q).toBe(field);
    }
  });

  it('when a leader exports, then it is allowed (reading), and signed out it is 401', async () => {
    const leader = await app.as('leader-export', 'leader');
    expect((await fetch(`${app.url}/api/v1/grids/export?format=geojson`, { headers: { cookie: leader } })).status).toBe(
      200,
    );
    expect((await fetch(`${app.url}/api/v1/grids/export?format=geojson`)).status).toBe(401);
  });

  it('when a layer is exported, then the file is written on a pool thread, and text GBK cannot hold is a 422 naming its row', async () => {
    const run = vi.spyOn(app.jobs.pool, 'run');
    const r = await fetch(`${app.url}/api/v1/cameras/export?format=xlsx`, { headers: { cookie } });
    expect(r.status).toBe(200);
    const bytes = new Uint8Array(await r.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(0, 2))).toBe('PK'); // an xlsx is a zip
    expect(run.mock.calls.map((c) => c[0].kind)).toEqual(['export-file']);
    expect(app.jobs.pool.workers.length).toBeGreaterThan(0);
    run.mockRestore();
    // A name with a character GBK lacks (an emoji), outside the bbox case's box: the worker's refusal comes back whole.
    const add = await fetch(`${app.url}/api/v1/import?format=csv&layer=cameras&name=emoji.csv`, {
      method: 'POST',
      body: '经度,纬度,点位名称,国标编码\r\n118.790000,32.050000,学校门口😀,32010200001320000003',
      headers: { 'content-type': 'application/octet-stream', cookie },
    });
    expect(add.status).toBe(201);
    const gbk = await fetch(`${app.url}/api/v1/cameras/export?format=csv&encoding=gbk`, { headers: { cookie } });
    expect(gbk.status).toBe(422);
    const p = (await gbk.json()) as Json;
    expect(p.code).toBe('export.not_encodable');
    expect(p.errors[0].path).toMatch(/^row \d+: 名称$/);
  });
});
