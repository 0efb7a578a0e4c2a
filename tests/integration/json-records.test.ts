import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toAuditEventDto } from '../../src/services/audit/audit-log.js';
import {
  HIDDEN_FROM_NON_CLINICAL,
  redactAuditEvent,
} from '../../src/services/audit/audit-redaction.js';
import { checkedInSession } from '../helpers/chairside.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';

/*
 * The JSON a course, a session, an assessment and an audit event keep is typed in the
 * contracts, and the serializer writes only what a response schema declares: each test
 * here compares what the client receives with what is stored, so a field the schema
 * missed would show up as a difference rather than vanish.
 */
describe.each(dialects())('stored JSON on the wire on %s', (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(dialect);
  });
  afterAll(async () => api.close());

  const db = () => api.deps.database.db;
  const post = (url: string, payload: object, role: 'clinician' | 'nurse' = 'clinician') =>
    api.as(role, { method: 'POST', url, payload });
  const sessionUrl = (id: string, path = '') => `/api/v1/sessions/${id}${path}`;
  const getSession = async (id: string) => {
    const res = await api.as('nurse', { url: sessionUrl(id) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const act = async (id: string, action: string, extra: object = {}) => {
    const res = await post(sessionUrl(id, '/actions'), {
      action,
      version: (await getSession(id)).version,
      ...extra,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const storedSession = (id: string) =>
    db()
      .selectFrom('sessions')
      .select(['dose', 'readiness', 'course_id', 'patient_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const parsed = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
  const storedEvents = async (id: string) =>
    (
      await db()
        .selectFrom('session_events')
        .select(['at', 'by', 'kind', 'detail'])
        .where('session_id', '=', id)
        .orderBy('at')
        .execute()
    ).map((e) => ({ ...e, detail: parsed(e.detail) }));

  it("sends a session's dose, readiness and every kind of timeline event as stored", async () => {
    const id = await checkedInSession(api, { mrn: 'JSON-1', familyName: 'Wire', givenName: 'Ida' });
    const dose = await post(
      sessionUrl(id, '/dose'),
      { version: (await getSession(id)).version, concentrationMgPerMl: 1 },
      'nurse',
    );
    expect(dose.statusCode, dose.body).toBe(200);
    // 145/92 before the dose: a caution the clinician confirms, so readiness has a reason.
    await post(
      sessionUrl(id, '/vitals'),
      { systolicMmHg: 145, diastolicMmHg: 92, heartRateBpm: 78, spo2Percent: 98 },
      'nurse',
    );
    await act(id, 'clear', { confirmCaution: true });
    await act(id, 'start');
    const high = (
      await post(
        sessionUrl(id, '/vitals'),
        { systolicMmHg: 182, diastolicMmHg: 104, heartRateBpm: 96 },
        'nurse',
      )
    ).json();
    await post(sessionUrl(id, `/alerts/${high.alerts[0].id}/acknowledge`), {}, 'nurse');
    await post(
      sessionUrl(id, '/adverse-events'),
      {
        type: 'transient-hypertension',
        severity: 'moderate',
        actionTaken: 'infusion-paused',
        outcome: 'resolved',
      },
      'nurse',
    );
    await act(id, 'pause');
    await act(id, 'resume');
    await act(id, 'end-infusion');
    api.clock.advance(31 * 60_000);
    await post(sessionUrl(id, '/vitals'), {
      systolicMmHg: 138,
      diastolicMmHg: 86,
      heartRateBpm: 76,
    });
    await post(sessionUrl(id, '/ratings'), { instrument: 'moaas', answers: { '1': 5 } });
    await act(id, 'discharge', { minutesUntilReady: 25 });

    const view = await getSession(id);
    const row = await storedSession(id);
    expect(view.dose).toEqual(parsed(row.dose));
    expect(view.dose).toMatchObject({ drug: 'ketamine', basis: 'actual', escalated: false });
    expect(view.readiness).toEqual(parsed(row.readiness));
    expect(view.readiness.reasons).toEqual([
      expect.objectContaining({ check: 'blood-pressure', level: 'caution' }),
    ]);
    const events = await storedEvents(id);
    expect(view.events).toEqual(events);
    expect(view.events.map((e: { kind: string }) => e.kind)).toEqual([
      'check-in',
      'dose',
      'clear',
      'start',
      'alert-acknowledged',
      'adverse-event',
      'pause',
      'resume',
      'end-infusion',
      'discharge',
    ]);
    expect(view.events.at(-1).detail).toMatchObject({
      from: 'observing',
      to: 'discharged',
      discharge: { ready: true, unmet: [] },
      minutesUntilReady: 25,
    });

    // An aborted session of the same course, and the course's gates.
    const courses = (
      await api.as('nurse', { url: `/api/v1/patients/${row.patient_id}/courses` })
    ).json().courses;
    const second: string = courses[0].sessions[1].id;
    await act(second, 'abort', { reason: 'patient unwell' });
    expect((await getSession(second)).events).toEqual(await storedEvents(second));
    expect((await getSession(second)).events[0]).toMatchObject({
      kind: 'abort',
      detail: { from: 'scheduled', to: 'aborted' },
    });
    const course = await db()
      .selectFrom('courses')
      .select('gates')
      .where('id', '=', row.course_id)
      .executeTakeFirstOrThrow();
    expect(courses[0].gates).toEqual(parsed(course.gates));
    expect(courses[0].gates).toMatchObject({
      trd: null,
      consent: true,
      screen: { status: 'clear' },
    });
  });

  it('sends an esketamine dose as stored, and one stored before lot numbers were kept', async () => {
    const id = await checkedInSession(
      api,
      { mrn: 'JSON-2', familyName: 'Spray', givenName: 'Esme' },
      'esketamine',
    );
    const set = await post(sessionUrl(id, '/dose'), {
      version: (await getSession(id)).version,
      esketamineDoseMg: 56,
      lotNumber: 'LOT-7',
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().dose).toEqual(parsed((await storedSession(id)).dose));
    expect(set.json().dose).toEqual({
      drug: 'esketamine',
      route: 'intranasal',
      doseMg: 56,
      devices: 2,
      minutesBetweenDevices: 5,
      doseUg: 56_000,
      lotNumber: 'LOT-7',
    });
    const { lotNumber: _, ...before } = set.json().dose;
    await db()
      .updateTable('sessions')
      .set({ dose: JSON.stringify(before) })
      .where('id', '=', id)
      .execute();
    expect((await getSession(id)).dose).toEqual(before);
  });

  it('refuses to send a stored record its contract does not describe, and names nothing in it', async () => {
    const id = await checkedInSession(api, {
      mrn: 'JSON-3',
      familyName: 'Drift',
      givenName: 'Dov',
    });
    await post(sessionUrl(id, '/dose'), { version: (await getSession(id)).version }, 'nurse');
    const dose = parsed((await storedSession(id)).dose);
    await db()
      .updateTable('sessions')
      .set({ dose: JSON.stringify({ ...(dose as object), note: 'private words' }) })
      .where('id', '=', id)
      .execute();
    const res = await api.as('nurse', { url: sessionUrl(id) });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('private words');
  });

  it("sends a bulk synthetic course's gates, which say no gates were checked", async () => {
    const id = await checkedInSession(api, { mrn: 'JSON-4', familyName: 'Bulk', givenName: 'Bo' });
    const { course_id, patient_id } = await storedSession(id);
    await db()
      .updateTable('courses')
      .set({ gates: '{"synthetic":true}' })
      .where('id', '=', course_id)
      .execute();
    const res = await api.as('nurse', { url: `/api/v1/patients/${patient_id}/courses` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().courses[0].gates).toEqual({ synthetic: true });
  });

  it("sends an assessment's scorer options as stored; a submitted total or severity must be a total or a severity", async () => {
    const patient = (
      await post('/api/v1/patients', {
        mrn: 'JSON-5',
        familyName: 'Score',
        givenName: 'Sam',
        dateOfBirth: '1970-01-01',
        sex: 'male',
      })
    ).json();
    const url = `/api/v1/patients/${patient.id}/assessments`;
    const answers = {
      'visuospatial-executive': 5,
      naming: 3,
      attention: 6,
      language: 3,
      abstraction: 2,
      'delayed-recall': 4,
      orientation: 6,
    };
    const options = { educationYears: 10, formVersion: '8.2' };
    const saved = await post(url, {
      instrument: 'moca',
      answers,
      options,
      total: 30,
      severity: null,
    });
    expect(saved.statusCode, saved.body).toBe(201);
    expect(saved.json()).toMatchObject({ total: 30, options });
    const stored = await db()
      .selectFrom('assessments')
      .select('options')
      .where('id', '=', saved.json().id)
      .executeTakeFirstOrThrow();
    const listed = (await api.as('clinician', { url })).json().assessments;
    expect(listed[0].options).toEqual(parsed(stored.options));
    expect(listed[0].options).toEqual(options);
    const odd = await post(url, { instrument: 'moca', answers, options, total: { any: 'thing' } });
    expect(odd.statusCode).toBe(400);
    expect(odd.json().errors.map((e: { field: string }) => e.field)).toContain('total');
  });

  it("sends every audit event's details as stored, nested objects and arrays included, and unreadable ones as their text", async () => {
    const id = await checkedInSession(api, { mrn: 'JSON-6', familyName: 'Audit', givenName: 'Al' });
    await post(
      sessionUrl(id, '/vitals'),
      {
        systolicMmHg: 120,
        diastolicMmHg: 78,
        heartRateBpm: 70,
        spo2Percent: 99,
        rhythm: 'regular',
      },
      'nurse',
    );
    await post(sessionUrl(id, '/dose'), { version: (await getSession(id)).version }, 'nurse');
    const rows = await db().selectFrom('audit_events').selectAll().orderBy('seq', 'desc').execute();
    // Stored JSON read back whole, nested objects and arrays included.
    const stored = rows.map(toAuditEventDto);
    expect(stored.map((e) => [e.seq, e.details])).toEqual(
      rows.map((r) => [Number(r.seq), parsed(r.details)]),
    );
    const doseEvent = stored.find((e) => e.action === 'session.dose');
    expect(doseEvent?.details).toMatchObject({
      before: null,
      after: { drug: 'ketamine', doseMg: 35, setBy: api.userIds.nurse },
    });
    const screenEvent = stored.find((e) => e.action === 'screen.create');
    expect(screenEvent?.details).toEqual({ after: { present: [], status: 'clear' } });
    // The API sends each of them as the administrator may see it (ADR 0025).
    const res = await api.as('admin', { url: '/api/v1/audit?limit=500' });
    expect(res.statusCode).toBe(200);
    const events: { seq: number; details: unknown; hidden: string | null }[] = res.json().events;
    const asAdmin = stored.map((e) => redactAuditEvent(e, 'admin'));
    expect(events.map((e) => [e.seq, e.details, e.hidden])).toEqual(
      asAdmin.map((e) => [e.seq, e.details, e.hidden]),
    );
    expect(asAdmin.some((e) => e.details !== null && typeof e.details === 'object')).toBe(true);

    // A row edited behind the triggers so that it no longer holds JSON.
    const target = Number(rows[0]!.seq);
    if (dialect === 'postgres') {
      await sql`alter table audit_events disable trigger audit_events_no_change`.execute(db());
      await sql`update audit_events set details = 'not json' where seq = ${target}`.execute(db());
      await sql`alter table audit_events enable trigger audit_events_no_change`.execute(db());
    } else {
      await sql`drop trigger audit_events_no_update`.execute(db());
      await sql`update audit_events set details = 'not json' where seq = ${target}`.execute(db());
    }
    const edited = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '=', target)
      .executeTakeFirstOrThrow();
    expect(toAuditEventDto(edited).details).toBe('not json');
    // Text that is not JSON could hold anything: an administrator sees that it is hidden.
    const after = (await api.as('admin', { url: '/api/v1/audit?limit=500' })).json().events;
    expect(after.find((e: { seq: number }) => e.seq === target)).toMatchObject({
      details: null,
      hidden: HIDDEN_FROM_NON_CLINICAL,
    });
  });
});
