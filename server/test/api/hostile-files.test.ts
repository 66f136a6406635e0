import { randomBytes } from 'node:crypto';
import { Deflate, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Finding #5, #6, #8, #9 of the security round: hostile uploads end in a 413/422 problem+json while the server keeps
 * answering health probes sent all through the upload; nothing is written.
 */
let app: TestApp;
type Problem = { status: number; title: string; errors: { path: string; message: string }[] };
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.dispose());

/** Posts the file while probing health back to back until the upload answers; every probe must answer 200. */
async function uploadProbing(query: string, body: Uint8Array) {
  const cookie = await app.as('admin-hostile', 'admin');
  let done = false;
  const probes: number[] = [];
  const probing = (async () => {
    while (!done) {
      const t0 = performance.now();
      const r = await fetch(`${app.url}/api/v1/health`);
      await r.arrayBuffer();
      probes.push(r.status === 200 ? performance.now() - t0 : -r.status);
    }
  })();
  const t0 = performance.now();
  const r = await fetch(`${app.url}/api/v1/import?${query}`, {
    method: 'POST',
    body: Buffer.from(body),
    headers: { 'content-type': 'application/octet-stream', cookie },
  });
  const ms = performance.now() - t0;
  const problem = (await r.json()) as Problem;
  done = true;
  await probing;
  expect(probes.length, 'health was probed during the upload').toBeGreaterThan(0);
  expect(
    probes.filter((p) => p < 0),
    'every health probe answered 200',
  ).toEqual([]);
  expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  console.info(
    `${query}: ${r.status} in ${(ms / 1000).toFixed(1)} s; ${probes.length} health probes, slowest ${Math.max(...probes).toFixed(0)} ms — ${problem.title}: ${problem.errors?.[0]?.message?.slice(0, 160)}`,
  );
  return { status: r.status, problem };
}

const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const u16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff];

/** A zip written by hand, so its headers can claim what the test wants (fflate would tell the truth). */
function handZip(entries: { name: string; data: Uint8Array; method: 0 | 8; claimed: number }[]): Uint8Array {
  const parts: number[][] = [];
  const central: number[][] = [];
  let offset = 0;
  for (const e of entries) {
    const name = [...new TextEncoder().encode(e.name)];
    const local = [
      ...u32(0x04034b50),
      ...u16(20),
      ...u16(0x800),
      ...u16(e.method),
      ...u16(0),
      ...u16(0),
      ...u32(0),
      ...u32(e.data.length),
      ...u32(e.claimed),
      ...u16(name.length),
      ...u16(0),
      ...name,
    ];
    central.push([
      ...u32(0x02014b50),
      ...u16(20),
      ...u16(20),
      ...u16(0x800),
      ...u16(e.method),
      ...u16(0),
      ...u16(0),
      ...u32(0),
      ...u32(e.data.length),
      ...u32(e.claimed),
      ...u16(name.length),
      ...u16(0),
      ...u16(0),
      ...u16(0),
      ...u16(0),
      ...u32(0),
      ...u32(offset),
      ...name,
    ]);
    parts.push(local);
    offset += local.length + e.data.length;
  }
  const cd = central.flat();
  const eocd = [
    ...u32(0x06054b50),
    ...u16(0),
    ...u16(0),
    ...u16(entries.length),
    ...u16(entries.length),
    ...u32(cd.length),
    ...u32(offset),
    ...u16(0),
  ];
  const out = new Uint8Array(offset + cd.length + eocd.length);
  let p = 0;
  entries.forEach((e, i) => {
    out.set(parts[i] ?? [], p);
    p += (parts[i] ?? []).length;
    out.set(e.data, p);
    p += e.data.length;
  });
  out.set(cd, p);
  out.set(eocd, p + cd.length);
  return out;
}

