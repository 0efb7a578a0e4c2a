import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PASSWORD, sessionCookie, startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';

const qids = (level: number) => {
  // Every domain at `level` except suicidal ideation (item 12 = 0): total = 8 × level.
  const a: Record<string, number | null> = {};
  for (let i = 1; i <= 16; i++) a[String(i)] = level;
  a['7'] = null;
  a['9'] = null;
  a['12'] = 0;
  return a;
};

describe.each(dialects())('patient progress on %s', (dialect) => {
  let api: TestApi;
  let patientId: string;
  const post = (url: string, payload: unknown) =>
    api.as('clinician', { method: 'POST', url, payload: payload as object });

  const dataset = async () => {
    const res = await api.as('researcher', {
      url: '/api/v1/reports/cohort/dataset.csv?instrument=qids-sr16',
    });
    expect(res.statusCode).toBe(200);
    return parse<Record<string, string>>(res.body, { columns: true });
  };

  beforeAll(async () => {
    api = await startTestApi(dialect, {
      KETATRACK_SESSION_IDLE_MINUTES: '1440',
      KETATRACK_SESSION_TTL_HOURS: '720',
    });
    patientId = (
      await post('/api/v1/patients', {
        mrn: 'PRG-1',
        familyName: 'Progress',
        givenName: 'Pia',
        dateOfBirth: '1979-09-09',
        sex: 'female',
        weightKg: 60,
      })
    ).json().id;
    await post(`/api/v1/patients/${patientId}/screens`, {
      present: [],
      systolicMmHg: 118,
      diastolicMmHg: 76,
      heartRateBpm: 68,
    });
    await post(`/api/v1/patients/${patientId}/consents`, {
      documentTitle: 'Consent',
      documentVersion: '1',
      signedOn: '2026-01-01',
      signerName: 'Pia',
      signerRelation: 'patient',
    });
  });
  afterAll(async () => api.close());

  it('reports baseline, endpoint, % change, response, remission, time to response in days and doses, and BP rise per session', async () => {
    await post(`/api/v1/patients/${patientId}/assessments`, {
      instrument: 'qids-sr16',
      answers: qids(2),
      administeredAt: new Date(api.clock.now().getTime() - 3 * 86_400_000).toISOString(),
    });
    await post(`/api/v1/patients/${patientId}/assessments`, {
      instrument: 'qids-sr16',
      answers: qids(2),
    }); // baseline: 18
    const course = (
      await post(`/api/v1/patients/${patientId}/courses`, {
        protocolId: 'iv-standard',
        startOn: '2026-11-27',
        trdOverrideReason: 'TRD documented by referring team',
      })
    ).json();
    const levels = [2, 1, 0];
    for (const [i, s] of course.sessions.slice(0, 3).entries()) {
      const u = (p: string) => `/api/v1/sessions/${s.id}${p}`;
      const v = async () => (await api.as('clinician', { url: u('') })).json().version;
      await post(u('/dose'), { version: await v() });
      await post(u('/actions'), { action: 'check-in', version: await v(), escortPresent: true });
      await post(u('/vitals'), { systolicMmHg: 120, diastolicMmHg: 78, heartRateBpm: 70 });
      expect((await post(u('/actions'), { action: 'clear', version: await v() })).statusCode).toBe(
        200,
      );
      await post(u('/actions'), { action: 'start', version: await v() });
      await post(u('/vitals'), { systolicMmHg: 130 + i * 10, diastolicMmHg: 85, heartRateBpm: 80 });
      await post(u('/actions'), { action: 'end-infusion', version: await v() });
      api.clock.advance(2 * 86_400_000);
      // Two days pass between sessions: sign in again, as staff would.
      for (const role of ['admin', 'clinician', 'nurse', 'researcher'] as const) {
        api.cookies[role] = sessionCookie(
          await api.app.inject({
            method: 'POST',
            url: '/api/v1/auth/sign-in',
            payload: { email: `${role}@test.invalid`, password: PASSWORD },
          }),
        );
      }
      await post(`/api/v1/patients/${patientId}/assessments`, {
        instrument: 'qids-sr16',
        answers: qids(levels[i]!),
      });
      api.clock.advance(3_600_000);
    }
    const res = await api.as('nurse', { url: `/api/v1/patients/${patientId}/progress` });
    expect(res.statusCode).toBe(200);
    const p = res.json();
    expect(p.course).toMatchObject({ dosesGiven: 3, completer: false });
    const q = p.instruments.find((x: { instrument: string }) => x.instrument === 'qids-sr16');
    expect(q.baseline.total).toBe(16);
    // The endpoint is the last score at or before the last dose: taken just before dose 3 (after dose 2).
    expect(q.endpoint.total).toBe(8);
    expect(q.percentChange).toBe(-50);
    expect(q.status).toBe('response');
    expect(q.remission).toBe(false);
    expect(q.latest.total).toBe(0);
    expect(q.timeToResponse, JSON.stringify({ q, course: p.course })).toMatchObject({ doses: 2 });
    expect(q.timeToRemission).toMatchObject({ doses: 3 });
    expect(p.safety.bpRiseBySession).toEqual([
      { session: 1, systolicRiseMmHg: 10, diastolicRiseMmHg: 7 },
      { session: 2, systolicRiseMmHg: 20, diastolicRiseMmHg: 7 },
      { session: 3, systolicRiseMmHg: 30, diastolicRiseMmHg: 7 },
    ]);
    expect(p.suicidalIdeation.map((s: { value: number }) => s.value)).toEqual([0, 0, 0, 0, 0]);
    expect(p.rules).toMatchObject({
      baselineWindowDays: 14,
      responseFallPercent: 50,
      partialFallPercent: 25,
    });
  });

  it('reports the cohort from the same records, de-identified, stating its rules', async () => {
    expect((await api.as('nurse', { url: '/api/v1/reports/cohort' })).statusCode).toBe(403);
    const res = await api.as('researcher', { url: '/api/v1/reports/cohort?instrument=qids-sr16' });
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({
      treated: 1,
      analysed: 1,
      sessions: 3,
      response: { count: 1, of: 1 },
      remission: { count: 0, of: 1 },
    });
    expect(r.freshness).toEqual({ current: true, coursesPending: 0 });
    // The per-course rows are the analysis dataset, a separate (streamed) download.
    expect(r).not.toHaveProperty('rows');
    expect(await dataset()).toEqual([
      expect.objectContaining({
        subject: 'P1',
        doses: '3',
        completer: 'false',
        baseline: '16',
        endpoint: '8',
        percentChange: '-50',
        response: 'true',
        remission: 'false',
      }),
    ]);
    expect(r.response.ci.low).toBeCloseTo(0.206549, 5);
    expect(
      r.bpRiseByInfusion.map((b: { infusion: number; n: number }) => [b.infusion, b.n]),
    ).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect(r.timeToResponse).toHaveLength(1);
    expect(r.rules).toMatchObject({
      baselineWindowDays: 14,
      responseFallPercent: 50,
      remissionMax: 5,
    });
    expect(JSON.stringify(r)).not.toContain('PRG-1');
    expect(JSON.stringify(r)).not.toContain('Progress');
  });

  it('recomputes stored course outcomes when the rules change, and they match a fresh computation', async () => {
    const report = async () =>
      (await api.as('researcher', { url: '/api/v1/reports/cohort?instrument=qids-sr16' })).json();
    const settle = () =>
      vi.waitFor(async () => expect((await report()).freshness.current).toBe(true), {
        timeout: 30_000,
        interval: 50,
      });
    const before = await report();
    expect((await dataset())[0]).toMatchObject({ percentChange: '-50', response: 'true' });
    const computedAt = async () =>
      (await api.deps.database.db.selectFrom('course_summaries').select('computed_at').execute())
        .map((r) => r.computed_at)
        .join();
    const stamp = await computedAt();

    // A setting no outcome rule reads leaves the stored outcomes current: nothing is recomputed.
    const unrelated = await api.as('admin', {
      method: 'PATCH',
      url: '/api/v1/settings/selfReport.linkExpiryHours',
      payload: { value: 48, reason: 'shorter links' },
    });
    expect(unrelated.statusCode, unrelated.body).toBe(200);
    expect((await report()).freshness).toEqual({ current: true, coursesPending: 0 });
    api.clock.advance(60_000);

    // A 60% fall is now needed: the same course is no longer a responder, once the
    // background refresher has recomputed it (a report meanwhile says it is pending).
    const changed = await api.as('admin', {
      method: 'PATCH',
      url: '/api/v1/settings/response.minFallPercent',
      payload: { value: 60, reason: 'stricter local definition' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    await settle();
    expect(await computedAt()).not.toBe(stamp);
    const after = await report();
    expect(after.rules).toMatchObject({ responseFallPercent: 60 });
    expect(after.rules.settingsVersion).toBeGreaterThan(before.rules.settingsVersion);
    expect((await dataset())[0]).toMatchObject({ percentChange: '-50', response: 'false' });
    expect(after.response.count).toBe(0);
    // Throw the stored outcomes away and queue the course, as a bulk load does:
    // recomputing from the records gives the same report.
    for (const table of ['course_outcome_points', 'course_outcomes', 'course_summaries'] as const)
      await api.deps.database.db.deleteFrom(table).execute();
    const courseIds = (await api.deps.database.db.selectFrom('courses').select('id').execute()).map(
      (c) => ({ course_id: c.id, queued_at: '2026-11-27T00:00:00.000Z' }),
    );
    await api.deps.database.db.insertInto('outcome_refresh_queue').values(courseIds).execute();
    expect((await report()).freshness).toEqual({ current: false, coursesPending: 1 });
    // Meanwhile the dataset is refused (it would mix rules, with no banner to say so) and
    // the printable report says it is provisional.
    const early = await api.as('researcher', { url: '/api/v1/reports/cohort/dataset.csv' });
    expect(early.statusCode).toBe(409);
    expect(early.headers['content-type']).toContain('application/problem+json');
    expect(early.json()).toMatchObject({ code: 'report.provisional' });
    const printable = await api.as('researcher', { url: '/api/v1/reports/cohort/report.html' });
    expect(printable.body).toContain('Provisional.');
    api.deps.background.outcomeRulesChanged();
    await settle();
    expect(await report()).toEqual(after);
    const final = await api.as('researcher', { url: '/api/v1/reports/cohort/report.html' });
    expect(final.body).not.toContain('Provisional.');
    await api.as('admin', {
      method: 'PATCH',
      url: '/api/v1/settings/response.minFallPercent',
      payload: { value: 50, reason: 'back to REFERENCE D4' },
    });
    await settle();
    expect((await dataset())[0]).toMatchObject({ response: 'true' });
  });

  it('filters the cohort by the site a course is given at', async () => {
    const site = (
      await api.as('admin', { method: 'POST', url: '/api/v1/sites', payload: { name: 'East' } })
    ).json();
    const treated = async (q: string) =>
      (await api.as('researcher', { url: `/api/v1/reports/cohort?${q}` })).json().treated;
    expect(await treated(`siteId=${site.id}`)).toBe(0);
    await api.deps.database.db.updateTable('courses').set({ site_id: site.id }).execute();
    expect(await treated(`siteId=${site.id}`)).toBe(1);
    expect(await treated('siteId=elsewhere')).toBe(0);
    expect(await treated('')).toBe(1);
    const course = (
      await api.as('clinician', { url: `/api/v1/patients/${patientId}/courses` })
    ).json().courses[0];
    expect(course.site).toEqual({ id: site.id, name: 'East' });
  });

  it('downloads the progress report as a PDF carrying the same numbers, audited as a read', async () => {
    const json = (
      await api.as('clinician', { method: 'GET', url: `/api/v1/patients/${patientId}/progress` })
    ).json();
    const res = await api.as('clinician', {
      method: 'GET',
      url: `/api/v1/patients/${patientId}/progress.pdf`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // pdfkit writes each run of text as hex glyph codes; decoding them gives the page's text.
    const text = [...res.rawPayload.toString('latin1').matchAll(/<([0-9a-f]+)>/g)]
      .map((m) => Buffer.from(m[1] ?? '', 'hex').toString('latin1'))
      .join('');
    expect(text).toContain('MRN PRG-1');
    const qids = json.instruments.find((i: { instrument: string }) => i.instrument === 'qids-sr16');
    expect(text).toContain(`${qids.baseline.total} (${qids.baseline.at.slice(0, 10)})`);
    expect(text).toContain(`${qids.endpoint.total} (${qids.endpoint.at.slice(0, 10)})`);
    expect(text).toContain(`${qids.percentChange.toFixed(1)}%`);
    const audited = await api.deps.database.db
      .selectFrom('audit_events')
      .select('action')
      .where('patient_id', '=', patientId)
      .where('action', 'in', ['patient.read', 'progress.read'])
      .execute();
    expect(audited.length).toBeGreaterThanOrEqual(2);
  });
});
