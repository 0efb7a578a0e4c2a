import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createPgSchema } from '../helpers/pg-schema.js';
import { uploadRequest } from '../helpers/table-upload.js';
import { PASSWORD, sessionCookie, startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects, tempDir } from '../helpers/test-deps.js';
import { cliContext } from '../../src/services/deps.js';
import { generateCohort } from '../../src/services/demo/bulk-cohort.js';
import { readMapping } from '../../src/domain/imports/import-mapping.js';
import { importTable } from '../../src/services/imports/import-table.js';
import { ABANDONED_AFTER_MS, beginBatch } from '../../src/services/imports/pending-batch.js';
import { studyViewer } from '../../src/services/imports/study-access.js';
import { refreshAllStale } from '../../src/services/outcomes/outcome-refresher.js';
import { createUser } from '../../src/services/users/manage-users.js';

// Issue 11, items 1, 3 and 6 (a hostile test of the running product): research outputs and
// the table import must not lead a researcher to identified patient data, to a study that
// is not theirs, or to when a record was made; and no CSV the product writes may carry a
// cell a spreadsheet would run.

/** A problem body without its request id (random hex, which could hold any short number). */
const problemText = (body: Record<string, unknown>) => {
  const { requestId: _id, ...rest } = body;
  return JSON.stringify(rest);
};

