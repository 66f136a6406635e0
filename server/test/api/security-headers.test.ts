import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.dispose());

describe('security headers and limits', () => {
  it('when any page or API answer is read, then it carries a same-origin CSP and no CORS grant, even to a foreign Origin', async () => {
    for (const p of ['/', '/api/v1/health', '/api/v1/nope']) {
      const res = await fetch(app.url + p, { headers: { origin: 'https://evil.example', cookie: app.cookie } });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, p).toContain("default-src 'self'");
      expect(csp, p).toContain("script-src 'self'");
      expect(csp, p).toContain("frame-ancestors 'none'");
      expect(csp, p).not.toContain('unsafe-eval');
      expect(res.headers.get('access-control-allow-origin'), p).toBeNull();
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff');
      expect(res.headers.get('x-powered-by'), p).toBeNull();
    }
    const pre = await fetch(`${app.url}/api/v1/grids`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('when a body over 10 MB is sent, then it is refused with 413 problem+json and nothing is stored', async () => {
    const before = (await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'))[0]!.n;
    const big = JSON.stringify({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [118.78, 32.04] },
      properties: { name: 'x'.repeat(11 * 1024 * 1024) },
    });
    const res = await fetch(`${app.url}/api/v1/cameras`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: app.cookie },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const body = (await res.json()) as { status: number; errors: { path: string }[]; stack?: unknown };
    expect(body.status).toBe(413);
    expect(body.errors[0]!.path).toBe('body');
    expect(body.stack).toBeUndefined();
    expect((await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'))[0]!.n).toBe(before);
  });
});
