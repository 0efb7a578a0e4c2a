import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bpRise } from '../../src/domain/sessions/bp-rise.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';

describe.each(dialects())('courses and sessions on %s', (dialect) => {
  let api: TestApi;
  let patientId: string;
  let sessionId: string;
  const p = (path: string) => `/api/v1/patients/${patientId}${path}`;
  const s = (path = '') => `/api/v1/sessions/${sessionId}${path}`;
  const post = (url: string, payload: unknown, role: 'clinician' | 'nurse' = 'clinician') =>
    api.as(role, { method: 'POST', url, payload: payload as object });
  const session = async () => (await api.as('nurse', { url: s() })).json();
  const act = async (
    action: string,
    extra: Record<string, unknown> = {},
    role: 'clinician' | 'nurse' = 'nurse',
  ) => post(s('/actions'), { action, version: (await session()).version, ...extra }, role);

  beforeAll(async () => {
    api = await startTestApi(dialect);
    patientId = (
      await post('/api/v1/patients', {
        mrn: 'SES-1',
        familyName: 'Chair',
        givenName: 'Cara',
        dateOfBirth: '1980-01-01',
        sex: 'female',
        weightKg: 70,
        heightCm: 165,
      })
    ).json().id;
  });
  afterAll(async () => api.close());

  it('refuses to start a course without TRD (or an override), a clear screen and consent', async () => {
    const res = await post(p('/courses'), { protocolId: 'iv-standard', startOn: '2026-11-27' });
    expect(res.statusCode).toBe(409);
    const rules = res.json().errors.map((e: { rule: string }) => e.rule);
    expect(rules).toEqual(['trd-required', 'screen-required', 'consent-required']);
    expect((await api.deps.database.db.selectFrom('courses').select('id').execute()).length).toBe(
      0,
    );
  });

  it('starts a course with a clinician TRD override, a clear screen and consent, scheduling the sessions', async () => {
    await post(p('/screens'), {
      present: [],
      systolicMmHg: 125,
      diastolicMmHg: 80,
      heartRateBpm: 70,
    });
    await post(p('/consents'), {
      documentTitle: 'Ketamine consent',
      documentVersion: '1',
      signedOn: '2026-01-01',
      signerName: 'Cara Chair',
      signerRelation: 'patient',
    });
    expect(
      (
        await post(
          p('/courses'),
          {
            protocolId: 'iv-standard',
            startOn: '2026-11-27',
            trdOverrideReason: 'Documented outside TRD assessment',
          },
          'nurse',
        )
      ).statusCode,
    ).toBe(403);
    const res = await post(p('/courses'), {
      protocolId: 'iv-standard',
      startOn: '2026-11-27',
      trdOverrideReason: 'Documented TRD from referring psychiatrist letter',
    });
    expect(res.statusCode).toBe(201);
    const course = res.json();
    expect(course.sessions.map((x: { scheduledFor: string }) => x.scheduledFor)).toEqual([
      '2026-11-27',
      '2026-11-29',
      '2026-12-01',
      '2026-12-04',
      '2026-12-06',
      '2026-12-08',
    ]);
    expect(course.gates.trdOverrideReason).toContain('referring psychiatrist');
    sessionId = course.sessions[0].id;
  });

  it('computes the dose from weight and protocol; escalation is clinician-only and the hard maximum holds', async () => {
    const nurseEscalates = await post(
      s('/dose'),
      { version: (await session()).version, mgPerKg: 0.75 },
      'nurse',
    );
    expect(nurseEscalates.statusCode).toBe(403);
    const tooMuch = await post(s('/dose'), { version: (await session()).version, mgPerKg: 1.2 });
    expect(tooMuch.json().errors[0]).toMatchObject({ field: 'mgPerKg', rule: 'hard-maximum' });
    const ok = await post(
      s('/dose'),
      { version: (await session()).version, concentrationMgPerMl: 1 },
      'nurse',
    );
    expect(ok.json().dose).toMatchObject({
      basis: 'actual',
      weightKg: 70,
      mgPerKg: 0.5,
      doseMg: 35,
      volumeMl: 35,
      rateMlPerHour: 52.5,
      durationMin: 40,
    });
  });

  it('refuses an invalid transition with 409 and the reason', async () => {
    const res = await act('start');
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain('cannot start a session that is scheduled');
  });

  it('detects a stale write and leaves the stored session unchanged', async () => {
    const before = await session();
    expect(
      (
        await post(s('/actions'), {
          action: 'check-in',
          version: before.version,
          escortPresent: true,
        })
      ).statusCode,
    ).toBe(200);
    const stale = await post(s('/actions'), {
      action: 'abort',
      version: before.version,
      reason: 'stale screen',
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('session.version_conflict');
    const after = await session();
    expect(after).toMatchObject({
      state: 'checked-in',
      version: before.version + 1,
      abortReason: null,
    });
  });

  it('needs pre-dose vitals; 145/92 is caution that only a clinician can confirm', async () => {
    expect((await act('clear')).json().errors.map((e: { field: string }) => e.field)).toContain(
      'vitals',
    );
    await post(
      s('/vitals'),
      {
        systolicMmHg: 145,
        diastolicMmHg: 92,
        heartRateBpm: 78,
        spo2Percent: 98,
        rhythm: 'regular',
      },
      'nurse',
    );
    const byNurse = await act('clear');
    expect(byNurse.statusCode).toBe(409);
    expect(byNurse.json().errors[0]).toMatchObject({ field: 'blood-pressure', rule: 'caution' });
    const unconfirmed = await act('clear', {}, 'clinician');
    expect(unconfirmed.json().detail).toContain('confirm to proceed');
    const confirmed = await act('clear', { confirmCaution: true }, 'clinician');
    expect(confirmed.json()).toMatchObject({
      state: 'cleared',
      readinessConfirmedBy: api.userIds.clinician,
      readiness: { level: 'caution' },
    });
  });

  it('raises a red alert with its action for 182/104 during the infusion, which can be acknowledged', async () => {
    expect((await act('start')).json().state).toBe('infusing');
    const normal = await post(
      s('/vitals'),
      { systolicMmHg: 150, diastolicMmHg: 90, heartRateBpm: 84 },
      'nurse',
    );
    expect(normal.json().alerts).toEqual([]);
    const high = (
      await post(s('/vitals'), { systolicMmHg: 182, diastolicMmHg: 104, heartRateBpm: 96 }, 'nurse')
    ).json();
    expect(high.alerts).toHaveLength(1);
    expect(high.alerts[0]).toMatchObject({
      rule: 'bp-high',
      level: 'red',
      value: '182/104',
      action: 'Pause the infusion, recheck in 5 min, stop if it persists.',
      acknowledgedAt: null,
    });
    const acked = (await post(s(`/alerts/${high.alerts[0].id}/acknowledge`), {}, 'nurse')).json();
    expect(acked.alerts[0].acknowledgedAt).not.toBeNull();
    expect(high.nextVitalsDueAt).not.toBeNull();
  });

  it('answers a vitals write with the view a fresh read gives, a back-dated reading in its place', async () => {
    const takenAt = new Date(api.clock.now().getTime() - 60_000).toISOString();
    const res = await post(
      s('/vitals'),
      { takenAt, systolicMmHg: 190, diastolicMmHg: 108, heartRateBpm: 90 },
      'nurse',
    );
    expect(res.statusCode).toBe(200);
    const written = res.json();
    expect(written).toEqual(await session());
    // Not the last reading: the ones recorded earlier were taken after it.
    const takenAts = written.vitals.map((v: { takenAt: string }) => v.takenAt);
    expect(takenAts).toContain(takenAt);
    expect(written.vitals.at(-1).takenAt).not.toBe(takenAt);
    expect(takenAts).toEqual([...takenAts].sort());
    // The stored rise counts every reading, the new one included.
    const db = api.deps.database.db;
    const rows = await db
      .selectFrom('vitals')
      .selectAll()
      .where('session_id', '=', sessionId)
      .execute();
    const stored = await db
      .selectFrom('sessions')
      .select(['systolic_rise_mmhg', 'diastolic_rise_mmhg'])
      .where('id', '=', sessionId)
      .executeTakeFirstOrThrow();
    const expected = bpRise(
      [...rows]
        .sort((a, b) => a.taken_at.localeCompare(b.taken_at))
        .map((v) => ({
          phase: v.phase,
          systolicMmHg: v.systolic_mmhg,
          diastolicMmHg: v.diastolic_mmhg,
        })),
    );
    expect(stored).toEqual({
      systolic_rise_mmhg: expected.systolicRiseMmHg,
      diastolic_rise_mmhg: expected.diastolicRiseMmHg,
    });
  });

  it('records ratings through the instrument library and adverse events', async () => {
    const r1 = (
      await post(s('/ratings'), { instrument: 'moaas', answers: { '1': 5 } }, 'nurse')
    ).json();
    expect(r1.ratings.at(-1)).toMatchObject({ instrument: 'moaas', total: 5 });
    const r2 = (
      await post(s('/ratings'), { instrument: 'moaas', answers: { '1': 4 } }, 'nurse')
    ).json();
    expect(r2.alerts.find((a: { rule: string }) => a.rule === 'sedation')).toMatchObject({
      level: 'recorded',
    });
    const badRating = await post(
      s('/ratings'),
      { instrument: 'cadss', answers: { '1': 9 } },
      'nurse',
    );
    expect(badRating.statusCode).toBe(400);
    const ae = (
      await post(
        s('/adverse-events'),
        {
          type: 'transient-hypertension',
          severity: 'moderate',
          actionTaken: 'infusion-paused',
          outcome: 'resolved',
        },
        'nurse',
      )
    ).json();
    expect(ae.adverseEvents[0]).toMatchObject({
      type: 'transient-hypertension',
      severity: 'moderate',
    });
  });

  it('pauses, resumes, ends, observes and discharges only when the criteria are met; the timeline is audited', async () => {
    expect((await act('pause')).json().state).toBe('paused');
    expect((await act('resume')).json().state).toBe('infusing');
    expect((await act('end-infusion')).json().state).toBe('observing');
    const early = await act('discharge');
    expect(early.statusCode).toBe(409);
    expect(early.json().detail).toContain('Not ready for discharge');
    api.clock.advance(31 * 60_000);
    await post(
      s('/vitals'),
      { systolicMmHg: 138, diastolicMmHg: 86, heartRateBpm: 76 },
      'clinician',
    );
    await post(s('/ratings'), { instrument: 'moaas', answers: { '1': 5 } }, 'clinician');
    const done = await act('discharge', {}, 'clinician');
    expect(done.statusCode).toBe(200);
    expect(done.json().state).toBe('discharged');
    const actions = (
      await api.deps.database.db
        .selectFrom('audit_events')
        .select('action')
        .where('entity_id', '=', sessionId)
        .orderBy('seq')
        .execute()
    ).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'session.check-in',
        'session.clear',
        'session.start',
        'session.pause',
        'session.resume',
        'session.end-infusion',
        'session.discharge',
      ]),
    );
  });
});