describe.each(dialects())('study owners and members (%s)', (dialect) => {
  let api: TestApi;
  /** A second researcher, who is in no study until someone lets them in. */
  let other: { id: string; cookie: string };
  const db = () => api.deps.database.db;
  const as = (who: 'researcher' | 'clinician' | 'admin' | 'nurse' | 'other', opts: object) =>
    who === 'other'
      ? api.app.inject({
          ...opts,
          headers: { ...(opts as { headers?: object }).headers, cookie: other.cookie },
        })
      : api.as(who, opts);
  const studyNames = async (who: 'researcher' | 'clinician' | 'other') => {
    const res = await as(who, { method: 'GET', url: '/api/v1/studies' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().map((s: { name: string }) => s.name) as string[];
  };
  const madrsMapping = (study: string) => ({
    study,
    subject: { column: 'id' },
    timePoint: {
      column: 'visit',
      values: { b: { label: 'baseline', baseline: true }, w1: { label: 'week 1', day: 7 } },
    },
    scores: [{ column: 'madrs', instrument: 'madrs' }],
  });
  const storedTotals = (study: string) =>
    db()
      .selectFrom('imported_scores')
      .innerJoin('study_subjects', 'study_subjects.id', 'imported_scores.subject_id')
      .select(['study_subjects.external_id', 'imported_scores.total'])
      .where('study_subjects.study', '=', study)
      .orderBy('study_subjects.external_id')
      .orderBy('imported_scores.total')
      .execute();

  beforeAll(async () => {
    api = await startTestApi(dialect);
    const user = await createUser(api.deps, cliContext(), {
      email: 'other-researcher@test.invalid',
      role: 'researcher',
      displayName: 'Other Researcher',
      password: PASSWORD,
    });
    const signIn = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'other-researcher@test.invalid', password: PASSWORD },
    });
    other = { id: user.id, cookie: sessionCookie(signIn) };
  });
  afterAll(async () => api.close());

  it('refuses a researcher’s dry run and update into a study linked to patients, echoing no MRN or score, and changes nothing', async () => {
    const patient = await api.as('clinician', {
      method: 'POST',
      url: '/api/v1/patients',
      payload: {
        mrn: 'MRN-SEC-4471',
        familyName: 'Probe',
        givenName: 'Pia',
        dateOfBirth: '1979-05-05',
        sex: 'female',
      },
    });
    expect(patient.statusCode, patient.body).toBe(201);
    const linked = {
      fileName: 'clinic.csv',
      content: 'mrn,date,phq9\nMRN-SEC-4471,2025-04-01,23\n',
      mapping: {
        study: 'clinic-scores',
        subject: { column: 'mrn', linkPatientsBy: 'mrn' },
        date: { column: 'date' },
        scores: [{ column: 'phq9', instrument: 'phq-9' }],
      },
      dryRun: false,
    };
    const made = await api.as('clinician', uploadRequest(linked));
    expect(made.statusCode, made.body).toBe(200);
    expect(made.json().subjects).toMatchObject({ created: 1, linkedToPatients: 1 });
    const batchesBefore = await db().selectFrom('import_batches').select('id').execute();

    // The probe: the same study name, the link left out, a different total for the same
    // occasion; first a dry run (which used to say "4 differs from 23 imported earlier"),
    // then an import correcting it. Both refused alike.
    for (const attempt of [
      { dryRun: true, onConflict: 'error' as const },
      { dryRun: false, onConflict: 'update' as const },
    ]) {
      const res = await api.as(
        'researcher',
        uploadRequest({
          ...linked,
          ...attempt,
          content: 'mrn,date,phq9\nMRN-SEC-4471,2025-04-01,4\nMRN-SEC-9999,2025-04-01,5\n',
          mapping: { ...linked.mapping, subject: { column: 'mrn' } },
        }),
      );
      expect(res.statusCode, res.body).toBe(409);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'study.name_taken' });
      expect(res.json().errors).toEqual([
        expect.objectContaining({ field: 'mapping.study', rule: 'study-access' }),
      ]);
      const text = problemText(res.json());
      expect(text).not.toContain('MRN-SEC');
      expect(text).not.toContain('23');
      expect(text).not.toMatch(/patient|linked/i);
    }
    expect(await storedTotals('clinic-scores')).toEqual([
      { external_id: 'MRN-SEC-4471', total: 23 },
    ]);
    expect(await db().selectFrom('import_batches').select('id').execute()).toEqual(batchesBefore);
    const corrections = await db()
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'import.score.correct')
      .execute();
    expect(corrections).toEqual([]);

    // Not listed, and its report is answered as for a study that does not exist.
    expect(await studyNames('researcher')).not.toContain('clinic-scores');
    const report = await api.as('researcher', {
      url: '/api/v1/reports/study?study=clinic-scores&instrument=phq-9',
    });
    const none = await api.as('researcher', {
      url: '/api/v1/reports/study?study=no-such-study&instrument=phq-9',
    });
    expect([report.statusCode, report.json().code]).toEqual([404, 'record.not_found']);
    expect([none.statusCode, none.json().code]).toEqual([404, 'record.not_found']);
    expect(report.json().detail.replace('clinic-scores', '?')).toBe(
      none.json().detail.replace('no-such-study', '?'),
    );

    // Never a study linked to patients for a role without patient rights, even as a member:
    // it cannot be added, and a membership written straight into the database opens nothing.
    const adminTries = await api.as('admin', {
      method: 'POST',
      url: '/api/v1/studies/clinic-scores/members',
      payload: { email: 'researcher@test.invalid' },
    });
    expect(adminTries.statusCode, adminTries.body).toBe(400);
    expect(adminTries.json().errors[0]).toMatchObject({ field: 'email', rule: 'eligible-member' });
    await db()
      .insertInto('study_members')
      .values({
        study: 'clinic-scores',
        user_id: api.userIds.researcher,
        added_by: null,
        added_at: api.clock.now().toISOString(),
      })
      .execute();
    expect(await studyNames('researcher')).not.toContain('clinic-scores');
    expect(
      (
        await api.as('researcher', {
          url: '/api/v1/reports/study?study=clinic-scores&instrument=phq-9',
        })
      ).statusCode,
    ).toBe(404);
    const asMember = await api.as(
      'researcher',
      uploadRequest({
        ...linked,
        dryRun: true,
        content: 'mrn,date,phq9\nMRN-SEC-4471,2025-04-01,4\n',
        mapping: { ...linked.mapping, subject: { column: 'mrn' } },
      }),
    );
    expect(asMember.statusCode, asMember.body).toBe(409);
    expect(problemText(asMember.json())).not.toContain('MRN-SEC');
  });

  it('lets the owner add a member who may then list, report on and import into the study; others see nothing of it', async () => {
    const file = 'id,visit,madrs\nT1,b,30\nT1,w1,14\nT2,b,28\nT2,w1,20\n';
    const first = await api.as(
      'researcher',
      uploadRequest({
        fileName: 'trial.csv',
        content: file,
        mapping: madrsMapping('owned-trial'),
        dryRun: false,
      }),
    );
    expect(first.statusCode, first.body).toBe(200);
    const reportUrl = '/api/v1/reports/study?study=owned-trial&instrument=madrs';
    expect(await studyNames('researcher')).toContain('owned-trial');
    const listed = (await as('researcher', { method: 'GET', url: '/api/v1/studies' }))
      .json()
      .find((s: { name: string }) => s.name === 'owned-trial');
    expect(listed.owner).toBe('Test researcher');

    // Another researcher, and a clinician who is not a member, see nothing of it.
    expect(await studyNames('other')).not.toContain('owned-trial');
    expect(await studyNames('clinician')).not.toContain('owned-trial');
    expect((await as('other', { method: 'GET', url: reportUrl })).statusCode).toBe(404);
    expect((await as('clinician', { method: 'GET', url: reportUrl })).statusCode).toBe(404);
    for (const dryRun of [true, false]) {
      const intrude = await as(
        'other',
        uploadRequest({
          fileName: 'mine.csv',
          content: 'id,visit,madrs\nT1,w1,2\n',
          mapping: madrsMapping('owned-trial'),
          dryRun,
          onConflict: 'update',
        }),
      );
      expect(intrude.statusCode, intrude.body).toBe(409);
      expect(intrude.json().code).toBe('study.name_taken');
      expect(problemText(intrude.json())).not.toMatch(/\b14\b|T1/);
    }
    expect(await storedTotals('owned-trial')).toEqual([
      { external_id: 'T1', total: 14 },
      { external_id: 'T1', total: 30 },
      { external_id: 'T2', total: 20 },
      { external_id: 'T2', total: 28 },
    ]);
    // Nor can they let themselves in.
    const selfInvite = await as('other', {
      method: 'POST',
      url: '/api/v1/studies/owned-trial/members',
      payload: { email: 'other-researcher@test.invalid' },
    });
    expect(selfInvite.statusCode).toBe(404);

    // The owner manages the members.
    const managed = await api.as('researcher', { url: '/api/v1/studies/managed' });
    expect(managed.json()).toEqual([
      {
        study: 'owned-trial',
        owner: expect.objectContaining({ displayName: 'Test researcher' }),
        members: [],
      },
    ]);
    for (const email of ['nobody@test.invalid', 'nurse@test.invalid']) {
      const refused = await api.as('researcher', {
        method: 'POST',
        url: '/api/v1/studies/owned-trial/members',
        payload: { email },
      });
      expect(refused.statusCode, email).toBe(400);
      // One answer whether or not the address has an account.
      expect(refused.json().errors).toEqual([
        {
          field: 'email',
          rule: 'eligible-member',
          message: 'no active user who may read studies has this email address',
        },
      ]);
    }
    const added = await api.as('researcher', {
      method: 'POST',
      url: '/api/v1/studies/owned-trial/members',
      payload: { email: 'Other-Researcher@test.invalid' },
    });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().members).toEqual([
      expect.objectContaining({
        userId: other.id,
        displayName: 'Other Researcher',
        role: 'researcher',
      }),
    ]);
    const audited = await db()
      .selectFrom('audit_events')
      .select(['entity_id', 'details'])
      .where('action', '=', 'study.member.add')
      .execute();
    expect(audited).toEqual([
      { entity_id: 'owned-trial', details: JSON.stringify({ userId: other.id }) },
    ]);

    // The member lists it, reports on it and imports into it.
    expect(await studyNames('other')).toContain('owned-trial');
    const report = await as('other', { method: 'GET', url: reportUrl });
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json().subjects).toBe(2);
    const more = await as(
      'other',
      uploadRequest({
        fileName: 'more.csv',
        content: 'id,visit,madrs\nT3,b,33\nT3,w1,12\n',
        mapping: madrsMapping('owned-trial'),
        dryRun: false,
      }),
    );
    expect(more.statusCode, more.body).toBe(200);
    expect(more.json().scores.created).toBe(2);
    // A member is not the owner: membership is the owner's (or an administrator's) to change.
    const memberManages = await as('other', {
      method: 'DELETE',
      url: `/api/v1/studies/owned-trial/members/${other.id}`,
    });
    expect(memberManages.statusCode).toBe(403);

    // An administrator manages every study's members (and reads none of them).
    const adminList = await api.as('admin', { url: '/api/v1/studies/managed' });
    expect(adminList.json().map((s: { study: string }) => s.study)).toContain('owned-trial');
    const removed = await api.as('admin', {
      method: 'DELETE',
      url: `/api/v1/studies/owned-trial/members/${other.id}`,
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json().members).toEqual([]);
    expect(await studyNames('other')).not.toContain('owned-trial');
    expect((await as('other', { method: 'GET', url: reportUrl })).statusCode).toBe(404);
    expect((await api.as('admin', { url: reportUrl })).statusCode).toBe(403);
  });

  it('frees a name whose first import was killed long ago, and no sooner', async () => {
    // The other researcher's first import of a new study stops after writing (a killed
    // process): the study exists, owned by them, with nothing committed.
    const otherCtx = cliContext({
      userId: other.id,
      email: 'other-researcher@test.invalid',
      role: 'researcher',
    });
    const read = readMapping(madrsMapping('killed-first'));
    if (!read.ok) throw new Error('mapping');
    await beginBatch(api.deps, otherCtx, {
      viewer: studyViewer(otherCtx, 'import'),
      mapping: read.mapping,
      fileName: 'killed.csv',
      sha256: '0'.repeat(64),
      rowsRead: 1,
    });
    const attempt = () =>
      api.as(
        'researcher',
        uploadRequest({
          fileName: 'fresh.csv',
          content: 'id,visit,madrs\nK1,b,21\n',
          mapping: madrsMapping('killed-first'),
          dryRun: false,
        }),
      );
    const meanwhile = await attempt();
    expect(meanwhile.statusCode, meanwhile.body).toBe(409);
    expect(meanwhile.json().code).toBe('study.name_taken');
    api.clock.advance(ABANDONED_AFTER_MS + 1000);
    const later = await attempt();
    expect(later.statusCode, later.body).toBe(200);
    const study = await db()
      .selectFrom('studies')
      .select('owner_id')
      .where('name', '=', 'killed-first')
      .executeTakeFirstOrThrow();
    expect(study.owner_id).toBe(api.userIds.researcher);
    expect(await storedTotals('killed-first')).toEqual([{ external_id: 'K1', total: 21 }]);
  });

  it('keeps a study made before owners (or on the command line) to roles that read patients until a researcher is added', async () => {
    const dir = tempDir();
    const path = join(dir, 'legacy.csv');
    writeFileSync(path, 'id,visit,madrs\nL1,b,25\nL1,w1,11\n');
    const summary = await importTable(api.deps, cliContext(), {
      path,
      fileName: 'legacy.csv',
      mapping: madrsMapping('legacy-trial'),
      dryRun: false,
      onConflict: 'error',
    });
    expect(summary.batchId).not.toBeNull();
    expect(await studyNames('clinician')).toContain('legacy-trial');
    expect(await studyNames('researcher')).not.toContain('legacy-trial');
    const intrude = await api.as(
      'researcher',
      uploadRequest({
        fileName: 'legacy.csv',
        content: 'id,visit,madrs\nL1,w1,3\n',
        mapping: madrsMapping('legacy-trial'),
        dryRun: true,
      }),
    );
    expect(intrude.statusCode).toBe(409);
    // Nobody owns it, so only an administrator may let the researcher in.
    expect(
      (await api.as('researcher', { url: '/api/v1/studies/managed' }))
        .json()
        .map((s: { study: string }) => s.study),
    ).not.toContain('legacy-trial');
    const added = await api.as('admin', {
      method: 'POST',
      url: '/api/v1/studies/legacy-trial/members',
      payload: { email: 'researcher@test.invalid' },
    });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().owner).toBeNull();
    expect(await studyNames('researcher')).toContain('legacy-trial');
  });
});

