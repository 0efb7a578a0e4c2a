import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';

const vitals = { systolicMmHg: 128, diastolicMmHg: 82, heartRateBpm: 72, spo2Percent: 98 };

describe.each(dialects())('eligibility on %s', (dialect) => {
  let api: TestApi;
  let patientId: string;
  const post = (
    url: string,
    payload: unknown,
    role: 'clinician' | 'nurse' | 'admin' = 'clinician',
  ) =>
    api.as(role, {
      method: 'POST',
      url: `/api/v1/patients/${patientId}${url}`,
      payload: payload as object,
    });
  const get = (url: string, role: 'clinician' | 'nurse' = 'clinician') =>
    api.as(role, { url: `/api/v1/patients/${patientId}${url}` });

  beforeAll(async () => {
    api = await startTestApi(dialect);
    const p = await api.as('nurse', {
      method: 'POST',
      url: '/api/v1/patients',
      payload: {
        mrn: 'ELG-1',
        familyName: 'Eligible',
        givenName: 'Eli',
        dateOfBirth: '1970-03-03',
        sex: 'male',
      },
    });
    patientId = p.json().id;
  });
  afterAll(async () => api.close());

  it('needs a current episode before trials, and only one open episode', async () => {
    const noEpisode = await post('/trials', {
      drugId: 'sertraline',
      dosePerDayMg: 100,
      weeks: 8,
      adherence: 'good',
      improvementPercent: 10,
    });
    expect(noEpisode.json().errors[0]).toMatchObject({
      field: 'episodeId',
      rule: 'episode-required',
    });
    expect(
      (
        await post(
          '/episodes',
          { startedOn: '2025-01-10', severity: 'severe-without-psychosis' },
          'nurse',
        )
      ).statusCode,
    ).toBe(403);
    const ep = await post('/episodes', {
      startedOn: '2025-01-10',
      severity: 'severe-without-psychosis',
    });
    expect(ep.statusCode).toBe(201);
    const second = await post('/episodes', { startedOn: '2025-06-01' });
    expect(second.json().errors[0]).toMatchObject({ rule: 'one-open-episode' });
  });

  it('validates trials with the field and the rule', async () => {
    const bad = await post('/trials', {
      drugId: 'aspirin',
      dosePerDayMg: 100,
      startedOn: '2025-02-01',
      weeks: 6,
      adherence: 'good',
    });
    const rules = bad
      .json()
      .errors.map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`);
    expect(rules).toEqual(
      expect.arrayContaining([
        'drugId:known-drug',
        'endedOn:both-dates',
        'improvementPercent:required',
      ]),
    );
    expect(
      (
        await post(
          '/trials',
          {
            drugId: 'sertraline',
            dosePerDayMg: 100,
            weeks: 8,
            adherence: 'good',
            improvementPercent: 10,
          },
          'nurse',
        )
      ).statusCode,
    ).toBe(403);
  });

  it('judges TRD with reasons, stages, and stores the verdict with its settings version', async () => {
    expect(
      (
        await post('/trials', {
          drugId: 'sertraline',
          dosePerDayMg: 50,
          weeks: 4,
          adherence: 'good',
          improvementPercent: 10,
        })
      ).statusCode,
    ).toBe(201);
    await post('/trials', {
      drugId: 'escitalopram',
      dosePerDayMg: 20,
      startedOn: '2025-02-01',
      endedOn: '2025-03-28',
      adherence: 'good',
      improvementPercent: 30,
    });
    await post('/trials', {
      drugId: 'duloxetine',
      dosePerDayMg: 60,
      weeks: 10,
      adherence: 'partial',
      responseCategory: 'partial',
      augmentation: true,
      augmentationAgent: 'aripiprazole',
    });
    expect((await post('/trd/evaluate', {}, 'nurse')).statusCode).toBe(403);
    const v = await post('/trd/evaluate', {});
    expect(v.statusCode).toBe(201);
    const verdict = v.json();
    expect(verdict).toMatchObject({
      trd: true,
      failedAdequateTrials: 2,
      needed: 2,
      settingsVersion: 0,
      outdated: false,
    });
    expect(verdict.trials.map((t: { reason: string }) => t.reason)).toEqual([
      'sertraline 50 mg for 4 weeks: not adequate (too short, needs 6)',
      'escitalopram 20 mg for 8 weeks: adequate and failed (30% better, below 50%)',
      'duloxetine 60 mg for 10 weeks: adequate and failed (partial response, below 50%)',
    ]);
    expect(verdict.thaseRush.stage).toBe(2);
    expect(verdict.maudsley).toMatchObject({
      band: 'moderate',
      parts: { severity: 4, antidepressants: 1, augmentation: 1, ect: 0 },
    });
    const nurseView = await get('/trd', 'nurse');
    expect(nurseView.json().evaluations[0].id).toBe(verdict.id);
  });

  it('keeps an old verdict when a setting changes and uses the new one on re-evaluation', async () => {
    const first = (await get('/trd')).json().evaluations[0];
    const changed = await api.as('admin', {
      method: 'PATCH',
      url: '/api/v1/settings/trd.minWeeks',
      payload: { value: 9, reason: 'stricter local rule' },
    });
    expect(changed.statusCode).toBe(200);
    const after = (await get('/trd')).json().evaluations[0];
    expect(after).toMatchObject({
      id: first.id,
      trd: true,
      failedAdequateTrials: 2,
      settingsVersion: 0,
      outdated: true,
    });
    expect(after.trials).toEqual(first.trials);
    const again = (await post('/trd/evaluate', {})).json();
    expect(again).toMatchObject({ trd: false, failedAdequateTrials: 1, outdated: false });
    expect(again.settingsVersion).toBeGreaterThan(0);
    expect(again.trials[1].reason).toBe(
      'escitalopram 20 mg for 8 weeks: not adequate (too short, needs 9)',
    );
    await api.as('admin', {
      method: 'PATCH',
      url: '/api/v1/settings/trd.minWeeks',
      payload: { value: 6, reason: 'back to default' },
    });
  });

  it('leaves a trial entered in error out of the next verdict', async () => {
    const trials = (await get('/trials')).json().trials;
    const escitalopram = trials.find((t: { drugId: string }) => t.drugId === 'escitalopram');
    expect(
      (await post(`/trials/${escitalopram.id}/entered-in-error`, {})).json().enteredInError,
    ).toBe(true);
    expect((await post('/trd/evaluate', {})).json()).toMatchObject({
      trd: false,
      failedAdequateTrials: 1,
    });
    expect((await get('/trials')).json().trials).toHaveLength(3);
  });

  it('blocks on an absolute contraindication, which no one can override', async () => {
    const s = await post('/screens', { present: ['aneurysmal-vascular-disease'], ...vitals });
    expect(s.json()).toMatchObject({
      status: 'contraindicated',
      absolute: ['aneurysmal-vascular-disease'],
    });
    const o = await post(`/screens/${s.json().id}/overrides`, {
      itemId: 'aneurysmal-vascular-disease',
      reason: 'cardiology says fine',
    });
    expect(o.statusCode).toBe(400);
    expect(o.json().errors[0]).toMatchObject({ field: 'itemId', rule: 'not-absolute' });
  });

  it('is caution for a relative item until a clinician overrides it with a reason; nurses cannot', async () => {
    const s = (
      await post('/screens', { present: ['benzodiazepines'], ...vitals, systolicMmHg: 150 })
    ).json();
    expect(s).toMatchObject({
      status: 'caution',
      relativeOpen: ['benzodiazepines'],
      overridden: false,
    });
    expect(s.notesFromRules[0]).toContain('150/82');
    expect(
      (
        await post(
          `/screens/${s.id}/overrides`,
          { itemId: 'benzodiazepines', reason: 'lorazepam stopped a week ago' },
          'nurse',
        )
      ).statusCode,
    ).toBe(403);
    const short = await post(`/screens/${s.id}/overrides`, {
      itemId: 'benzodiazepines',
      reason: 'ok',
    });
    expect(short.json().errors[0]).toMatchObject({ field: 'reason' });
    const wrongItem = await post(`/screens/${s.id}/overrides`, {
      itemId: 'maoi',
      reason: 'not on the screen',
    });
    expect(wrongItem.json().errors[0]).toMatchObject({ field: 'itemId', rule: 'present-item' });
    const ok = await post(`/screens/${s.id}/overrides`, {
      itemId: 'benzodiazepines',
      reason: 'lorazepam stopped a week ago',
    });
    expect(ok.json()).toMatchObject({
      status: 'clear',
      overridden: true,
      relativeOverridden: ['benzodiazepines'],
    });
    expect(ok.json().overrides[0]).toMatchObject({
      reason: 'lorazepam stopped a week ago',
      overriddenBy: api.userIds.clinician,
    });
    const twice = await post(`/screens/${s.id}/overrides`, {
      itemId: 'benzodiazepines',
      reason: 'again for luck',
    });
    expect(twice.json().errors[0]).toMatchObject({ rule: 'once' });
    const audit = await api.deps.database.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'screen.override')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details).after.reason).toBe('lorazepam stopped a week ago');
  });

  it('expires a screen after the set number of days', async () => {
    const s = (await post('/screens', { present: [], ...vitals })).json();
    expect(s).toMatchObject({ status: 'clear', expired: false });
    expect(Date.parse(s.expiresAt) - Date.parse(s.screenedAt)).toBe(90 * 86_400_000);
    api.clock.advance(91 * 86_400_000);
    // Sessions expire too; sign in again to look.
    const signIn = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'nurse@test.invalid', password: 'correct horse battery staple' },
    });
    const cookie = `kt_session=${signIn.cookies.find((c) => c.name === 'kt_session')!.value}`;
    const screens = (
      await api.app.inject({ url: `/api/v1/patients/${patientId}/screens`, headers: { cookie } })
    ).json().screens;
    expect(screens.find((x: { id: string }) => x.id === s.id)).toMatchObject({ expired: true });
  });
});
