import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';

/**
 * Issue 11 item 5: administrators do not read clinical records, so the audit log must
 * not show them a patient's identifiers or clinical values either.
 */
describe.each(dialects())('audit log privacy on %s', (dialect) => {
  let api: TestApi;
  let patientId: string;
  // Long, distinctive values: none can turn up by chance in an id, a hash or a time.
  const secrets = {
    mrn: 'MRN-QZX-88417',
    familyName: 'Quillfeather',
    givenName: 'Ottoline',
    dateOfBirth: '1961-07-23',
    phone: '+44 7700 900417',
    email: 'ottoline.quill@mailbox.example',
    notes: 'Prefers mornings; frightened of cannulas',
    newFamilyName: 'Marchbanks-Thistle',
    newNotes: 'Lives with her sister Philippa',
    signerName: 'Hyacinth Quillfeather',
    documentTitle: 'Ketamine course consent for Ottoline',
  };
  const searched = 'Marchbank';

  beforeAll(async () => {
    api = await startTestApi(dialect);
    const created = await api.as('clinician', {
      method: 'POST',
      url: '/api/v1/patients',
      payload: {
        mrn: secrets.mrn,
        familyName: secrets.familyName,
        givenName: secrets.givenName,
        dateOfBirth: secrets.dateOfBirth,
        sex: 'female',
        phone: secrets.phone,
        email: secrets.email,
        notes: secrets.notes,
        weightKg: 61.5,
        heightCm: 164,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    patientId = created.json().id;
    const updated = await api.as('clinician', {
      method: 'PATCH',
      url: `/api/v1/patients/${patientId}`,
      payload: {
        version: created.json().version,
        familyName: secrets.newFamilyName,
        notes: secrets.newNotes,
      },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    const consent = await api.as('clinician', {
      method: 'POST',
      url: `/api/v1/patients/${patientId}/consents`,
      payload: {
        documentTitle: secrets.documentTitle,
        documentVersion: '3',
        signedOn: '2026-01-05',
        signerName: secrets.signerName,
        signerRelation: 'healthcare-proxy',
      },
    });
    expect(consent.statusCode, consent.body).toBe(201);
    // A search by name is audited with the words searched for.
    const search = await api.as('clinician', {
      url: `/api/v1/patients?q=${searched}`,
    });
    expect(search.statusCode, search.body).toBe(200);
  });
  afterAll(async () => api.close());

  it('stores the values in the log (so the views below have something to hide)', async () => {
    const stored = await sql<{ details: string }>`select details from audit_events`.execute(
      api.deps.database.db,
    );
    const text = stored.rows.map((r) => r.details).join('\n');
    for (const value of [...Object.values(secrets), searched]) expect(text).toContain(value);
  });

  it('shows an administrator the events but no name, MRN, date of birth, contact or consent note', async () => {
    const res = await api.as('admin', { url: '/api/v1/audit?limit=500' });
    expect(res.statusCode).toBe(200);
    for (const value of [...Object.values(secrets), searched])
      expect(res.body).not.toContain(value);
    const events = res.json().events as {
      action: string;
      patientId: string | null;
      actorRole: string | null;
      details: unknown;
      hidden: string | null;
    }[];
    const about = events.filter((e) => e.patientId === patientId);
    // Who did what, when, to which kind of record: all still there.
    expect(about.map((e) => e.action).reverse()).toEqual(
      expect.arrayContaining([
        'patient.create',
        'measurement.create',
        'patient.update',
        'consent.create',
        'patient.list',
      ]),
    );
    for (const e of about) expect(e.actorRole).toBe('clinician');
    const create = about.find((e) => e.action === 'patient.create')!;
    expect(create.details).toBeNull();
    expect(create.hidden).toBe('hidden: you may not read patient records');
  });

  it('hides the same values when the administrator filters by the patient or by the action', async () => {
    for (const url of [
      `/api/v1/audit?patientId=${patientId}`,
      '/api/v1/audit?action=consent.create',
      '/api/v1/audit?action=patient.update',
    ]) {
      const res = await api.as('admin', { url });
      expect(res.statusCode).toBe(200);
      expect(res.json().events.length).toBeGreaterThan(0);
      for (const value of Object.values(secrets)) expect(res.body).not.toContain(value);
    }
  });

  it('still shows an administrator the details of what administrators manage', async () => {
    const made = await api.as('admin', {
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        email: 'new.nurse@clinic.test',
        role: 'nurse',
        displayName: 'New Nurse',
        password: 'a long enough password',
      },
    });
    expect(made.statusCode, made.body).toBe(201);
    const res = await api.as('admin', { url: '/api/v1/audit?action=user.create&limit=1' });
    expect(res.json().events[0]).toMatchObject({
      action: 'user.create',
      details: { after: { email: 'new.nurse@clinic.test', role: 'nurse' } },
      hidden: null,
    });
  });
});
