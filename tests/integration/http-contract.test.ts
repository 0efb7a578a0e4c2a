import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/test-api.js';

describe('HTTP contract', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('sqlite');
  });
  afterAll(async () => api.close());

  it('answers /healthz and /readyz', async () => {
    expect((await api.as(null, { url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await api.as(null, { url: '/readyz' })).json()).toEqual({ status: 'ok' });
  });

  it('returns 401 problem+json for the patient list without a session', async () => {
    const res = await api.as(null, { url: '/api/v1/patients' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      status: 401,
      code: 'auth.unauthenticated',
      requestId: res.headers['x-request-id'],
    });
  });

  it('publishes OpenAPI listing the paths, and a browsable reference', async () => {
    const spec = (await api.as(null, { url: '/api/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/patients',
        '/api/v1/patients/{id}',
        '/api/v1/auth/sign-in',
        '/api/v1/users',
        '/api/v1/audit',
      ]),
    );
    const docs = await api.as(null, { url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('answers 413 for a body over 1 MB and 400 for malformed JSON, as problem+json', async () => {
    const big = await api.as('nurse', {
      method: 'POST',
      url: '/api/v1/patients',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ notes: 'x'.repeat(1_100_000) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.headers['content-type']).toContain('application/problem+json');
    const bad = await api.as('nurse', {
      method: 'POST',
      url: '/api/v1/patients',
      headers: { 'content-type': 'application/json' },
      payload: '{"mrn": "A1",',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses an id carrying a control character with 400 naming the field (a NUL was a 500 on PostgreSQL)', async () => {
    for (const url of [
      '/api/v1/patients/a%00b',
      '/api/v1/sessions/a%0ab/monitoring-form.csv',
      '/api/v1/sessions/a%0db',
    ]) {
      const res = await api.as('clinician', { url });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors[0]).toMatchObject({ field: 'id' });
      expect(res.headers['content-disposition']).toBeUndefined();
    }
  });

  it('names every missing field at once', async () => {
    const res = await api.as('nurse', { method: 'POST', url: '/api/v1/patients', payload: {} });
    expect(res.statusCode).toBe(400);
    const fields = res
      .json()
      .errors.map((e: { field: string }) => e.field)
      .sort();
    expect(fields).toEqual(['dateOfBirth', 'familyName', 'givenName', 'mrn', 'sex']);
  });

  it('answers unknown API paths with a 404 problem and every response carries a request id', async () => {
    const res = await api.as('nurse', { url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