describe.each(dialects())('cohort outputs for a researcher carry no course id (%s)', (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(dialect);
    await generateCohort(api.deps.database.db, {
      patients: 16,
      seed: 11,
      userId: api.userIds.admin,
    });
    await refreshAllStale(api.deps);
  });
  afterAll(async () => api.close());

  it('names courses and patients only by report pseudonyms, in an order that is not the order they were made', async () => {
    const db = api.deps.database.db;
    const courseIds = (await db.selectFrom('courses').select('id').execute()).map((c) => c.id);
    const patientIds = (await db.selectFrom('patients').select('id').execute()).map((p) => p.id);
    expect(courseIds.length).toBeGreaterThan(10);
    const q = 'instrument=qids-sr16';
    const json = await api.as('researcher', { url: `/api/v1/reports/cohort?${q}` });
    const csv = await api.as('researcher', { url: `/api/v1/reports/cohort/dataset.csv?${q}` });
    const html = await api.as('researcher', { url: `/api/v1/reports/cohort/report.html?${q}` });
    for (const res of [json, csv, html]) {
      expect(res.statusCode, res.body).toBe(200);
      for (const id of [...courseIds, ...patientIds]) expect(res.body).not.toContain(id);
    }
    const report = json.json();
    expect(report.analysed).toBeGreaterThan(5);
    const rows = parse<Record<string, string>>(csv.body, { columns: true });
    expect(rows).toHaveLength(report.analysed);
    expect(rows.map((r) => r.course)).toEqual(rows.map((_, i) => `C${i + 1}`));
    for (const r of rows) expect(r.subject).toMatch(/^P\d+$/);
    expect(report.trajectories.courses.map((c: { course: string }) => c.course).sort()).toEqual(
      rows.map((r) => r.course).sort(),
    );

    // Match each CSV row to its stored course by its figures (where they are unique): the
    // courses must not come out in the order their ids (and so their creation) give.
    const stored = await db
      .selectFrom('course_outcomes as co')
      .innerJoin('course_summaries as cs', 'cs.course_id', 'co.course_id')
      .select(['co.course_id', 'co.baseline_total', 'co.endpoint_total', 'cs.doses'])
      .where('co.instrument', '=', 'qids-sr16')
      .execute();
    const byFigures = new Map<string, string[]>();
    for (const s of stored) {
      const key = `${s.baseline_total}|${s.endpoint_total}|${s.doses}`;
      byFigures.set(key, [...(byFigures.get(key) ?? []), s.course_id]);
    }
    const inReportOrder = rows.flatMap((r) => {
      const ids = byFigures.get(`${r.baseline}|${r.endpoint}|${r.doses}`) ?? [];
      return ids.length === 1 ? ids : [];
    });
    expect(inReportOrder.length).toBeGreaterThan(5);
    expect(inReportOrder).not.toEqual([...inReportOrder].sort());
    // The same report again is the same file (the order is not random per download).
    const again = await api.as('researcher', { url: `/api/v1/reports/cohort/dataset.csv?${q}` });
    expect(again.body).toBe(csv.body);
  });
});

