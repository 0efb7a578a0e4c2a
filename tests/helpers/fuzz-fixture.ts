import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { checkedInSession } from './chairside.js';
import type { Hints } from './schema-arbitraries.js';
import type { TestApi } from './test-api.js';
import { uploadRequest } from './table-upload.js';

/**
 * The seeded database the operation fuzz runs against: a few patients (one with a course
 * whose first session is at the chair with an alert, one with a clinical history,
 * assessments, a suicidal-ideation alert and self-report links, one archived), two sites,
 * two spare users, imported studies. Made through the API as the roles would.
 */
export interface FuzzFixture {
  /** Known ids for a path parameter, by `path#param` (the OpenAPI path template). */
  pool(path: string, param: string): readonly string[];
  /** Every id the fixture made, to offer where another kind is expected. */
  readonly allIds: readonly string[];
  /** Good values by body property or query parameter name. */
  readonly hints: Hints;
  /** Patients the fuzz keeps active (restored after an operation that may archive them). */
  readonly activePatients: readonly string[];
  /** Spare users' emails, safe to sign in with wrong passwords (never the acting users'). */
  readonly spareEmails: readonly string[];
  /** Column names a generated import table and mapping share. */
  readonly tableColumns: readonly string[];
  readonly instrumentIds: readonly string[];
  /** Instruments' item ids and answer values, for coherent `{ instrument, answers }` bodies. */
  readonly instrumentItems: Readonly<Record<string, readonly { id: string; values: number[] }[]>>;
}

