import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';

describe.each(dialects())('sites on %s', (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(dialect);
  });
  afterAll(async () => api.close());

  it('lets an administrator add sites everyone can list, refusing a duplicate name', async () => {
    const add = (name: string, role: 'admin' | 'clinician' = 'admin') =>
      api.as(role, { method: 'POST', url: '/api/v1/sites', payload: { name } });
    const north = await add('  North   clinic ');
    expect(north.statusCode, north.body).toBe(201);
    expect(north.json().name).toBe('North clinic');
    expect((await add('South clinic')).statusCode).toBe(201);
    const dup = await add('North clinic');
    expect(dup.statusCode).toBe(409);
    expect(dup.json().errors[0]).toMatchObject({ field: 'name', rule: 'unique' });
    expect((await add('x', 'clinician')).statusCode).toBe(403);
    expect((await add('   ')).statusCode).toBe(400);
    const list = await api.as('researcher', { method: 'GET', url: '/api/v1/sites' });
    expect(list.json().sites.map((s: { name: string }) => s.name)).toEqual([
      'North clinic',
      'South clinic',
    ]);
    const audited = await api.deps.database.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'site.create')
      .execute();
    expect(audited).toHaveLength(2);
  });

  it('refuses a course at an unknown site, naming the field', async () => {
    const patient = await api.as('clinician', {
      method: 'POST',
      url: '/api/v1/patients',
      payload: {
        mrn: 'SITE-1',
        familyName: 'Site',
        givenName: 'Sam',
        dateOfBirth: '1970-02-02',
        sex: 'male',
      },
    });
    const res = await api.as('clinician', {
      method: 'POST',
      url: `/api/v1/patients/${patient.json().id}/courses`,
      payload: { protocolId: 'iv-standard', startOn: '2026-12-01', siteId: 'nowhere' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ field: 'siteId', rule: 'known-site' });
    const courses = await api.deps.database.db.selectFrom('courses').selectAll().execute();
    expect(courses).toEqual([]);
  });
});
