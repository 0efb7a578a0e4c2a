import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEB_ROOT } from '../../src/server/app.js';
import { findWebApp } from '../../src/server/http/web-app.js';
import { APP_HEADERS } from '../helpers/app-headers.js';
import { buildTestApp, startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects, openTestDatabase, testDeps, type TestDatabase } from '../helpers/test-deps.js';

// Issue 11, items 2, 4, 9 and 11 (ADR 0023): what a hostile tester did over HTTP.

/** A page on another port of the same host: same site, another origin (the tester's page). */
const FOREIGN_ORIGIN = 'http://localhost:8081';
/** The origin of the server `inject` talks to (its Host header is localhost:80). */
const OWN_ORIGIN = 'http://localhost';

const isProblem = (res: LightMyRequestResponse | { headers: Record<string, unknown> }) =>
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);

/** The headers every answer carries, whatever it is (issue 11 item 4). */
function expectSecurityHeaders(
  headers: Record<string, string | string[] | number | undefined>,
  what: string,
): void {
  const csp = String(headers['content-security-policy'] ?? '');
  expect(csp, `${what}: CSP`).toMatch(/frame-ancestors 'none'/);
  expect(csp, `${what}: CSP`).toMatch(/script-src 'self'(;|$)|default-src 'none'/);
  expect(csp, `${what}: CSP`).not.toMatch(/(default|script)-src[^;]*'unsafe-/);
  // Only the API reference (Swagger UI) may add inline styles; nothing may run inline script.
  if (!what.startsWith('/api/docs')) expect(csp, `${what}: CSP`).not.toContain('unsafe-inline');
  expect(csp, `${what}: CSP`).not.toContain('unsafe-eval');
  expect(csp, `${what}: CSP`).toMatch(/default-src '(self|none)'/);
  expect(headers['x-content-type-options'], what).toBe('nosniff');
  expect(headers['referrer-policy'], what).toBe('no-referrer');
  expect(String(headers['x-frame-options']).toUpperCase(), what).toBe('DENY');
  // Over plain http: HSTS would be ignored, and must not pin a plain-http install.
  expect(headers['strict-transport-security'], what).toBeUndefined();
}

function portOf(api: TestApi): number {
  const address = api.app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** Writes raw bytes on a new connection and returns everything the server answers. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', (e) => (answer ? resolve(answer) : reject(e)));
    socket.write(bytes);
  });
}

function parseRaw(answer: string): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const at = line.indexOf(':');
    headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