function ok(res: LightMyRequestResponse, what: string, status = [200, 201]): any {
  if (!status.includes(res.statusCode))
    throw new Error(`fuzz fixture: ${what} answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

export async function seedFuzzFixture(api: TestApi): Promise<FuzzFixture> {
  const post = async (
    role: 'admin' | 'clinician' | 'nurse' | 'researcher',
    url: string,
    payload: object,
  ) => ok(await api.as(role, { method: 'POST', url, payload }), `POST ${url}`);
  const get = async (role: 'admin' | 'clinician' | 'nurse' | 'researcher', url: string) =>
    ok(await api.as(role, { url }), `GET ${url}`);

  const instruments: { id: string; items: { id: string; options: { value: number }[] }[] }[] = (
    await get('clinician', '/api/v1/instruments')
  ).instruments;
  const instrumentItems = Object.fromEntries(
    instruments.map((i) => [
      i.id,
      i.items.map((it) => ({ id: it.id, values: it.options.map((o) => o.value) })),
    ]),
  );
  const protocolIds: string[] = (await get('clinician', '/api/v1/protocols')).protocols.map(
    (p: { id: string }) => p.id,
  );
  const settingKeys: string[] = (await get('clinician', '/api/v1/settings')).settings.map(
    (s: { key: string }) => s.key,
  );
  const drugIds: string[] = (await get('clinician', '/api/v1/antidepressants')).drugs.map(
    (d: { id: string }) => d.id,
  );
  const contraindications: string[] = (
    await get('clinician', '/api/v1/contraindications')
  ).items.map((c: { id: string }) => c.id);

  const siteIds = [
    (await post('admin', '/api/v1/sites', { name: 'Fuzz North' })).id as string,
    (await post('admin', '/api/v1/sites', { name: 'Fuzz South' })).id as string,
  ];
  const spareEmails = ['spare-1@test.invalid', 'spare-2@test.invalid'];
  const spareUserIds: string[] = [];
  for (const [i, email] of spareEmails.entries()) {
    const u = await post('admin', '/api/v1/users', {
      email,
      displayName: `Spare ${i + 1}`,
      role: i === 0 ? 'nurse' : 'researcher',
      password: 'spare user password 1',
    });
    spareUserIds.push(u.id);
  }

  // Patient 1: a course, its first session checked in, then vitals that raise an alert.
  const sessionId = await checkedInSession(api, {
    mrn: 'FZ-1',
    familyName: 'Fuzz',
    givenName: 'One',
  });
  const session = await get('nurse', `/api/v1/sessions/${sessionId}`);
  const p1: string = session.patient.id;
  const courses = await get('clinician', `/api/v1/patients/${p1}/courses`);
  const sessionIds: string[] = courses.courses.flatMap((c: { sessions: { id: string }[] }) =>
    c.sessions.map((s) => s.id),
  );
  const vitals = await post('nurse', `/api/v1/sessions/${sessionId}/vitals`, {
    systolicMmHg: 210,
    diastolicMmHg: 125,
    heartRateBpm: 140,
    spo2Percent: 88,
  });
  const sessionAlertIds: string[] = vitals.alerts.map((a: { id: string }) => a.id);

  // Patient 2: history, assessments (one flags suicidal ideation), self-report links.
  const p2: string = (
    await post('clinician', '/api/v1/patients', {
      mrn: 'FZ-2',
      familyName: 'Fuzz',
      givenName: 'Two',
      dateOfBirth: '1975-05-05',
      sex: 'male',
      weightKg: 82.5,
      heightCm: 180,
    })
  ).id;
  const pp = (path: string) => `/api/v1/patients/${p2}${path}`;
  const episodeId: string = (
    await post('clinician', pp('/episodes'), {
      startedOn: '2026-01-01',
      severity: 'severe-without-psychosis',
    })
  ).id;
  const diagnosisId: string = (
    await post('clinician', pp('/diagnoses'), {
      codeSystem: 'ICD-10',
      code: 'F33.2',
      label: 'Recurrent depression',
      isPrimary: true,
    })
  ).id;
  const trialId: string = (
    await post('clinician', pp('/trials'), {
      drugId: drugIds[0]!,
      dosePerDayMg: 20,
      weeks: 8,
      adherence: 'good',
      improvementPercent: 10,
    })
  ).id;
  const consentId: string = (
    await post('clinician', pp('/consents'), {
      documentTitle: 'Ketamine consent',
      documentVersion: '2',
      signedOn: '2026-02-01',
      signerName: 'Two Fuzz',
      signerRelation: 'patient',
    })
  ).id;
  const screenId: string = (
    await post('clinician', pp('/screens'), {
      present: contraindications.slice(0, 2),
      systolicMmHg: 150,
      diastolicMmHg: 95,
      heartRateBpm: 88,
    })
  ).id;
  await post('nurse', pp('/measurements'), { measuredOn: '2026-03-01', weightKg: 81 });
  const answersAt = (instrument: string, pick: (values: number[]) => number) =>
    Object.fromEntries(instrumentItems[instrument]!.map((it) => [it.id, pick(it.values)]));
  for (const instrument of ['qids-sr16', 'phq-9', 'madrs']) {
    if (!instrumentItems[instrument]) continue;
    await post('nurse', pp('/assessments'), {
      instrument,
      answers: answersAt(instrument, (v) => Math.max(...v)),
    });
    await post('nurse', pp('/assessments'), {
      instrument,
      answers: answersAt(instrument, (v) => Math.min(...v)),
    });
  }
  const alertIds: string[] = (await get('clinician', '/api/v1/alerts')).alerts.map(
    (a: { id: string }) => a.id,
  );
  const links = [
    await post('clinician', pp('/self-report-links'), { instruments: ['qids-sr16', 'phq-9'] }),
    await post('clinician', pp('/self-report-links'), { instruments: ['gad-7'] }),
  ];
  const linkIds: string[] = links.map((l) => l.link.id);
  const tokens: string[] = links.map((l) => new URL(l.url).pathname.split('/').pop()!);

  // Patient 3: archived.
  const p3: string = (
    await post('clinician', '/api/v1/patients', {
      mrn: 'FZ-3',
      familyName: 'Fuzz',
      givenName: 'Three',
      dateOfBirth: '1990-09-09',
      sex: 'other',
    })
  ).id;
  await post('clinician', `/api/v1/patients/${p3}/archive`, { reason: 'Moved away' });

  // Studies: one a clinician links to patients by MRN, one a researcher owns.
  const tableColumns = ['id', 'visit', 'date', 'madrs', 'qids', 'group'];
  const table =
    'id,visit,date,madrs,qids,group\nFZ-1,baseline,2026-01-01,30,18,a\nFZ-1,week 1,2026-01-08,12,6,a\nFZ-2,baseline,2026-01-01,28,,b\n';
  const mapping = (study: string, link: boolean) => ({
    study,
    subject: link ? { column: 'id', linkPatientsBy: 'mrn' } : { column: 'id' },
    timePoint: {
      column: 'visit',
      values: {
        baseline: { label: 'baseline', day: 0, baseline: true },
        'week 1': { label: 'week 1', day: 7 },
      },
    },
    scores: [
      { column: 'madrs', instrument: 'madrs' },
      { column: 'qids', instrument: 'qids-sr16' },
    ],
    attributes: { group: 'group' },
  });
  const studies = ['FUZZ-LINKED', 'FUZZ-RESEARCH'];
  ok(
    await api.as(
      'clinician',
      uploadRequest({
        fileName: 'linked.csv',
        content: table,
        mapping: mapping(studies[0]!, true),
        dryRun: false,
      }),
    ),
    'linked import',
  );
  ok(
    await api.as(
      'researcher',
      uploadRequest({
        fileName: 'research.csv',
        content: table,
        mapping: mapping(studies[1]!, false),
        dryRun: false,
      }),
    ),
    'research import',
  );

  const patientIds = [p1, p2, p3];
  const allIds = [
    ...patientIds,
    ...sessionIds,
    ...sessionAlertIds,
    ...alertIds,
    ...siteIds,
    ...spareUserIds,
    episodeId,
    diagnosisId,
    trialId,
    consentId,
    screenId,
    ...linkIds,
    // Not the acting users' ids: a PATCH /users/{id} with one could disable or demote them.
  ];
  const rules: [RegExp, string, readonly string[]][] = [
    [/^\/api\/v1\/patients\/\{id\}\/diagnoses\//, 'itemId', [diagnosisId]],
    [/^\/api\/v1\/patients\/\{id\}\/consents\//, 'itemId', [consentId]],
    [/^\/api\/v1\/patients\/\{id\}\/episodes\//, 'itemId', [episodeId]],
    [/^\/api\/v1\/patients\/\{id\}\/trials\//, 'itemId', [trialId]],
    [/^\/api\/v1\/patients\/\{id\}\/screens\//, 'itemId', [screenId]],
    [/^\/api\/v1\/patients\/\{id\}\/self-report-links\//, 'itemId', linkIds],
    [/^\/api\/v1\/patients\/\{id\}/, 'id', patientIds],
    [/^\/api\/v1\/sessions\/\{id\}/, 'id', sessionIds],
    [/^\/api\/v1\/sessions\/\{id\}\/alerts\//, 'alertId', sessionAlertIds],
    [/^\/api\/v1\/alerts\/\{id\}/, 'id', alertIds],
    // Never the acting users: disabling or demoting one would turn the rest into 401/403.
    [/^\/api\/v1\/users\/\{id\}/, 'id', spareUserIds],
    [/^\/api\/v1\/protocols\/\{id\}/, 'id', [...protocolIds, 'fuzz-protocol']],
    [/^\/api\/v1\/settings\/\{key\}/, 'key', settingKeys],
    [/^\/api\/v1\/self-report\/\{token\}/, 'token', tokens],
    [/^\/api\/v1\/instruments\/\{id\}/, 'id', instruments.map((i) => i.id)],
  ];
  const pool = (path: string, param: string): readonly string[] =>
    rules.filter(([re, name]) => name === param && re.test(path)).flatMap(([, , ids]) => ids);

  const from = <T>(values: readonly T[]) => fc.constantFrom(...values);
  const instrumentIds = instruments.map((i) => i.id);
  const hints: Hints = {
    protocolId: from(protocolIds),
    siteId: from(siteIds),
    episodeId: from([episodeId]),
    drugId: from(drugIds),
    itemId: from(contraindications),
    present: fc.uniqueArray(from(contraindications), { maxLength: 3 }),
    instruments: fc.uniqueArray(from(instrumentIds), { minLength: 1, maxLength: 3 }),
    patientId: from(patientIds),
    userId: from(Object.values(api.userIds)),
    email: fc.oneof(
      from(spareEmails),
      fc.nat({ max: 1_000_000 }).map((n) => `fuzz-${n}@test.invalid`),
    ),
    version: fc.integer({ min: 1, max: 8 }),
    weightKg: fc.integer({ min: 200, max: 3500 }).map((n) => n / 10),
    heightCm: fc.integer({ min: 500, max: 2500 }).map((n) => n / 10),
    answers: from(instrumentIds).map((instrument) =>
      Object.fromEntries(instrumentItems[instrument]!.map((it) => [it.id, it.values[0] ?? 0])),
    ),
    study: from(studies),
    instrument: from(instrumentIds),
    codeSystem: from(['ICD-10', 'ICD-11', 'DSM-5', 'SNOMED-CT']),
    startOn: from(['2026-11-27', '2026-12-01', '2027-01-04']),
    attribute: from(['group', 'sex', 'age']),
    values: from(['a', 'b', 'a,b']),
    // An instrument with answers to its own items: most in range, some left out or null.
    '{instrument,answers}': from(instrumentIds).chain((instrument) =>
      fc
        .tuple(
          ...instrumentItems[instrument]!.map((it) =>
            fc
              .oneof(
                { weight: 8, arbitrary: fc.constantFrom(...it.values) },
                { weight: 1, arbitrary: fc.constantFrom(null, -1, Math.max(...it.values) + 1) },
                { weight: 1, arbitrary: fc.constant(undefined) },
              )
              .map((v) => [it.id, v] as const),
          ),
        )
        .map((pairs) => ({
          instrument,
          answers: Object.fromEntries(pairs.filter(([, v]) => v !== undefined)),
        })),
    ),
  };
  return {
    pool,
    allIds,
    hints,
    activePatients: [p1, p2],
    spareEmails,
    tableColumns,
    instrumentIds,
    instrumentItems,
  };
}