/** Cells a spreadsheet would run: a formula, or a tab or carriage return before one. */
const RUNNABLE = /^[=+\-@\t\r]/;
const isNumber = (cell: string) => cell !== '' && Number.isFinite(Number(cell));
function expectNoRunnableCell(csv: string, what: string): string[][] {
  const cells: string[][] = parse(csv, { relax_column_count: true });
  for (const row of cells)
    for (const cell of row)
      if (!isNumber(cell)) expect(cell, `${what}: ${JSON.stringify(cell)}`).not.toMatch(RUNNABLE);
  return cells;
}

describe.each(dialects())('every CSV the product writes neutralises formulas (%s)', (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(dialect);
  });
  afterAll(async () => api.close());

  it('lists exactly the CSV downloads this test covers', async () => {
    const spec = (await api.as(null, { url: '/api/openapi.json' })).json<{
      paths: Record<
        string,
        Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>
      >;
    }>();
    // Routes documented as answering CSV, and routes named as CSV files (a route without a
    // response schema documents no content type).
    const documented = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) =>
          Object.values(op.responses ?? {}).some((r) =>
            Object.keys(r.content ?? {}).some((type) => type.includes('csv')),
          ),
        )
        .map(([method]) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const named = api.app.registeredRoutes
      .filter((r) => r.method !== 'HEAD' && /\.csv$/i.test(r.url))
      .map((r) => `${r.method} ${r.url}`);
    const csvRoutes = [...new Set([...documented, ...named])];
    // A new CSV download must go through src/services/csv.ts and be added below.
    expect(csvRoutes.sort()).toEqual([
      'GET /api/v1/reports/cohort/dataset.csv',
      'GET /api/v1/sessions/:id/monitoring-form.csv',
    ]);
  });

  it('writes a planted lot number as text in the monitoring form, and no runnable cell in the cohort dataset', async () => {
    const post = (url: string, payload: object, role: 'clinician' | 'nurse' = 'clinician') =>
      api.as(role, { method: 'POST', url, payload });
    const patient = await post('/api/v1/patients', {
      mrn: 'CSV-1',
      familyName: 'Cell',
      givenName: 'Cora',
      dateOfBirth: '1981-02-02',
      sex: 'female',
      weightKg: 64,
      heightCm: 165,
    });
    expect(patient.statusCode, patient.body).toBe(201);
    const p = (path: string) => `/api/v1/patients/${patient.json().id}${path}`;
    await post(p('/screens'), {
      present: [],
      systolicMmHg: 120,
      diastolicMmHg: 78,
      heartRateBpm: 70,
    });
    await post(p('/consents'), {
      documentTitle: 'Consent',
      documentVersion: '1',
      signedOn: '2026-01-01',
      signerName: 'Cora Cell',
      signerRelation: 'patient',
    });
    const course = await post(p('/courses'), {
      protocolId: 'esketamine',
      startOn: '2026-11-27',
      trdOverrideReason: 'TRD documented by referring clinic',
    });
    expect(course.statusCode, course.body).toBe(201);
    const sid: string = course.json().sessions[0].id;
    const version = (await api.as('nurse', { url: `/api/v1/sessions/${sid}` })).json().version;
    const planted = '=HYPERLINK("http://x.invalid","lot")';
    const dose = await post(`/api/v1/sessions/${sid}/dose`, {
      version,
      esketamineDoseMg: 84,
      lotNumber: planted,
    });
    expect(dose.statusCode, dose.body).toBe(200);
    const form = await api.as('clinician', { url: `/api/v1/sessions/${sid}/monitoring-form.csv` });
    expect(form.statusCode, form.body).toBe(200);
    expect(form.headers['content-type']).toContain('text/csv');
    const cells = expectNoRunnableCell(form.body, 'monitoring form');
    const header = cells[0] ?? [];
    expect(cells[1]?.[header.indexOf('lot_number')]).toBe(`'${planted}`);

    const dataset = await api.as('researcher', { url: '/api/v1/reports/cohort/dataset.csv' });
    expect(dataset.statusCode, dataset.body).toBe(200);
    expectNoRunnableCell(dataset.body, 'cohort dataset');
  });

  it('writes planted labels as text in the study dataset the command line exports', async () => {
    const pgSchema = dialect === 'postgres' ? await createPgSchema(inject('pgUrl')!) : null;
    const env = { KETATRACK_DATA_DIR: tempDir(), DATABASE_URL: pgSchema?.url ?? '' };
    try {
      const dir = tempDir();
      const table = join(dir, 'labels.csv');
      const mapping = join(dir, 'labels.mapping.json');
      // Subject ids and labels a spreadsheet would run; the labels reach the CSV (subjects
      // are pseudonyms there).
      writeFileSync(
        table,
        [
          'id,visit,madrs',
          '=S1,b,30',
          '=S1,k1,12',
          '+S2,b,28',
          '+S2,p1,20',
          '@S3,b,25',
          '@S3,k1,9',
        ].join('\n'),
      );
      writeFileSync(
        mapping,
        JSON.stringify({
          study: 'formula-labels',
          subject: { column: 'id' },
          timePoint: {
            column: 'visit',
            values: {
              b: { label: '=1+1', baseline: true },
              k1: { label: '@SUM(A1:A9)', day: 7, arm: '-2+3' },
              p1: { label: '@SUM(A1:A9)', day: 7, arm: '+cmd|calc' },
            },
          },
          scores: [{ column: 'madrs', instrument: 'madrs' }],
        }),
      );
      const imported = runCli(['import', 'table', table, '--mapping', mapping, '--json'], env);
      expect(imported.status, imported.stderr).toBe(0);
      const out = runCli(['report', 'study', '--study', 'formula-labels', '--format', 'csv'], env);
      expect(out.status, out.stderr).toBe(0);
      const cells = expectNoRunnableCell(out.stdout, 'study dataset');
      const labels = new Set(cells.slice(1).flatMap((row) => [row[1], row[2]]));
      for (const label of ["'=1+1", "'@SUM(A1:A9)", "'-2+3", "'+cmd|calc"])
        expect(labels, label).toContain(label);
    } finally {
      await pgSchema?.drop();
    }
  });
});
