import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/test-deps.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';

const base = {
  mrn: 'MRN-1001',
  familyName: 'Okafor',
  givenName: 'Adaeze Grace',
  dateOfBirth: '1980-04-12',
  sex: 'female',
  weightKg: 72.5,
  heightCm: 168,
};

describe.each(dialects())('patients on %s', (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(dialect);
  });
  afterAll(async () => api.close());

  const post = (url: string, payload: unknown, role: 'nurse' | 'clinician' = 'nurse') =>
    api.as(role, { method: 'POST', url, payload: payload as object });

  it('creates, reads and lists a patient, with the first weight and height', async () => {
    const created = await post('/api/v1/patients', base);
    expect(created.statusCode).toBe(201);
    const p = created.json();
    expect(p).toMatchObject({
      mrn: 'MRN-1001',
      familyName: 'Okafor',
      latestWeightKg: 72.5,
      latestHeightCm: 168,
      bmi: 25.7,
      version: 1,
      archived: false,
    });
    const read = await api.as('clinician', { method: 'GET', url: `/api/v1/patients/${p.id}` });
    expect(read.json().id).toBe(p.id);
  });

  it('finds patients by name word prefix, MRN prefix and date of birth, case-insensitively', async () => {
    await post('/api/v1/patients', {
      ...base,
      mrn: 'MRN-2002',
      familyName: "O'Neil",
      givenName: 'Brendan',
      dateOfBirth: '1975-01-30',
      sex: 'male',
    });
    await post('/api/v1/patients', {
      ...base,
      mrn: 'X_99',
      familyName: 'Underscore',
      givenName: 'Percy',
      dateOfBirth: '1990-06-01',
    });
    await post('/api/v1/patients', {
      ...base,
      mrn: 'XA99',
      familyName: 'Letter',
      givenName: 'Lou',
      dateOfBirth: '1990-06-01',
    });
    const search = async (q: string) =>
      (await api.as('nurse', { method: 'GET', url: `/api/v1/patients?q=${encodeURIComponent(q)}` }))
        .json()
        .patients.map((x: { mrn: string }) => x.mrn)
        .sort();
    expect(await search('okaf')).toEqual(['MRN-1001']);
    expect(await search('GRACE')).toEqual(['MRN-1001']);
    expect(await search('mrn-2')).toEqual(['MRN-2002']);
    expect(await search('1975-01-30')).toEqual(['MRN-2002']);
    expect(await search('o 1980-04-12')).toEqual(['MRN-1001']);
    // LIKE wildcards in the query are literal characters, not patterns.
    expect(await search('x_')).toEqual(['X_99']);
    expect(await search('xa')).toEqual(['XA99']);
    expect(await search('%')).toEqual([]);
    expect(await search('race')).toEqual([]);
  });

  it('rejects clinically impossible values with the field and the rule', async () => {
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const res = await post('/api/v1/patients', {
      ...base,
      mrn: 'BAD-1',
      dateOfBirth: future,
      weightKg: 400,
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const fields = res
      .json()
      .errors.map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`);
    expect(fields).toEqual(expect.arrayContaining(['dateOfBirth:not-in-future', 'weightKg:range']));
    const notDate = await post('/api/v1/patients', {
      ...base,
      mrn: 'BAD-2',
      dateOfBirth: '1980-02-30',
    });
    expect(notDate.json().errors[0]).toMatchObject({ field: 'dateOfBirth', rule: 'calendar-date' });
    const typed = await post('/api/v1/patients', { ...base, mrn: 'BAD-3', weightKg: '70' });
    expect(typed.statusCode).toBe(400);
    expect(typed.json().errors[0]).toMatchObject({ field: 'weightKg', rule: 'type' });
    const extra = await post('/api/v1/patients', { ...base, mrn: 'BAD-4', shoeSize: 9 });
    expect(extra.json().errors[0]).toMatchObject({ field: 'shoeSize', rule: 'unknown-field' });
    const list = await api.as('nurse', { method: 'GET', url: '/api/v1/patients?q=bad' });
    expect(list.json().total).toBe(0);
  });

  it('refuses a duplicate MRN with 409 naming the field', async () => {
    const res = await post('/api/v1/patients', base);
    expect(res.statusCode).toBe(409);
    expect(res.json().errors[0]).toMatchObject({ field: 'mrn', rule: 'unique' });
  });

  it('gives exactly one of several racing registrations of the same MRN, the rest 409', async () => {
    const results = await Promise.all(
      ['A', 'B', 'C', 'D'].map((g) =>
        post('/api/v1/patients', { ...base, mrn: 'RACE-1', givenName: g }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409]);
    const rows = await api.deps.database.db
      .selectFrom('patients')
      .select('id')
      .where('mrn', '=', 'RACE-1')
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('detects a stale update (version check) and leaves the stored record unchanged', async () => {
    const p = (await post('/api/v1/patients', { ...base, mrn: 'MRN-3003' })).json();
    const first = await api.as('nurse', {
      method: 'PATCH',
      url: `/api/v1/patients/${p.id}`,
      payload: { version: 1, givenName: 'Ada' },
    });
    expect(first.statusCode).toBe(200);
    expect(first.json().version).toBe(2);
    const stale = await api.as('clinician', {
      method: 'PATCH',
      url: `/api/v1/patients/${p.id}`,
      payload: { version: 1, givenName: 'Overwritten' },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('patient.version_conflict');
    const now = await api.as('nurse', { method: 'GET', url: `/api/v1/patients/${p.id}` });
    expect(now.json().givenName).toBe('Ada');
  });

  it('archives instead of deleting; archived patients leave the list and refuse edits until restored', async () => {
    const p = (
      await post('/api/v1/patients', { ...base, mrn: 'MRN-4004', familyName: 'Archivable' })
    ).json();
    expect(
      (
        await api.as('nurse', {
          method: 'POST',
          url: `/api/v1/patients/${p.id}/archive`,
          payload: { reason: 'moved away' },
        })
      ).statusCode,
    ).toBe(403);
    const archived = await post(
      `/api/v1/patients/${p.id}/archive`,
      { reason: 'moved away' },
      'clinician',
    );
    expect(archived.json()).toMatchObject({ archived: true, archivedReason: 'moved away' });
    const listed = await api.as('nurse', { method: 'GET', url: '/api/v1/patients?q=archivable' });
    expect(listed.json().total).toBe(0);
    const withArchived = await api.as('nurse', {
      method: 'GET',
      url: '/api/v1/patients?q=archivable&includeArchived=true',
    });
    expect(withArchived.json().total).toBe(1);
    const edit = await api.as('nurse', {
      method: 'PATCH',
      url: `/api/v1/patients/${p.id}`,
      payload: { version: 2, givenName: 'X' },
    });
    expect(edit.json().code).toBe('patient.archived');
    const restored = await post(`/api/v1/patients/${p.id}/restore`, {}, 'clinician');
    expect(restored.json().archived).toBe(false);
    const rows = await api.deps.database.db
      .selectFrom('patients')
      .select('id')
      .where('id', '=', p.id)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('keeps weight and height history, diagnoses and consents', async () => {
    const p = (await post('/api/v1/patients', { ...base, mrn: 'MRN-5005' })).json();
    const m = await post(`/api/v1/patients/${p.id}/measurements`, {
      measuredOn: '2026-01-05',
      weightKg: 80.2,
    });
    expect(m.statusCode).toBe(201);
    const beforeBirth = await post(`/api/v1/patients/${p.id}/measurements`, {
      measuredOn: '1970-01-05',
      weightKg: 80,
    });
    expect(beforeBirth.json().errors[0]).toMatchObject({
      field: 'measuredOn',
      rule: 'after-birth',
    });
    const tooLight = await post(`/api/v1/patients/${p.id}/measurements`, {
      measuredOn: '2026-01-05',
      weightKg: 19.9,
    });
    expect(tooLight.json().errors[0]).toMatchObject({ field: 'weightKg', rule: 'range' });
    const list = (
      await api.as('nurse', { method: 'GET', url: `/api/v1/patients/${p.id}/measurements` })
    ).json();
    expect(list.measurements.map((x: { weightKg: number | null }) => x.weightKg)).toEqual([
      72.5, 80.2,
    ]);

    const d = await post(`/api/v1/patients/${p.id}/diagnoses`, {
      codeSystem: 'ICD-10',
      code: 'f33.2',
      label: 'Recurrent depressive disorder, severe',
      isPrimary: true,
    });
    expect(d.json()).toMatchObject({ code: 'F33.2', isPrimary: true, status: 'active' });
    const badCode = await post(`/api/v1/patients/${p.id}/diagnoses`, {
      codeSystem: 'ICD-10',
      code: 'depression',
      label: 'x',
    });
    expect(badCode.json().errors[0]).toMatchObject({ field: 'code', rule: 'code-format' });
    const second = await post(`/api/v1/patients/${p.id}/diagnoses`, {
      codeSystem: 'ICD-10',
      code: 'F41.1',
      label: 'Generalised anxiety disorder',
      isPrimary: true,
    });
    const diagnoses = (
      await api.as('nurse', { method: 'GET', url: `/api/v1/patients/${p.id}/diagnoses` })
    ).json().diagnoses;
    expect(
      diagnoses.filter((x: { isPrimary: boolean }) => x.isPrimary).map((x: { id: string }) => x.id),
    ).toEqual([second.json().id]);

    const c = await post(`/api/v1/patients/${p.id}/consents`, {
      documentTitle: 'IV ketamine consent',
      documentVersion: '2.1',
      signedOn: '2026-01-05',
      signerName: 'Adaeze Okafor',
      signerRelation: 'patient',
    });
    expect(c.json()).toMatchObject({ documentVersion: '2.1', inForce: true });
    const w = await post(`/api/v1/patients/${p.id}/consents/${c.json().id}/withdraw`, {
      withdrawnOn: '2026-01-04',
    });
    expect(w.json().errors[0]).toMatchObject({ field: 'withdrawnOn', rule: 'after-signed' });
    const w2 = await post(`/api/v1/patients/${p.id}/consents/${c.json().id}/withdraw`, {
      withdrawnOn: '2026-02-01',
    });
    expect(w2.json()).toMatchObject({ withdrawnOn: '2026-02-01', inForce: false });
  });

  it('audits every read and write of patient data with who, what, which record and the request id', async () => {
    const created = await post('/api/v1/patients', { ...base, mrn: 'MRN-6006' });
    const p = created.json();
    const read = await api.as('clinician', { method: 'GET', url: `/api/v1/patients/${p.id}` });
    await api.as('clinician', { method: 'GET', url: `/api/v1/patients?q=MRN-6006` });
    const events = await api.deps.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('patient_id', '=', p.id)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.action)).toEqual([
      'patient.create',
      'measurement.create',
      'patient.read',
      'patient.list',
    ]);
    const readEvent = events[2]!;
    expect(readEvent).toMatchObject({
      actor_user_id: api.userIds.clinician,
      actor_role: 'clinician',
      entity_id: p.id,
      request_id: read.headers['x-request-id'],
    });
    expect(events[0]!.actor_user_id).toBe(api.userIds.nurse);
    expect(JSON.parse(events[0]!.details).after.mrn).toBe('MRN-6006');
    const update = await api.as('nurse', {
      method: 'PATCH',
      url: `/api/v1/patients/${p.id}`,
      payload: { version: 1, familyName: 'Renamed' },
    });
    expect(update.statusCode).toBe(200);
    const last = await api.deps.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('patient_id', '=', p.id)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(last.details)).toEqual({
      before: { family_name: 'Okafor' },
      after: { family_name: 'Renamed' },
    });
  });

  it('leaves nothing half-written when a write fails part-way', async () => {
    const before = await api.deps.database.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const res = await post('/api/v1/patients', { ...base, mrn: 'MRN-7007', heightCm: 300 });
    expect(res.statusCode).toBe(400);
    const after = await api.deps.database.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(
      await api.deps.database.db
        .selectFrom('patients')
        .select('id')
        .where('mrn', '=', 'MRN-7007')
        .execute(),
    ).toEqual([]);
  });
});
