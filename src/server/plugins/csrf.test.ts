import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { csrfRefusal, isOwnOrigin } from './csrf.js';

const req = (
  over: Partial<{
    method: string;
    headers: Record<string, string>;
    host: string;
    protocol: string;
  }>,
) =>
  ({
    method: 'POST',
    protocol: 'http',
    host: 'ketatrack.clinic.example',
    ...over,
    headers: { 'x-requested-with': 'ketatrack', ...(over.headers ?? {}) },
  }) as unknown as FastifyRequest;

const noPublicUrl = { publicUrl: undefined };
const publicUrl = { publicUrl: 'https://ketatrack.clinic.example/' };

describe('isOwnOrigin', () => {
  it('without KETATRACK_PUBLIC_URL, compares the host and port with the request Host', () => {
    const r = req({ host: 'ketatrack.clinic.example:3000' });
    expect(isOwnOrigin('http://ketatrack.clinic.example:3000', r, noPublicUrl)).toBe(true);
    // Behind a TLS proxy the server may not know the scheme: the host still decides.
    expect(isOwnOrigin('https://ketatrack.clinic.example:3000', r, noPublicUrl)).toBe(true);
    for (const foreign of [
      'http://ketatrack.clinic.example:3001', // another port of the same host: same site
      'http://ketatrack.clinic.example', // port 80
      'http://evil.example:3000',
      'http://ketatrack.clinic.example:3000.evil.example',
      'null',
      'file://',
      'http://ketatrack.clinic.example:3000/path',
      '',
    ])
      expect(isOwnOrigin(foreign, r, noPublicUrl), foreign).toBe(false);
  });

  it('treats a default port written out as the same origin', () => {
    expect(isOwnOrigin('http://localhost', req({ host: 'localhost:80' }), noPublicUrl)).toBe(true);
    expect(isOwnOrigin('https://a.example', req({ host: 'a.example:443' }), noPublicUrl)).toBe(
      true,
    );
  });

  it('with KETATRACK_PUBLIC_URL, needs exactly that origin, whatever the Host says', () => {
    const r = req({ host: 'internal-name:3000' });
    expect(isOwnOrigin('https://ketatrack.clinic.example', r, publicUrl)).toBe(true);
    expect(isOwnOrigin('http://ketatrack.clinic.example', r, publicUrl)).toBe(false);
    expect(isOwnOrigin('http://internal-name:3000', r, publicUrl)).toBe(false);
  });
});

describe('csrfRefusal', () => {
  it('never refuses a request that only reads', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS'])
      expect(
        csrfRefusal(req({ method, headers: { origin: 'http://evil.example' } }), noPublicUrl),
      ).toBeNull();
  });

  it('needs our header on every method that changes something', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const bare = { method, headers: { 'x-requested-with': '' } };
      expect(csrfRefusal(req(bare), noPublicUrl)?.code, method).toBe('csrf.app_header_missing');
      expect(csrfRefusal(req({ method }), noPublicUrl), method).toBeNull();
    }
    const other = req({ headers: { 'x-requested-with': 'XMLHttpRequest' } });
    expect(csrfRefusal(other, noPublicUrl)?.code).toBe('csrf.app_header_missing');
  });

  it('refuses the media types a form can send before anything else, with 415', () => {
    const form = req({
      headers: { 'content-type': 'Application/X-WWW-Form-Urlencoded; charset=utf-8' },
    });
    expect(csrfRefusal(form, noPublicUrl)).toMatchObject({
      status: 415,
      code: 'csrf.form_media_type',
    });
    const json = req({ headers: { 'content-type': 'application/json' } });
    expect(csrfRefusal(json, noPublicUrl)).toBeNull();
  });

  it('refuses a foreign Origin even with our header; a missing Origin is not refused', () => {
    const foreign = req({ headers: { origin: 'http://ketatrack.clinic.example:8081' } });
    expect(csrfRefusal(foreign, noPublicUrl)).toMatchObject({
      status: 403,
      code: 'csrf.foreign_origin',
    });
    expect(csrfRefusal(req({}), noPublicUrl)).toBeNull();
  });
});