/** 1 GiB of zeros deflated in 1 MiB pushes: about 1 MB of output, never 1 GiB in memory. */
function deflatedZeros(bytes: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  const d = new Deflate({ level: 9 }, (c) => {
    chunks.push(c);
  });
  const mb = new Uint8Array(1 << 20);
  for (let i = 0; i < bytes; i += mb.length) d.push(mb, i + mb.length >= bytes);
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

describe('hostile files are contained', () => {
  it('when a zip bomb (1 GiB of zeros as bomb.shp) is uploaded, then 413 — and 422 when its header claims 1 kB — while health answers', async () => {
    const zeros = deflatedZeros(1 << 30);
    expect(zeros.length).toBeLessThan(2 * 1024 * 1024);
    const honest = await uploadProbing(
      'format=shapefile&layer=buildings',
      handZip([{ name: 'bomb.shp', data: zeros, method: 8, claimed: 1 << 30 }]),
    );
    expect(honest.status).toBe(413);
    expect(honest.problem.errors[0]?.message).toMatch(/bomb\.shp/);
    const lying = await uploadProbing(
      'format=shapefile&layer=buildings',
      handZip([{ name: 'bomb.shp', data: zeros, method: 8, claimed: 1000 }]),
    );
    expect(lying.status).toBe(422);
    expect(lying.problem.errors[0]?.message).toMatch(/inflates past the 1000 bytes/);
  });

  it('when Shapefile zips of ~500 bytes have headers claiming huge lengths, then 422 naming the claim', async () => {
    const shp = new Uint8Array(100 + 8 + 20);
    const v = new DataView(shp.buffer);
    v.setInt32(0, 9994, false);
    v.setInt32(24, 0x7fffffff, false); // file length in 16-bit words: 4 GB
    v.setInt32(28, 1000, true);
    v.setInt32(32, 5, true);
    const dbf = new Uint8Array(33 + 32 + 1);
    const d = new DataView(dbf.buffer);
    dbf[0] = 3;
    d.setUint32(4, 2_000_000_000, true); // records
    d.setUint16(8, 65, true);
    d.setUint16(10, 11, true);
    dbf.set(new TextEncoder().encode('NAME'), 32);
    dbf[32 + 11] = 0x43;
    dbf[32 + 16] = 10;
    dbf[64] = 0x0d;
    for (const files of [
      { 'a.shp': shp } as Record<string, Uint8Array>,
      {
        'a.shp': (() => {
          const s = shp.slice();
          new DataView(s.buffer).setInt32(24, 64, false);
          new DataView(s.buffer).setInt32(104, 0x3fffffff, false);
          return s;
        })(),
        'a.dbf': dbf,
      },
    ]) {
      const zip = zipSync(files);
      expect(zip.length).toBeLessThan(700);
      const r = await uploadProbing('format=shapefile&layer=buildings', zip);
      expect(r.status).toBe(422);
      expect(r.problem.errors[0]?.message).toMatch(/claims/);
    }
  });

  it('when a 48 MB GeoJSON polygon of 2 million vertices is uploaded, then 413 naming the vertex budget', async () => {
    const n = 2_000_000;
    const ring: string[] = [];
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * i) / n;
      ring.push(`[${(118.78 + 0.01 * Math.cos(a)).toFixed(6)},${(32.04 + 0.01 * Math.sin(a)).toFixed(6)}]`);
    }
    ring.push(ring[0] ?? '');
    const body = new TextEncoder().encode(
      `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[${ring.join(',')}]]}}]}`,
    );
    expect(body.length).toBeGreaterThan(45e6);
    expect(body.length, 'under the 50 MiB upload limit, so the readers see it').toBeLessThan(50 * 1024 * 1024);
    const r = await uploadProbing('format=geojson&layer=buildings', body);
    expect(r.status).toBe(413);
    expect(r.problem.errors[0]).toMatchObject({ path: 'features[0]' });
    expect(r.problem.errors[0]?.message).toMatch(/maxFeatureVertices/);
  });

  it('when a CSV has a million columns, then 413 naming the first five and counting the rest', async () => {
    const header = Array.from({ length: 1_000_000 }, (_, i) => `c${i}`).join(',');
    const r = await uploadProbing(
      'format=csv&layer=incidents',
      new TextEncoder().encode(`${header}\n${header.replace(/c\d+/g, '1')}\n`),
    );
    expect(r.status).toBe(413);
    expect(r.problem.errors).toHaveLength(1);
    expect(r.problem.errors[0]?.message).toMatch(/"c0", "c1", "c2", "c3", "c4" and 999,995 more/);
    expect(JSON.stringify(r.problem).length).toBeLessThan(2000);
  });

  it('when zip entries are named ../x or /etc/x, then 422 naming them', async () => {
    const r = await uploadProbing(
      'format=shapefile&layer=buildings',
      zipSync({ '../x.shp': new Uint8Array(10), '/etc/x.dbf': new Uint8Array(10) }),
    );
    expect(r.status).toBe(422);
    expect(r.problem.errors[0]?.message).toMatch(/"\.\.\/x\.shp", "\/etc\/x\.dbf"/);
  });

  it('when a PBF is random bytes, then 422', async () => {
    const r = await uploadProbing('format=osm-pbf', new Uint8Array(randomBytes(200_000)));
    expect(r.status).toBe(422);
    const truncated = await uploadProbing(
      'format=osm-pbf',
      new Uint8Array([
        0,
        0,
        0,
        13,
        10,
        9,
        ...new TextEncoder().encode('OSMHeader'),
        0x18,
        0xff,
        0xff,
        0xff,
        0x0f,
        1,
        2,
        3,
      ]),
    );
    expect(truncated.status).toBe(422);
    expect(
      (await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'import'`))[0]?.n,
    ).toBe(0);
  });
});