describe.each(dialects())('HTTP hardening on %s', (dialect) => {
  let api: TestApi;
  let patientId: string;

  beforeAll(async () => {
    api = await startTestApi(dialect);
    const p = await api.as('clinician', {
      method: 'POST',
      url: '/api/v1/patients',
      payload: {
        mrn: 'SEC-1',
        familyName: 'Secure',
        givenName: 'Sam',
        dateOfBirth: '1980-01-01',
        sex: 'female',
      },
    });
    expect(p.statusCode, p.body).toBe(201);
    patientId = p.json().id;
    await api.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => api.close());

  /** A trial ready to be marked as entered in error: the hostile tester's target. */
  async function aTrial(): Promise<string> {
    const base = `/api/v1/patients/${patientId}`;
    const episodes = await api.as('clinician', { url: `${base}/episodes` });
    if (episodes.json().episodes.length === 0) {
      const ep = await api.as('clinician', {
        method: 'POST',
        url: `${base}/episodes`,
        payload: { startedOn: '2025-01-10', severity: 'severe-without-psychosis' },
      });
      expect(ep.statusCode, ep.body).toBe(201);
    }
    const trial = await api.as('clinician', {
      method: 'POST',
      url: `${base}/trials`,
      payload: {
        drugId: 'sertraline',
        dosePerDayMg: 100,
        weeks: 8,
        adherence: 'good',
        improvementPercent: 10,
      },
    });
    expect(trial.statusCode, trial.body).toBe(201);
    return trial.json().id as string;
  }
  const trialMarked = async (trialId: string) => {
    const trials = await api.as('clinician', { url: `/api/v1/patients/${patientId}/trials` });
    const trial = trials.json().trials.find((t: { id: string }) => t.id === trialId);
    return trial.enteredInError as boolean;
  };
  /** A fresh session, so signing it out leaves the shared ones alone. */
  const freshSession = async (): Promise<string> => {
    const res = await api.as(null, {
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'clinician@test.invalid', password: 'correct horse battery staple' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const c = res.cookies.find((x) => x.name === 'kt_session');
    return `kt_session=${c!.value}`;
  };
  const stillSignedIn = async (cookie: string) =>
    (await api.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode === 200;

  describe('cross-site request forgery (item 2)', () => {
    it('refuses a text/plain form post from another origin that marked a trial entered in error', async () => {
      const trialId = await aTrial();
      // Exactly what an HTML form with enctype="text/plain" on the tester's page sends.
      const forged = await api.app.injectBare({
        method: 'POST',
        url: `/api/v1/patients/${patientId}/trials/${trialId}/entered-in-error`,
        headers: {
          cookie: api.cookies.clinician,
          origin: FOREIGN_ORIGIN,
          'content-type': 'text/plain',
        },
        payload: 'x=y',
      });
      expect(forged.statusCode).toBe(415);
      isProblem(forged);
      expect(forged.json().code).toBe('csrf.form_media_type');
      expect(await trialMarked(trialId)).toBe(false);

      // The same form with no body at all (a form with no fields) is refused as well.
      const empty = await api.app.injectBare({
        method: 'POST',
        url: `/api/v1/patients/${patientId}/trials/${trialId}/entered-in-error`,
        headers: { cookie: api.cookies.clinician, origin: FOREIGN_ORIGIN },
      });
      expect(empty.statusCode).toBe(403);
      expect(empty.json().code).toBe('csrf.app_header_missing');
      expect(await trialMarked(trialId)).toBe(false);
    });

    it('refuses a form post that signs the user out, and every form media type', async () => {
      const cookie = await freshSession();
      for (const type of [
        'text/plain',
        'text/plain; charset=utf-8',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      ]) {
        const res = await api.app.injectBare({
          method: 'POST',
          url: '/api/v1/auth/sign-out',
          headers: { cookie, origin: FOREIGN_ORIGIN, 'content-type': type },
          payload: type.startsWith('multipart') ? '--x--\r\n' : 'a=b',
        });
        expect(res.statusCode, type).toBe(415);
        isProblem(res);
        // Even with our header, a form media type is refused (no route takes one).
        const withHeader = await api.app.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-out',
          headers: { cookie, 'content-type': type },
          payload: 'a=b',
        });
        expect(withHeader.statusCode, type).toBe(415);
      }
      expect(await stillSignedIn(cookie)).toBe(true);
    });

    it('refuses our header with a foreign Origin, and accepts it with our own', async () => {
      const trialId = await aTrial();
      const url = `/api/v1/patients/${patientId}/trials/${trialId}/entered-in-error`;
      for (const origin of [
        FOREIGN_ORIGIN,
        'null',
        'http://localhost.evil.example',
        'https://localhost:8443',
      ]) {
        const res = await api.as('clinician', {
          method: 'POST',
          url,
          headers: { origin, 'content-type': 'application/json' },
          payload: '{}',
        });
        expect(res.statusCode, origin).toBe(403);
        isProblem(res);
        expect(res.json()).toMatchObject({ code: 'csrf.foreign_origin' });
        expect(res.json().detail).toMatch(/Origin/);
      }
      expect(await trialMarked(trialId)).toBe(false);

      const cookie = await freshSession();
      const foreignSignOut = await api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-out',
        headers: { cookie, origin: FOREIGN_ORIGIN },
      });
      expect(foreignSignOut.statusCode).toBe(403);
      expect(await stillSignedIn(cookie)).toBe(true);

      const own = await api.as('clinician', {
        method: 'POST',
        url,
        headers: { origin: OWN_ORIGIN, 'content-type': 'application/json' },
        payload: '{}',
      });
      expect(own.statusCode, own.body).toBe(200);
      expect(await trialMarked(trialId)).toBe(true);

      const ownSignOut = await api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-out',
        headers: { cookie, origin: OWN_ORIGIN },
      });
      expect(ownSignOut.statusCode, ownSignOut.body).toBe(200);
      expect(await stillSignedIn(cookie)).toBe(false);
    });

    it('needs the header for sign-in (login CSRF), set-up and the self-report submission too', async () => {
      const signIn = await api.app.injectBare({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: 'clinician@test.invalid', password: 'correct horse battery staple' },
      });
      expect(signIn.statusCode).toBe(403);
      isProblem(signIn);
      expect(signIn.json()).toMatchObject({ code: 'csrf.app_header_missing' });
      expect(signIn.json().detail).toContain('x-requested-with');
      expect(signIn.cookies.find((c) => c.name === 'kt_session')).toBeUndefined();

      const setup = await api.app.injectBare({
        method: 'POST',
        url: '/api/v1/setup',
        payload: { email: 'x@clinic.test', displayName: 'X', password: 'a long enough password' },
      });
      expect(setup.statusCode).toBe(403);

      const link = await api.as('clinician', {
        method: 'POST',
        url: `/api/v1/patients/${patientId}/self-report-links`,
        payload: { instruments: ['phq-9'] },
      });
      expect(link.statusCode, link.body).toBe(201);
      const token = new URL(link.json().url as string).pathname.split('/').pop()!;
      const bare = await api.app.injectBare({
        method: 'POST',
        url: `/api/v1/self-report/${token}`,
        payload: { responses: [] },
      });
      expect(bare.statusCode).toBe(403);
      // With the header the request reaches the route (and its own checks).
      const withHeader = await api.as(null, {
        method: 'POST',
        url: `/api/v1/self-report/${token}`,
        payload: { responses: [] },
      });
      expect(withHeader.statusCode).not.toBe(403);
      expect(withHeader.statusCode).toBeLessThan(500);
    });

    it('makes the table import need the header too (its text/csv needs a preflight, the header makes sure)', async () => {
      const res = await api.app.injectBare({
        method: 'POST',
        url: '/api/v1/imports/table?fileName=t.csv&mapping=%7B%7D&dryRun=true',
        headers: { cookie: api.cookies.researcher, 'content-type': 'text/csv' },
        payload: 'id,date\n',
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('csrf.app_header_missing');
    });

    it('sends no 100 Continue before refusing an upload (not signed in, no header)', async () => {
      const answers = await Promise.all(
        [{ cookie: '' }, { cookie: api.cookies.researcher, omitHeader: true }].map(
          (who) =>
            new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
              let continued = false;
              const req = request({
                host: '127.0.0.1',
                port: portOf(api),
                method: 'POST',
                path: '/api/v1/imports/table?fileName=t.csv&mapping=%7B%7D&dryRun=true',
                headers: {
                  ...('omitHeader' in who ? {} : APP_HEADERS),
                  ...(who.cookie ? { cookie: who.cookie } : {}),
                  'content-type': 'text/csv',
                  'content-length': 10_000_000,
                  expect: '100-continue',
                },
              });
              req.on('continue', () => {
                continued = true;
                // What a client does on 100 Continue: it starts the body.
                req.write(Buffer.alloc(64 * 1024, 'a'));
              });
              req.on('response', (res) => {
                res.resume();
                resolve({ status: res.statusCode ?? 0, continued });
                req.destroy();
              });
              req.on('error', (e) => (e.message.includes('hang up') ? undefined : reject(e)));
              req.flushHeaders();
            }),
        ),
      );
      expect(answers).toEqual([
        { status: 401, continued: false },
        { status: 403, continued: false },
      ]);
    });

    it('still sends 100 Continue to a request it takes, once its body is read', async () => {
      const body = JSON.stringify({
        mrn: 'SEC-CONTINUE',
        familyName: 'Continue',
        givenName: 'Cal',
        dateOfBirth: '1980-01-01',
        sex: 'male',
      });
      const answer = await new Promise<{ status: number; continued: boolean }>(
        (resolve, reject) => {
          let continued = false;
          const req = request({
            host: '127.0.0.1',
            port: portOf(api),
            method: 'POST',
            path: '/api/v1/patients',
            headers: {
              ...APP_HEADERS,
              cookie: api.cookies.clinician,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
              expect: '100-continue',
            },
          });
          req.on('continue', () => {
            continued = true;
            req.end(body);
          });
          req.on('response', (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, continued }));
          });
          req.on('error', reject);
          req.flushHeaders();
        },
      );
      expect(answer).toEqual({ status: 201, continued: true });
    });
  });

  describe('paging bounds and text in query strings (item 9)', () => {
    it('answers offset=Infinity, 1e308, negative, fractional and huge limits with 400 naming the field and rule', async () => {
      const cases: [string, string, string][] = [
        ['/api/v1/patients?offset=Infinity', 'offset', 'maximum'],
        ['/api/v1/patients?offset=1e308', 'offset', 'maximum'],
        ['/api/v1/patients?offset=-1', 'offset', 'minimum'],
        ['/api/v1/patients?offset=1.5', 'offset', 'type'],
        ['/api/v1/patients?offset=NaN', 'offset', 'type'],
        ['/api/v1/patients?limit=1e308', 'limit', 'maximum'],
        ['/api/v1/patients?limit=100000', 'limit', 'maximum'],
        ['/api/v1/patients?limit=0', 'limit', 'minimum'],
        ['/api/v1/audit?beforeSeq=Infinity', 'beforeSeq', 'maximum'],
        ['/api/v1/audit?beforeSeq=1e308', 'beforeSeq', 'maximum'],
        ['/api/v1/audit?beforeSeq=-5', 'beforeSeq', 'minimum'],
        ['/api/v1/audit?limit=Infinity', 'limit', 'maximum'],
      ];
      for (const [url, field, rule] of cases) {
        const res = await api.as(url.startsWith('/api/v1/audit') ? 'admin' : 'clinician', {
          url,
        });
        expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
        isProblem(res);
        expect(res.json().errors, url).toContainEqual(expect.objectContaining({ field, rule }));
      }
      // The largest accepted offset is answered, empty, on this database.
      const far = await api.as('clinician', { url: '/api/v1/patients?offset=10000000' });
      expect(far.statusCode, far.body).toBe(200);
      expect(far.json().patients).toEqual([]);
    });

    it('bounds every number and every text in every query string of the API', async () => {
      type Parameter = { in: string; name: string; schema: Record<string, unknown> };
      const spec = (await api.as(null, { url: '/api/openapi.json' })).json<{
        paths: Record<string, Record<string, { parameters?: Parameter[] }>>;
      }>();
      const unbounded: string[] = [];
      let seen = 0;
      for (const [path, operations] of Object.entries(spec.paths)) {
        for (const [method, op] of Object.entries(operations)) {
          for (const p of op.parameters ?? []) {
            if (p.in !== 'query') continue;
            seen += 1;
            const s = p.schema;
            const where = `${method.toUpperCase()} ${path} ?${p.name}`;
            if (
              (s.type === 'integer' || s.type === 'number') &&
              (s.minimum === undefined || s.maximum === undefined)
            )
              unbounded.push(`${where}: a number without minimum and maximum`);
            if (
              s.type === 'string' &&
              s.maxLength === undefined &&
              s.pattern === undefined &&
              s.enum === undefined &&
              s.const === undefined
            )
              unbounded.push(`${where}: a text without maxLength or pattern`);
          }
        }
      }
      expect(seen).toBeGreaterThan(10);
      expect(unbounded).toEqual([]);
    });

    it('refuses control characters in free-text query parameters with 400 (NUL was a 500 on PostgreSQL)', async () => {
      const cases: [string, 'clinician' | 'researcher' | 'admin', string][] = [
        ['/api/v1/patients?q=a%00b', 'clinician', 'q'],
        ['/api/v1/patients?q=a%0Ab', 'clinician', 'q'],
        ['/api/v1/reports/study?study=a%00b', 'researcher', 'study'],
        ['/api/v1/audit?action=a%00b', 'admin', 'action'],
        ['/api/v1/reports/cohort?protocolId=a%00b', 'researcher', 'protocolId'],
      ];
      for (const [url, role, field] of cases) {
        const res = await api.as(role, { url });
        expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
        isProblem(res);
        expect(res.json().errors, url).toContainEqual(
          expect.objectContaining({ field, rule: 'no-control-characters' }),
        );
      }
    });

    it('refuses a NUL inside a JSON body with 400 naming the field, on both databases', async () => {
      const res = await api.as('clinician', {
        method: 'POST',
        url: '/api/v1/patients',
        payload: {
          mrn: 'SEC-NUL',
          familyName: 'Nul\u0000Name',
          givenName: 'Sam',
          dateOfBirth: '1980-01-01',
          sex: 'female',
        },
      });
      expect(res.statusCode, res.body).toBe(400);
      isProblem(res);
      expect(res.json().errors).toContainEqual(
        expect.objectContaining({ field: 'familyName', rule: 'no-nul-character' }),
      );
    });
  });

  describe("Fastify's and Node's own refusals as problem+json (item 9)", () => {
    it('a URL that does not decode', async () => {
      for (const url of ['/api/v1/%', '/api/v1/patients/%E0%A4%A']) {
        const res = await api.as('clinician', { url });
        expect(res.statusCode, url).toBe(400);
        isProblem(res);
        expect(res.json()).toMatchObject({ status: 400, code: 'http.bad_url' });
        expectSecurityHeaders(res.headers, url);
      }
    });

    it('an unsupported media type, a body too large and malformed JSON', async () => {
      const xml = await api.as('clinician', {
        method: 'POST',
        url: '/api/v1/patients',
        headers: { 'content-type': 'application/xml' },
        payload: '<patient/>',
      });
      expect(xml.statusCode).toBe(415);
      isProblem(xml);
      const big = await api.as('clinician', {
        method: 'POST',
        url: '/api/v1/patients',
        headers: { 'content-type': 'application/json' },
        payload: `{"mrn":"${'a'.repeat(1_100_000)}"}`,
      });
      expect(big.statusCode).toBe(413);
      isProblem(big);
      const bad = await api.as('clinician', {
        method: 'POST',
        url: '/api/v1/patients',
        headers: { 'content-type': 'application/json' },
        payload: '{"mrn":',
      });
      expect(bad.statusCode).toBe(400);
      isProblem(bad);
    });

    it('request headers too large (431) and a header Node cannot parse (400), written before any route', async () => {
      const port = portOf(api);
      const tooLarge = parseRaw(
        await rawExchange(
          port,
          `GET /api/v1/patients HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        ),
      );
      expect(tooLarge.status).toBe(431);
      expect(tooLarge.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(tooLarge.body)).toMatchObject({
        status: 431,
        code: 'http.header_too_large',
      });
      expectSecurityHeaders(tooLarge.headers, '431');

      const invalid = parseRaw(
        await rawExchange(
          port,
          'GET /api/v1/patients HTTP/1.1\r\nHost: localhost\r\nBad Name: x\r\n\r\n',
        ),
      );
      expect(invalid.status).toBe(400);
      expect(invalid.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(invalid.body)).toMatchObject({ status: 400 });
      expectSecurityHeaders(invalid.headers, 'invalid header');

      const noHost = parseRaw(
        await rawExchange(port, 'GET /api/v1/auth/me HTTP/1.1\r\nConnection: close\r\n\r\n'),
      );
      expect(noHost.status).toBe(400);
      expect(noHost.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(noHost.body)).toMatchObject({ status: 400, code: 'http.host_missing' });
      expectSecurityHeaders(noHost.headers, 'no host');
    });
  });

  describe('file names of downloads (item 11)', () => {
    it('refuses ids with quotes, line breaks or other characters before building a file name', async () => {
      for (const id of [
        'a%22b',
        'a%0D%0ASet-Cookie:%20x',
        '%C3%A9t%C3%A9',
        'x%22%3B%20filename%3D%22evil.html',
      ]) {
        for (const url of [
          `/api/v1/patients/${id}/progress.pdf`,
          `/api/v1/sessions/${id}/monitoring-form.csv`,
        ]) {
          const res = await api.as('clinician', { url });
          expect(res.statusCode, url).toBe(400);
          isProblem(res);
          expect(res.json().errors[0]).toMatchObject({ field: 'id' });
          expect(res.headers['content-disposition']).toBeUndefined();
        }
      }
    });

    it('names a download with an ASCII fallback and the exact UTF-8 name (RFC 6266)', async () => {
      const pdf = await api.as('clinician', { url: `/api/v1/patients/${patientId}/progress.pdf` });
      expect(pdf.statusCode, pdf.body).toBe(200);
      expect(pdf.headers['content-disposition']).toBe(
        `attachment; filename="progress-${patientId}.pdf"; filename*=UTF-8''progress-${patientId}.pdf`,
      );
      const csv = await api.as('researcher', { url: '/api/v1/reports/cohort/dataset.csv' });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-disposition']).toBe(
        `attachment; filename="cohort-dataset.csv"; filename*=UTF-8''cohort-dataset.csv`,
      );
    });
  });

  describe('security headers on every kind of answer (item 4)', () => {
    it('API answers, problems and downloads', async () => {
      const answers: [string, LightMyRequestResponse][] = [
        ['200 JSON', await api.as('clinician', { url: '/api/v1/patients' })],
        ['401', await api.as(null, { url: '/api/v1/patients' })],
        ['403 role', await api.as('researcher', { url: '/api/v1/patients' })],
        ['404', await api.as('clinician', { url: '/api/v1/nothing-here' })],
        ['400', await api.as('clinician', { url: '/api/v1/patients?limit=0' })],
        ['403 forged', await api.app.injectBare({ method: 'POST', url: '/api/v1/auth/sign-out' })],
        ['openapi', await api.as(null, { url: '/api/openapi.json' })],
        ['health', await api.as(null, { url: '/healthz' })],
        ['csv', await api.as('researcher', { url: '/api/v1/reports/cohort/dataset.csv' })],
        ['pdf', await api.as('clinician', { url: `/api/v1/patients/${patientId}/progress.pdf` })],
      ];
      for (const [what, res] of answers) {
        expect(res.statusCode, what).toBeLessThan(500);
        expectSecurityHeaders(res.headers, what);
      }
    });

    it('the HTML cohort report: no script at all, its inline style allowed by hash alone', async () => {
      const res = await api.as('researcher', { url: '/api/v1/reports/cohort/report.html' });
      expect(res.statusCode, res.body).toBe(200);
      expectSecurityHeaders(res.headers, 'report');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('script-src');
      const style = /<style>([\s\S]*?)<\/style>/.exec(res.body)?.[1];
      expect(style).toBeDefined();
      const hash = createHash('sha256').update(style!, 'utf8').digest('base64');
      expect(csp).toContain(`style-src 'sha256-${hash}'`);
    });

    it('the API reference pages', async () => {
      for (const url of ['/api/docs/', '/api/docs/static/swagger-initializer.js']) {
        const res = await api.as(null, { url });
        expect(res.statusCode, url).toBe(200);
        expectSecurityHeaders(res.headers, url);
      }
      // "Try it out" sends our header, or every change it tried would be refused.
      const init = await api.as(null, { url: '/api/docs/static/swagger-initializer.js' });
      expect(init.body).toMatch(/\[["']x-requested-with["']\] = ["']ketatrack["']/);
    });
  });
});

describe('100 Continue when the import slots are busy', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('sqlite', { KETATRACK_IMPORT_MAX_CONCURRENT: '1' });
    await api.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => api.close());

  it('refuses an upload with 503 without asking for its body first', async () => {
    const mapping = JSON.stringify({
      study: 'busy-check',
      subject: { column: 'id' },
      date: { column: 'date' },
      scores: [{ column: 'madrs', instrument: 'madrs' }],
    });
    const path = `/api/v1/imports/table?${new URLSearchParams({ fileName: 'b.csv', mapping, dryRun: 'true' }).toString()}`;
    const headers = {
      ...APP_HEADERS,
      cookie: api.cookies.researcher,
      'content-type': 'text/csv',
    };
    // One upload that keeps coming holds the only slot.
    const held = request({
      host: '127.0.0.1',
      port: portOf(api),
      method: 'POST',
      path,
      headers: { ...headers, 'transfer-encoding': 'chunked' },
    });
    held.on('error', () => {});
    held.write('id,date,madrs\n' + 'S1,2025-01-01,30\n'.repeat(50));
    try {
      const uploads = join(api.deps.config.dataDir, 'uploads');
      for (let i = 0; i < 500 && !(existsSync(uploads) && readdirSync(uploads).length > 0); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(readdirSync(uploads)).toHaveLength(1);

      const answer = await new Promise<{ status: number; continued: boolean }>(
        (resolve, reject) => {
          let continued = false;
          const req = request({
            host: '127.0.0.1',
            port: portOf(api),
            method: 'POST',
            path,
            headers: { ...headers, 'content-length': 50_000_000, expect: '100-continue' },
          });
          req.on('continue', () => {
            continued = true;
            req.write(Buffer.alloc(64 * 1024, 'a'));
          });
          req.on('response', (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, continued });
            req.destroy();
          });
          req.on('error', (e) => (e.message.includes('hang up') ? undefined : reject(e)));
          req.flushHeaders();
        },
      );
      expect(answer).toEqual({ status: 503, continued: false });
    } finally {
      held.destroy();
    }
  });
});

describe('security headers on the web app', () => {
  let tdb: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  const webRoot = findWebApp(DEFAULT_WEB_ROOT);

  beforeAll(async () => {
    // `npm install` / `npm ci` build the web app (DEVELOPERS.md), as CI does.
    expect(webRoot, 'web/dist is built').not.toBeNull();
    tdb = await openTestDatabase('sqlite');
    app = await buildTestApp(testDeps(tdb.database), { logger: false, webRoot });
  });
  afterAll(async () => {
    await app.close();
    await tdb.drop();
  });

  it('pages, client-side routes, the self-report page, assets and missing files', async () => {
    const index = await app.inject({ url: '/' });
    const asset = /<script type="module"[^>]*\ssrc="([^"]+)"/.exec(index.body)?.[1];
    expect(asset).toBeDefined();
    for (const url of [
      '/',
      '/patients/0d6c0c2e-5f4e-4a47-9a43-2f6f0f0b8f10',
      '/r/abc',
      asset!,
      '/assets/none.js',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBeLessThan(500);
      expectSecurityHeaders(res.headers, url);
      expect(String(res.headers['content-security-policy']), url).toContain("script-src 'self'");
    }
  });

  it('has no inline script in any built page (the policy would stop it)', async () => {
    for (const url of ['/', '/r/abc']) {
      const html = (await app.inject({ url })).body;
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length, url).toBeGreaterThan(0);
      for (const [, attributes, body] of scripts) {
        expect(attributes, url).toMatch(/\ssrc="/);
        expect(body!.trim(), url).toBe('');
      }
      expect(html, url).not.toMatch(/\son[a-z]+=/i);
    }
  });
});
