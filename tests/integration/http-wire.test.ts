import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { COMPRESS_THRESHOLD_BYTES } from '../../src/server/http/compression.js';
import { generateCohort } from '../../src/services/demo/bulk-cohort.js';
import { refreshAllStale } from '../../src/services/outcomes/outcome-refresher.js';
import { ROOT } from '../helpers/cli.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import {
  dialects,
  openTestDatabase,
  TestClock,
  tempDir,
  testDeps,
  type TestDatabase,
} from '../helpers/test-deps.js';

// Issue 10, "Reports sized for the wire" (ADR 0016): compressed API responses, cached and
// precompressed web assets, no source maps, and the patient's page on its own bundle.

function decoded(res: LightMyRequestResponse): string {
  const encoding = res.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(res.rawPayload).toString('utf8');
  if (encoding === 'gzip') return gunzipSync(res.rawPayload).toString('utf8');
  expect(encoding).toBeUndefined();
  return res.rawPayload.toString('utf8');
}

/** The web app built once for this file, into a temp dir (web/dist is left alone). */
let webRoot = '';
beforeAll(() => {
  webRoot = join(tempDir('kt-wire-web-'), 'dist');
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      join(ROOT, 'web/vite.config.ts'),
      '--outDir',
      webRoot,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
}, 120_000);

