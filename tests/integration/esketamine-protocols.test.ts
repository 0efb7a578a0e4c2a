import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MONITORING_FORM_COLUMNS } from '../../src/services/sessions/monitoring-form.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';

describe.each(dialects())('protocols and an esketamine session on %s', (dialect) => {
  let api: TestApi;
  let patientId: string;
  const post = (url: string, payload: unknown, role: 'clinician' | 'nurse' = 'clinician') =>
    api.as(role, { method: 'POST', url, payload: payload as object });

  beforeAll(async () => {
    // The session runs for hours of simulated time; keep sign-ins alive through it.
    api = await startTestApi(dialect, {
      KETATRACK_SESSION_IDLE_MINUTES: '1440',
      KETATRACK_SESSION_TTL_HOURS: '24',
    });
    patientId = (
      await post('/api/v1/patients', {
        mrn: 'ESK-1',
        familyName: 'Spray',
        givenName: 'Esme',
        dateOfBirth: '1975-04-04',
        sex: 'female',
        weightKg: 65,
        heightCm: 160,
      })
    ).json().id;
    await post(`/api/v1/patients/${patientId}/screens`, {
      present: ['benzodiazepines'],
      systolicMmHg: 120,
      diastolicMmHg: 78,
      heartRateBpm: 70,
    });
    const screens = (
      await api.as('clinician', { url: `/api/v1/patients/${patientId}/screens` })
    ).json().screens;
    await post(`/api/v1/patients/${patientId}/screens/${screens[0].id}/overrides`, {
      itemId: 'benzodiazepines',
      reason: 'stable low dose, sedation monitored',
    });
    await post(`/api/v1/patients/${patientId}/consents`, {
      documentTitle: 'Consent',
      documentVersion: '1',
      signedOn: '2026-01-01',
      signerName: 'Esme Spray',
      signerRelation: 'patient',
    });
  });
  afterAll(async () => api.close());

  it('lists the templates and lets a clinician add and edit protocols within the hard maximum', async () => {
    const list = (await api.as('nurse', { url: '/api/v1/protocols' })).json().protocols;
    expect(list.map((p: { id: string }) => p.id)).toEqual([
      'esketamine',
      'im',
      'iv-escalation',
      'iv-standard',
      'midazolam',
    ]);
    expect(
      list.find((p: { id: string }) => p.id === 'iv-escalation').escalationStepsMgPerKg,
    ).toEqual([0.5, 0.75, 1]);
    const body = {
      name: 'Custom IV 0.6',
      drug: 'ketamine',
      route: 'iv',
      mgPerKg: 0.6,
      durationMin: 45,
      sessionsPlanned: 8,
      perWeek: 2,
      completerMinDoses: 6,
    };
    expect((await post('/api/v1/protocols/custom-06', body, 'nurse')).statusCode).toBe(403);
    expect((await post('/api/v1/protocols/custom-06', body)).json()).toMatchObject({
      id: 'custom-06',
      mgPerKg: 0.6,
      durationMin: 45,
    });
    const tooHigh = await api.as('clinician', {
      method: 'PUT',
      url: '/api/v1/protocols/custom-06',
      payload: { ...body, escalationStepsMgPerKg: [0.6, 1.5] },
    });
    expect(tooHigh.json().errors[0]).toMatchObject({
      field: 'escalationStepsMgPerKg.1',
      rule: 'hard-maximum',
    });
    const esk = await post('/api/v1/protocols/esk-70', {
      ...body,
      drug: 'esketamine',
      route: 'intranasal',
      mgPerKg: undefined,
      fixedDoseMg: 70,
    });
    expect(esk.json().errors[0]).toMatchObject({ field: 'fixedDoseMg', rule: 'label-dose' });
  });

  it('runs an esketamine session: device count, fasting gate, 120-minute observation, and the monitoring form as CSV', async () => {
    const course = (
      await post(`/api/v1/patients/${patientId}/courses`, {
        protocolId: 'esketamine',
        startOn: '2026-11-27',
        trdOverrideReason: 'TRD documented by referring clinic',
      })
    ).json();
    const sid = course.sessions[0].id;
    const url = (p = '') => `/api/v1/sessions/${sid}${p}`;
    const v = async () => (await api.as('nurse', { url: url() })).json().version;
    const dose = (
      await post(url('/dose'), {
        version: await v(),
        esketamineDoseMg: 84,
        lotNumber: 'LOT-2026-117',
      })
    ).json();
    expect(dose.dose).toMatchObject({ doseMg: 84, devices: 3, minutesBetweenDevices: 5 });
    const bad = await post(url('/dose'), { version: await v(), esketamineDoseMg: 70 });
    expect(bad.json().errors[0]).toMatchObject({ rule: 'label-dose' });
    const justAte = new Date(api.clock.now().getTime() - 60 * 60_000).toISOString();
    await post(
      url('/actions'),
      {
        action: 'check-in',
        version: await v(),
        escortPresent: true,
        lastFoodAt: justAte,
        lastLiquidAt: justAte,
      },
      'nurse',
    );
    await post(
      url('/vitals'),
      { systolicMmHg: 124, diastolicMmHg: 80, heartRateBpm: 72, spo2Percent: 98 },
      'nurse',
    );
    const fasting = await post(url('/actions'), { action: 'clear', version: await v() });
    expect(fasting.statusCode).toBe(409);
    expect(fasting.json().errors.map((e: { field: string }) => e.field)).toEqual(['fasting']);
    api.clock.advance(61 * 60_000);
    const cleared = (await post(url('/actions'), { action: 'clear', version: await v() })).json();
    expect(cleared.state, JSON.stringify(cleared)).toBe('cleared');
    await post(url('/actions'), { action: 'start', version: await v() }, 'nurse');
    api.clock.advance(40 * 60_000);
    await post(url('/vitals'), { systolicMmHg: 150, diastolicMmHg: 92, heartRateBpm: 80 }, 'nurse');
    await post(url('/ratings'), { instrument: 'moaas', answers: { '1': 5 } }, 'nurse');
    await post(url('/ratings'), { instrument: 'moaas', answers: { '1': 4 } }, 'nurse');
    await post(
      url('/adverse-events'),
      { type: 'nausea-vomiting', severity: 'mild', actionTaken: 'observed', outcome: 'resolved' },
      'nurse',
    );
    await post(url('/actions'), { action: 'end-infusion', version: await v() }, 'nurse');
    api.clock.advance(60 * 60_000);
    await post(url('/vitals'), { systolicMmHg: 130, diastolicMmHg: 82, heartRateBpm: 74 }, 'nurse');
    await post(url('/ratings'), { instrument: 'moaas', answers: { '1': 5 } }, 'nurse');
    const early = await post(url('/actions'), { action: 'discharge', version: await v() });
    expect(early.json().detail).toContain('of the required 120');
    api.clock.advance(21 * 60_000);
    expect(
      (
        await post(url('/actions'), {
          action: 'discharge',
          version: await v(),
          minutesUntilReady: 75,
        })
      ).json().state,
    ).toBe('discharged');

    const csv = await api.as('clinician', { url: url('/monitoring-form.csv') });
    expect(csv.headers['content-type']).toContain('text/csv');
    const [row] = parse<Record<string, string>>(csv.body, { columns: true });
    expect(Object.keys(row!)).toEqual([...MONITORING_FORM_COLUMNS]);
    expect(row).toMatchObject({
      patient_mrn: 'ESK-1',
      first_treatment: 'yes',
      benzodiazepines: 'yes',
      maois: 'no',
      dose_mg: '84',
      lot_number: 'LOT-2026-117',
      minutes_until_ready_without_2h_rule: '75',
      total_minutes_monitored: '121',
      bp_before_dose: '124/80',
      bp_about_40_min: '150/92',
      bp_before_discharge: '130/82',
      sedation: 'yes',
      dissociation: 'no',
      adverse_events: 'nausea-vomiting (mild)',
      monitoring_clinician: 'Test clinician',
    });
  });
});
