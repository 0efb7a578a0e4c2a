import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';

const qids = (item12: number, rest = 1) => {
  const a: Record<string, number | null> = {};
  for (let i = 1; i <= 16; i++) a[String(i)] = rest;
  a['7'] = null;
  a['9'] = null;
  a['12'] = item12;
  return a;
};

describe.each(dialects())('assessments, alerts and settings on %s', (dialect) => {
  let api: TestApi;
  let patientId: string;
  beforeAll(async () => {
    api = await startTestApi(dialect);
    const p = await api.as('nurse', {
      method: 'POST',
      url: '/api/v1/patients',
      payload: {
        mrn: 'ASM-1',
        familyName: 'Rating',
        givenName: 'Rhea',
        dateOfBirth: '1975-05-05',
        sex: 'female',
      },
    });
    patientId = p.json().id;
  });
  afterAll(async () => api.close());

  it('lists instruments with sources, licences and the remission threshold from settings', async () => {
    const res = await api.as('researcher', { url: '/api/v1/instruments' });
    const list = res.json().instruments as {
      id: string;
      remissionMax: number | null;
      licence: string;
    }[];
    expect(list.map((i) => i.id)).toEqual([
      'qids-sr16',
      'phq-9',
      'gad-7',
      'moca',
      'bprs',
      'cadss',
      'moaas',
      'hamd-17',
      'madrs',
      'cssrs-screener',
    ]);
    expect(list.find((i) => i.id === 'madrs')?.remissionMax).toBe(10);
    expect(list.every((i) => i.licence.length > 10)).toBe(true);
  });

  it('scores without saving, naming bad items', async () => {
    const ok = await api.as('researcher', {
      method: 'POST',
      url: '/api/v1/instruments/phq-9/score',
      payload: {
        answers: { '1': 1, '2': 1, '3': 1, '4': 1, '5': 1, '6': 1, '7': 1, '8': 1, '9': 0 },
      },
    });
    expect(ok.json()).toMatchObject({ total: 8, severity: 'mild', flags: [] });
    const bad = await api.as('researcher', {
      method: 'POST',
      url: '/api/v1/instruments/phq-9/score',
      payload: { answers: { '1': 4 } },
    });
    expect(bad.statusCode).toBe(400);
    const fields = bad
      .json()
      .errors.map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`);
    expect(fields).toContain('answers.1:range');
    expect(fields).toContain('answers.9:required');
    const count = await api.deps.database.db
      .selectFrom('assessments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('records raw answers and rescores them, ignoring a submitted total', async () => {
    const res = await api.as('nurse', {
      method: 'POST',
      url: `/api/v1/patients/${patientId}/assessments`,
      payload: {
        instrument: 'qids-sr16',
        answers: qids(0, 1),
        total: 27,
        severity: 'very-severe',
        administeredAt: '2026-01-10T09:00:00.000Z',
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      total: 8,
      severity: 'mild',
      scorerVersion: '1',
      source: 'web',
      respondent: 'clinician',
      settingsVersion: 0,
    });
    expect(res.json().answers['7']).toBeNull();
    const list = await api.as('clinician', {
      url: `/api/v1/patients/${patientId}/assessments?instrument=qids-sr16`,
    });
    expect(list.json().assessments).toHaveLength(1);
    const future = await api.as('nurse', {
      method: 'POST',
      url: `/api/v1/patients/${patientId}/assessments`,
      payload: {
        instrument: 'qids-sr16',
        answers: qids(0),
        administeredAt: '2099-01-01T00:00:00.000Z',
      },
    });
    expect(future.json().errors[0]).toMatchObject({
      field: 'administeredAt',
      rule: 'not-in-future',
    });
  });

  it('raises a suicidal-ideation alert that stays until a clinician acknowledges it with a note', async () => {
    const res = await api.as('nurse', {
      method: 'POST',
      url: `/api/v1/patients/${patientId}/assessments`,
      payload: { instrument: 'qids-sr16', answers: qids(2) },
    });
    expect(res.json().flags).toEqual([
      { id: 'suicidal-ideation', item: '12', value: 2, rule: 'QIDS-SR16 item 12 ≥ 1' },
    ]);
    const open = (await api.as('nurse', { url: '/api/v1/alerts' })).json().alerts;
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      patientId,
      kind: 'suicidal-ideation',
      patient: { mrn: 'ASM-1' },
      detail: { instrument: 'qids-sr16', item: '12', value: 2 },
    });
    const byNurse = await api.as('nurse', {
      method: 'POST',
      url: `/api/v1/alerts/${open[0].id}/acknowledge`,
      payload: { note: 'spoke with patient' },
    });
    expect(byNurse.statusCode).toBe(403);
    const noNote = await api.as('clinician', {
      method: 'POST',
      url: `/api/v1/alerts/${open[0].id}/acknowledge`,
      payload: { note: '' },
    });
    expect(noNote.json().errors[0]).toMatchObject({ field: 'note' });
    const acked = await api.as('clinician', {
      method: 'POST',
      url: `/api/v1/alerts/${open[0].id}/acknowledge`,
      payload: { note: 'Called patient; safety plan reviewed.' },
    });
    expect(acked.json()).toMatchObject({
      acknowledgedBy: api.userIds.clinician,
      acknowledgementNote: 'Called patient; safety plan reviewed.',
    });
    expect((await api.as('nurse', { url: '/api/v1/alerts' })).json().alerts).toHaveLength(0);
    const again = await api.as('clinician', {
      method: 'POST',
      url: `/api/v1/alerts/${open[0].id}/acknowledge`,
      payload: { note: 'twice' },
    });
    expect(again.statusCode).toBe(409);
    const audit = await api.deps.database.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('entity_id', '=', open[0].id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['alert.raise', 'alert.acknowledge']),
    );
  });

  it('versions and audits setting changes; new scores use the new threshold and record its version', async () => {
    const before = (await api.as('clinician', { url: '/api/v1/settings' })).json();
    expect(before.version).toBe(0);
    const si = before.settings.find((s: { key: string }) => s.key === 'si.qidsItem12Min');
    expect(si).toMatchObject({ value: 1, defaultValue: 1, needsLocalSignOff: true });
    expect(si.source).toContain('REFERENCE B.1');
    expect(
      (
        await api.as('clinician', {
          method: 'PATCH',
          url: '/api/v1/settings/si.qidsItem12Min',
          payload: { value: 2, reason: 'x' },
        })
      ).statusCode,
    ).toBe(403);
    const bad = await api.as('admin', {
      method: 'PATCH',
      url: '/api/v1/settings/si.qidsItem12Min',
      payload: { value: 9, reason: 'too high' },
    });
    expect(bad.json().errors[0]).toMatchObject({ field: 'value', rule: 'setting-range' });
    const changed = await api.as('admin', {
      method: 'PATCH',
      url: '/api/v1/settings/si.qidsItem12Min',
      payload: { value: 2, reason: 'Local policy 2026-11' },
    });
    expect(changed.json().version).toBe(1);
    const res = await api.as('nurse', {
      method: 'POST',
      url: `/api/v1/patients/${patientId}/assessments`,
      payload: { instrument: 'qids-sr16', answers: qids(1) },
    });
    expect(res.json()).toMatchObject({ flags: [], settingsVersion: 1 });
    const old = (await api.as('nurse', { url: `/api/v1/patients/${patientId}/assessments` })).json()
      .assessments[0];
    expect(old.settingsVersion).toBe(0);
    const audit = await api.deps.database.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'setting.change')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toMatchObject({
      before: { value: 1 },
      after: { value: 2 },
      version: 1,
    });
  });

  it("rescore reports scores a rule change would move, applies them audited, and keeps each score's own settings version", async () => {
    const { rescoreAssessments } = await import('../../src/services/assessments/rescore.js');
    const ctx = { actor: null, requestId: null, ip: 'test' };
    // The settings change above must not move scores made under version 0.
    expect((await rescoreAssessments(api.deps, ctx, { apply: false })).changed).toEqual([]);
    const target = await api.deps.database.db
      .selectFrom('assessments')
      .select(['id', 'total'])
      .orderBy('recorded_at')
      .executeTakeFirstOrThrow();
    // Simulate a score stored by an older scorer with a different rule.
    await api.deps.database.db
      .updateTable('assessments')
      .set({ total: 99, scorer_version: '0' })
      .where('id', '=', target.id)
      .execute();
    const dry = await rescoreAssessments(api.deps, ctx, { apply: false });
    expect(dry.changed).toHaveLength(1);
    expect(dry.changed[0]).toMatchObject({
      assessmentId: target.id,
      before: { total: 99, scorerVersion: '0' },
      after: { total: target.total, scorerVersion: '1' },
    });
    const stillWrong = await api.deps.database.db
      .selectFrom('assessments')
      .select('total')
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    expect(stillWrong.total).toBe(99);
    await rescoreAssessments(api.deps, ctx, { apply: true });
    const fixed = await api.deps.database.db
      .selectFrom('assessments')
      .select(['total', 'scorer_version'])
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    expect(fixed).toEqual({ total: target.total, scorer_version: '1' });
    expect((await rescoreAssessments(api.deps, ctx, { apply: false })).changed).toEqual([]);
    const audit = await api.deps.database.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', target.id)
      .execute();
    expect(audit.map((a) => a.action)).toContain('assessment.rescore');
  });
});
