import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, roleHasPermission } from '../../src/domain/auth/permissions.js';
import { needsDeclaredAccess } from '../../src/server/plugins/access.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';

/** The only routes anyone may call without signing in. */
const PUBLIC_ROUTES = [
  'GET /healthz',
  'GET /readyz',
  'GET /api/openapi.json',
  'GET /api/v1/setup',
  'POST /api/v1/setup',
  'POST /api/v1/auth/sign-in',
  'GET /api/v1/self-report/:token',
  'POST /api/v1/self-report/:token',
];

describe('route permissions', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('sqlite');
  });
  afterAll(async () => api.close());

  const apiRoutes = () =>
    api.app.registeredRoutes.filter((r) => needsDeclaredAccess(r.url) && r.method !== 'HEAD');

  it('keeps researchers away from identified patient data', async () => {
    const res = await api.as('researcher', { method: 'GET', url: '/api/v1/patients' });
    expect(res.statusCode).toBe(403);
  });

  it('registers routes and every API route declares its access', () => {
    expect(apiRoutes().length).toBeGreaterThan(20);
    for (const r of apiRoutes()) expect(r.access, `${r.method} ${r.url}`).toBeDefined();
  });

  it('has exactly the allowed public routes', () => {
    const pub = apiRoutes()
      .filter((r) => r.access && 'public' in r.access)
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(pub).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('answers 401 without a session and 403 to every role lacking the permission, on every protected route', async () => {
    let checked = 0;
    // Sign-out ends the session it is called with, so it goes last.
    const routes = [...apiRoutes()].sort(
      (a, b) => Number(a.url.endsWith('/sign-out')) - Number(b.url.endsWith('/sign-out')),
    );
    for (const r of routes) {
      if (!r.access || 'public' in r.access) continue;
      const url = r.url.replace(/:[A-Za-z]+/g, '00000000-0000-7000-8000-000000000000');
      const method = r.method as 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
      const anon = await api.as(null, { method, url, payload: method === 'GET' ? undefined : {} });
      expect(anon.statusCode, `anonymous ${r.method} ${r.url}`).toBe(401);
      for (const role of ROLES) {
        const res = await api.as(role, { method, url, payload: method === 'GET' ? undefined : {} });
        if (roleHasPermission(role, r.access.permission)) {
          expect([401, 403], `${role} ${r.method} ${r.url}`).not.toContain(res.statusCode);
        } else {
          expect(res.statusCode, `${role} ${r.method} ${r.url}`).toBe(403);
          expect(res.json().code).toBe('auth.forbidden');
        }
      }
      checked += 1;
    }
    expect(checked).toBeGreaterThan(15);
  });
});
