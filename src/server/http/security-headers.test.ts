import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { generatedPagePolicy, HSTS, registerSecurityHeaders } from './security-headers.js';

describe('registerSecurityHeaders', () => {
  it('sends HSTS only when the request came over https (here through a trusted proxy)', async () => {
    const app = Fastify({ trustProxy: true });
    await registerSecurityHeaders(app);
    app.get('/x', async () => ({ ok: true }));
    const https = await app.inject({ url: '/x', headers: { 'x-forwarded-proto': 'https' } });
    expect(https.headers['strict-transport-security']).toBe(HSTS);
    const http = await app.inject({ url: '/x' });
    expect(http.headers['strict-transport-security']).toBeUndefined();
    for (const res of [https, http]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    }
    await app.close();
  });

  it('does not believe X-Forwarded-Proto from a proxy it does not trust', async () => {
    const app = Fastify({ trustProxy: false });
    await registerSecurityHeaders(app);
    app.get('/x', async () => ({ ok: true }));
    const res = await app.inject({ url: '/x', headers: { 'x-forwarded-proto': 'https' } });
    expect(res.headers['strict-transport-security']).toBeUndefined();
    await app.close();
  });
});

describe('generatedPagePolicy', () => {
  const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

  it('allows the inline styles of the head by hash, and nothing else', () => {
    const html =
      '<html><head><style>body{color:red}</style><style>p{margin:0}</style></head>' +
      '<body><style>body{background:url(//evil.example)}</style></body></html>';
    const policy = generatedPagePolicy(html);
    expect(policy).toContain(`style-src ${sha('body{color:red}')} ${sha('p{margin:0}')}`);
    expect(policy).not.toContain(sha('body{background:url(//evil.example)}'));
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/script-src|unsafe-inline/);
  });

  it('allows no style at all on a page without a head style', () => {
    expect(generatedPagePolicy('<p>hi</p>')).toContain("style-src 'none'");
  });
});
