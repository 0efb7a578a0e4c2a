import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';

const qids = (item12: number) => {
  const a: Record<string, number | null> = {};
  for (let i = 1; i <= 16; i++) a[String(i)] = 1;
  a['7'] = null;
  a['9'] = null;
  a['12'] = item12;
  return a;
};
const phq = (item9: number) => ({
  '1': 1,
  '2': 1,
  '3': 1,
  '4': 1,
  '5': 1,
  '6': 1,
  '7': 1,
  '8': 1,
  '9': item9,
});

describe.each(dialects())('self-report links on %s', (dialect) => {
  let api: TestApi;
  let patientId: string;
  beforeAll(async () => {
    api = await startTestApi(dialect);
    const p = await api.as('nurse', {
      method: 'POST',
      url: '/api/v1/patients',
      payload: {
        mrn: 'SRL-1',
        familyName: 'Phone',
        givenName: 'Pat',
        dateOfBirth: '1988-08-08',
        sex: 'male',
      },
    });
    patientId = p.json().id;
  });
  afterAll(async () => api.close());

  const createLink = async (instruments: string[] = ['qids-sr16', 'phq-9']) => {
    const res = await api.as('clinician', {
      method: 'POST',
      url: `/api/v1/patients/${patientId}/self-report-links`,
      payload: { instruments },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    return { ...body, token: new URL(body.url).pathname.split('/').pop() as string };
  };
  const assessmentCount = async () =>
    Number(
      (
        await api.deps.database.db
          .selectFrom('assessments')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('patient_id', '=', patientId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('shows the link once as text and QR, and stores only a hash of the token', async () => {
    const link = await createLink();
    expect(link.url).toMatch(/^http:\/\/localhost(:\d+)?\/r\/[A-Za-z0-9_-]{43}$/);
    expect(link.qrSvg).toContain('<svg');
    expect(link.link).toMatchObject({ status: 'open', instruments: ['qids-sr16', 'phq-9'] });
    const stored = await api.deps.database.db
      .selectFrom('self_report_links')
      .selectAll()
      .where('id', '=', link.link.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(link.token);
    const listed = (
      await api.as('nurse', { url: `/api/v1/patients/${patientId}/self-report-links` })
    ).json().links;
    expect(JSON.stringify(listed)).not.toContain(link.token);
  });

  it('refuses to send clinician-rated instruments to a patient', async () => {
    const res = await api.as('clinician', {
      method: 'POST',
      url: `/api/v1/patients/${patientId}/self-report-links`,
      payload: { instruments: ['madrs'] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ field: 'instruments', rule: 'self-report' });
  });

  it('opens without an account, reveals no identity, and accepts one submission only', async () => {
    const link = await createLink();
    const form = await api.as(null, { url: `/api/v1/self-report/${link.token}` });
    expect(form.statusCode).toBe(200);
    expect(form.json().instruments.map((i: { id: string }) => i.id)).toEqual([
      'qids-sr16',
      'phq-9',
    ]);
    expect(form.body).not.toContain('Phone');
    expect(form.body).not.toContain('SRL-1');
    const before = await assessmentCount();
    const submit = await api.as(null, {
      method: 'POST',
      url: `/api/v1/self-report/${link.token}`,
      payload: {
        responses: [
          { instrument: 'qids-sr16', answers: qids(2) },
          { instrument: 'phq-9', answers: phq(0) },
        ],
      },
    });
    expect(submit.statusCode).toBe(201);
    expect(await assessmentCount()).toBe(before + 2);
    const stored = (
      await api.as('clinician', {
        url: `/api/v1/patients/${patientId}/assessments?instrument=qids-sr16`,
      })
    )
      .json()
      .assessments.at(-1);
    expect(stored).toMatchObject({
      source: 'self-report',
      respondent: 'patient',
      enteredBy: null,
      total: 10,
      severity: 'mild',
    });
    const alerts = (
      await api.as('clinician', { url: `/api/v1/patients/${patientId}/alerts` })
    ).json().alerts;
    expect(alerts[0]).toMatchObject({ kind: 'suicidal-ideation', acknowledgedAt: null });

    const reused = await api.as(null, {
      method: 'POST',
      url: `/api/v1/self-report/${link.token}`,
      payload: {
        responses: [
          { instrument: 'qids-sr16', answers: qids(0) },
          { instrument: 'phq-9', answers: phq(0) },
        ],
      },
    });
    expect(reused.statusCode).toBe(410);
    expect(reused.json().code).toBe('selfreport.used');
    expect((await api.as(null, { url: `/api/v1/self-report/${link.token}` })).statusCode).toBe(410);
    expect(await assessmentCount()).toBe(before + 2);
  });

  it('refuses an altered token and stores nothing', async () => {
    const link = await createLink();
    const altered = link.token.slice(0, -1) + (link.token.endsWith('A') ? 'B' : 'A');
    const before = await assessmentCount();
    expect((await api.as(null, { url: `/api/v1/self-report/${altered}` })).statusCode).toBe(404);
    const res = await api.as(null, {
      method: 'POST',
      url: `/api/v1/self-report/${altered}`,
      payload: {
        responses: [
          { instrument: 'qids-sr16', answers: qids(0) },
          { instrument: 'phq-9', answers: phq(0) },
        ],
      },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('selfreport.invalid');
    expect(await assessmentCount()).toBe(before);
  });

  it('stores nothing and keeps the link open when one answer is invalid', async () => {
    const link = await createLink();
    const before = await assessmentCount();
    const res = await api.as(null, {
      method: 'POST',
      url: `/api/v1/self-report/${link.token}`,
      payload: {
        responses: [
          { instrument: 'qids-sr16', answers: qids(0) },
          { instrument: 'phq-9', answers: { ...phq(0), '9': null } },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({
      field: 'responses.1.answers.9',
      rule: 'required',
    });
    expect(await assessmentCount()).toBe(before);
    const retry = await api.as(null, {
      method: 'POST',
      url: `/api/v1/self-report/${link.token}`,
      payload: {
        responses: [
          { instrument: 'qids-sr16', answers: qids(0) },
          { instrument: 'phq-9', answers: phq(0) },
        ],
      },
    });
    expect(retry.statusCode).toBe(201);
  });

  it('lets two racing submissions store exactly once', async () => {
    const link = await createLink(['phq-9']);
    const before = await assessmentCount();
    const send = () =>
      api.as(null, {
        method: 'POST',
        url: `/api/v1/self-report/${link.token}`,
        payload: { responses: [{ instrument: 'phq-9', answers: phq(0) }] },
      });
    const codes = (await Promise.all([send(), send(), send()])).map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, 410, 410]);
    expect(await assessmentCount()).toBe(before + 1);
  });
  // Last: it moves the clock past every session too.
  it('refuses an expired link and stores nothing', async () => {
    const link = await createLink(['phq-9']);
    api.clock.advance(72 * 3_600_000 + 1000);
    const before = await assessmentCount();
    const res = await api.as(null, {
      method: 'POST',
      url: `/api/v1/self-report/${link.token}`,
      payload: { responses: [{ instrument: 'phq-9', answers: phq(0) }] },
    });
    expect(res.statusCode).toBe(410);
    expect(res.json().code).toBe('selfreport.expired');
    expect(await assessmentCount()).toBe(before);
  });
});