describe.each(dialects())('API responses on the wire (%s)', (dialect) => {
  let api: TestApi;
  const cohortUrl = '/api/v1/reports/cohort?instrument=qids-sr16';

  beforeAll(async () => {
    api = await startTestApi(dialect);
    await generateCohort(api.deps.database.db, {
      patients: 40,
      seed: 7,
      userId: api.userIds.admin,
    });
    await refreshAllStale(api.deps);
  });
  afterAll(async () => api.close());

  it('compresses a large JSON report with brotli or gzip, as the client asks, to the same JSON', async () => {
    const plain = await api.as('researcher', { url: cohortUrl });
    expect(plain.statusCode, plain.body).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(4 * COMPRESS_THRESHOLD_BYTES);
    const report: unknown = plain.json();
    expect(report).toHaveProperty('analysed', expect.any(Number));

    for (const [accept, encoding] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0.5, gzip;q=1', 'gzip'],
    ] as const) {
      const res = await api.as('researcher', {
        url: cohortUrl,
        headers: { 'accept-encoding': accept },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding'], accept).toBe(encoding);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
      expect(res.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
      expect(JSON.parse(decoded(res))).toEqual(report);
    }
  });

  it('tells browsers and proxies not to keep API answers (patient data, reports, errors)', async () => {
    const urls = [
      cohortUrl,
      '/api/v1/reports/cohort/dataset.csv?instrument=qids-sr16',
      '/api/v1/patients',
      '/api/v1/auth/me',
      '/api/v1/patients/not-a-patient',
    ];
    for (const url of urls) {
      const res = await api.as('clinician', { url });
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
  });

  it('answers HEAD for a compressible report with headers and no body', async () => {
    const res = await api.as('researcher', {
      method: 'HEAD',
      url: cohortUrl,
      headers: { 'accept-encoding': 'br' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.rawPayload.length).toBe(0);
  });

  it('keeps the CSV download streamed when compressed, with the same rows', async () => {
    const url = '/api/v1/reports/cohort/dataset.csv?instrument=qids-sr16';
    const plain = await api.as('researcher', { url });
    expect(plain.statusCode).toBe(200);
    const csv = plain.body;
    expect(csv.split('\n').filter((l) => l !== '').length).toBeGreaterThan(20);

    const gz = await api.as('researcher', { url, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.statusCode).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(gz.headers['content-disposition']).toBe(
      `attachment; filename="cohort-dataset.csv"; filename*=UTF-8''cohort-dataset.csv`,
    );
    // Piped through the compressor as it is produced: no length known in advance.
    expect(gz.headers['content-length']).toBeUndefined();
    expect(decoded(gz)).toBe(csv);

    const br = await api.as('researcher', { url, headers: { 'accept-encoding': 'br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(decoded(br)).toBe(csv);
  });

  it('sends small bodies as they are', async () => {
    const res = await api.as('admin', {
      url: '/api/v1/sites',
      headers: { 'accept-encoding': 'br, gzip' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.rawPayload.length).toBeLessThan(COMPRESS_THRESHOLD_BYTES);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['content-length']).toBe(String(res.rawPayload.length));
  });

  it('keeps problem+json errors intact when they are compressed', async () => {
    // Forty unknown fields: a 400 naming each of them, well over the threshold.
    const payload = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`unexpectedField${i}`, i]),
    );
    const res = await api.as('clinician', {
      method: 'POST',
      url: '/api/v1/patients',
      payload,
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['content-encoding']).toBe('gzip');
    const problem = JSON.parse(decoded(res)) as {
      status: number;
      code: string;
      errors: { field: string; rule: string }[];
    };
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('validation.failed');
    expect(problem.errors).toContainEqual(
      expect.objectContaining({ field: 'unexpectedField39', rule: 'unknown-field' }),
    );
  });

  it('never compresses responses that carry a secret (BREACH)', async () => {
    const totp = await api.as('clinician', {
      method: 'POST',
      url: '/api/v1/auth/totp/setup',
      headers: { 'accept-encoding': 'br, gzip' },
    });
    expect(totp.statusCode, totp.body).toBe(200);
    expect(totp.headers['content-encoding']).toBeUndefined();
    expect(totp.rawPayload.length).toBeGreaterThan(COMPRESS_THRESHOLD_BYTES);
    expect(totp.json()).toHaveProperty('secret');

    const patient = await api.as('clinician', {
      method: 'POST',
      url: '/api/v1/patients',
      payload: {
        mrn: 'WIRE-1',
        familyName: 'Wire',
        givenName: 'Wren',
        dateOfBirth: '1985-05-05',
        sex: 'female',
      },
    });
    expect(patient.statusCode, patient.body).toBe(201);
    const link = await api.as('clinician', {
      method: 'POST',
      url: `/api/v1/patients/${patient.json().id}/self-report-links`,
      payload: { instruments: ['qids-sr16'] },
      headers: { 'accept-encoding': 'br, gzip' },
    });
    expect(link.statusCode, link.body).toBe(201);
    expect(link.headers['content-encoding']).toBeUndefined();
    expect(link.rawPayload.length).toBeGreaterThan(COMPRESS_THRESHOLD_BYTES);
    expect(link.json().url).toMatch(/\/r\/[A-Za-z0-9_-]+$/);
  });
});

describe.each(dialects())('the built web app (%s)', (dialect) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  const file = (path: string) => readFileSync(join(webRoot, path));
  /** Scripts and module preloads a page names: what a browser fetches to run it. */
  const scriptsOf = (html: string) =>
    [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+)"/g)]
      .map((m) => m[1]!)
      .filter((src) => src.endsWith('.js'));
  const entryOf = (html: string) => /<script type="module"[^>]*\ssrc="([^"]+)"/.exec(html)?.[1];

  beforeAll(async () => {
    tdb = await openTestDatabase(dialect);
    app = await buildApp(testDeps(tdb.database, new TestClock(new Date())), {
      logger: false,
      webRoot,
    });
  });
  afterAll(async () => {
    await app.close();
    await tdb.drop();
  });

  it('caches hashed assets for a year as immutable and revalidates the pages', async () => {
    const index = await app.inject({ url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    const entry = entryOf(index.body);
    expect(entry).toMatch(/^\/assets\/main-[\w-]+\.js$/);

    const asset = await app.inject({ url: entry! });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.body).toBe(file(entry!.slice(1)).toString('utf8'));

    // A client-side route loads the same page, revalidated, and a 304 when unchanged.
    const route = await app.inject({ url: '/patients/0d6c0c2e-5f4e-4a47-9a43-2f6f0f0b8f10' });
    expect(route.statusCode).toBe(200);
    expect(route.headers['cache-control']).toBe('no-cache');
    expect(route.body).toBe(index.body);
    const again = await app.inject({
      url: '/dashboard',
      headers: { 'if-none-match': String(route.headers.etag), 'accept-encoding': 'br, gzip' },
    });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);

    const head = await app.inject({ method: 'HEAD', url: '/cohort' });
    expect(head.statusCode).toBe(200);
    expect(head.rawPayload.length).toBe(0);
  });

  it('serves the precompressed asset to clients that accept it, the plain file otherwise', async () => {
    const entry = entryOf((await app.inject({ url: '/' })).body)!;
    const raw = file(entry.slice(1)).toString('utf8');
    for (const [accept, encoding] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
    ] as const) {
      const res = await app.inject({ url: entry, headers: { 'accept-encoding': accept } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(res.headers['content-type']).toMatch(/^application\/javascript/);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
      expect(res.rawPayload.length).toBeLessThan(raw.length / 3);
      expect(decoded(res)).toBe(raw);
    }
    const identity = await app.inject({ url: entry, headers: { 'accept-encoding': 'identity' } });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.body).toBe(raw);
  });

  it('serves no source maps and no precompressed siblings by name: a 404 problem', async () => {
    const entry = entryOf((await app.inject({ url: '/' })).body)!;
    for (const url of [`${entry}.map`, `${entry}.br`, '/assets/missing-0000.js', '/app.js.map']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      expect(res.json(), url).toMatchObject({ status: 404, code: 'http.not_found' });
    }
  });

  it('gives the self-report link its own page, which loads only its own bundle', async () => {
    const index = (await app.inject({ url: '/' })).body;
    const page = await app.inject({ url: '/r/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.body).toBe(file('self-report.html').toString('utf8'));

    const selfReportEntry = entryOf(page.body);
    expect(selfReportEntry).toMatch(/^\/assets\/self-report-[\w-]+\.js$/);
    const clinicianEntry = entryOf(index)!;
    const selfReportScripts = scriptsOf(page.body);
    expect(selfReportScripts).not.toContain(clinicianEntry);

    // The router (and every clinician screen behind it) is in the clinician bundle only.
    const routerMessage = 'may be used only in the context of a <Router>';
    const code = (scripts: string[]) =>
      scripts.map((s) => file(s.slice(1)).toString('utf8')).join('\n');
    expect(code(scriptsOf(index))).toContain(routerMessage);
    expect(code(selfReportScripts)).not.toContain(routerMessage);
    expect(code(selfReportScripts).length).toBeLessThan(code(scriptsOf(index)).length * 0.6);

    // Every script the page names is served.
    for (const src of selfReportScripts) {
      expect((await app.inject({ url: src })).statusCode, src).toBe(200);
    }
  });
});
