import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';
import { createPgSchema } from '../helpers/pg-schema.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects, tempDir } from '../helpers/test-deps.js';
import { uploadRequest } from '../helpers/table-upload.js';
import { cliContext } from '../../src/services/deps.js';
import { importTable } from '../../src/services/imports/import-table.js';

// The real public dataset (OpenNeuro ds005917, CC0; the TSV files are copied
// unchanged into the fixture folder, see PROVENANCE.md there) converted by its
// documented mappings (docs/examples/), checked against SciPy run on those files:
// tests/fixtures/ds005917/make_expected.py (command inside).
const DATA = join(ROOT, 'tests/fixtures/ds005917');
const MAPPINGS = join(ROOT, 'docs/examples');
const participantsMapping = join(MAPPINGS, 'ds005917-participants.mapping.json');
const phenotypeMapping = join(MAPPINGS, 'ds005917-phenotype.mapping.json');
const expected = JSON.parse(
  readFileSync(join(ROOT, 'tests/fixtures/ds005917/expected.json'), 'utf8'),
) as Record<string, any>;

const close = (actual: number, wanted: number, what: string) =>
  expect(Math.abs(actual - wanted), `${what}: ${actual} vs ${wanted}`).toBeLessThan(1e-6);

function expectMatchesScipy(report: Record<string, any>, instrument: string): void {
  const want = expected[instrument];
  expect(report.subjects).toBe(want.subjects);
  const stats = ['n', 'mean', 'sd', 'ciLow', 'ciHigh'];
  for (const tp of report.timePoints) {
    const key = `${tp.arm ?? 'None'}/${tp.timePoint}`;
    for (const s of stats) close(tp.summary[s], want.timePoints[key][s], `${key} ${s}`);
  }
  expect(report.timePoints).toHaveLength(Object.keys(want.timePoints).length);
  for (const c of report.changeFromBaseline) {
    const key = `${c.arm}/${c.timePoint}`;
    const w = want.change[key];
    expect(c.n).toBe(w.n);
    for (const s of stats) {
      close(c.change[s], w.change[s], `${key} change ${s}`);
      close(c.percentChange[s], w.percentChange[s], `${key} % change ${s}`);
    }
    for (const p of ['response', 'remission']) {
      expect([c[p].count, c[p].of]).toEqual([w[p].count, w[p].of]);
      close(c[p].ci.low, w[p].low, `${key} ${p} low`);
      close(c[p].ci.high, w[p].high, `${key} ${p} high`);
    }
  }
  expect(report.armComparisons).toHaveLength(2);
  for (const a of report.armComparisons) {
    expect([a.arm, a.versus]).toEqual(['ketamine', 'placebo']);
    const w = want.comparisons[a.timePoint];
    expect(a.comparison.n).toBe(w.n);
    for (const s of ['meanDifference', 'ciLow', 'ciHigh', 'tPValue', 'wilcoxonPValue'])
      close(a.comparison[s], w[s], `${a.timePoint} ${s}`);
  }
}

describe.each(dialects())('table import from the CLI on %s', (dialect) => {
  it('imports ds005917 by its documented mapping (dry run first, idempotent again) and reports the same figures as SciPy', async () => {
    const pgSchema = dialect === 'postgres' ? await createPgSchema(inject('pgUrl')!) : null;
    const env = { KETATRACK_DATA_DIR: tempDir(), DATABASE_URL: pgSchema?.url ?? '' };
    const json = (args: string[]) => {
      const r = runCli(args, env);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, any>;
    };
    try {
      const participants = join(DATA, 'participants.tsv');
      const phenotype = join(DATA, 'phenotype.tsv');
      json(['import', 'table', participants, '--mapping', participantsMapping, '--json']);

      const dry = json([
        'import',
        'table',
        phenotype,
        '--mapping',
        phenotypeMapping,
        '--dry-run',
        '--json',
      ]);
      expect(dry).toMatchObject({ dryRun: true, valid: true, rowsRead: 236, batchId: null });
      expect(dry.scores).toEqual({ created: 433, unchanged: 0, updated: 0 });
      // A dry run writes nothing: there is still no score to report.
      const before = json(['report', 'study', '--study', 'ds005917', '--instrument', 'madrs']);
      expect(before.rows).toEqual([]);

      const first = json(['import', 'table', phenotype, '--mapping', phenotypeMapping, '--json']);
      expect(first.scores).toEqual({ created: 433, unchanged: 0, updated: 0 });
      // 57 participants have scores; sub-MOA323's only row is empty but names the subject.
      expect(first.subjects).toMatchObject({ created: 0, existing: 58 });
      const again = json(['import', 'table', phenotype, '--mapping', phenotypeMapping, '--json']);
      expect(again.scores).toEqual({ created: 0, unchanged: 433, updated: 0 });
      expect(again.batchId).toBeNull();

      for (const instrument of ['madrs', 'hamd-17']) {
        const report = json([
          'report',
          'study',
          '--study',
          'ds005917',
          '--instrument',
          instrument,
          '--where',
          'group=MDD,BP',
        ]);
        expectMatchesScipy(report, instrument);
      }
      const csv = runCli(
        ['report', 'study', '--study', 'ds005917', '--where', 'group=MDD,BP', '--format', 'csv'],
        env,
      )
        .stdout.trim()
        .split('\n');
      expect(csv[0]).toBe('subject,arm,timePoint,day,total,baseline');
      expect(csv).toHaveLength(1 + 35 + 29 + 28 + 26 + 28);
    } finally {
      await pgSchema?.drop();
    }
  });
});

describe.each(dialects())('table import through the API on %s', (dialect) => {
  let api: TestApi;
  const phenotype = readFileSync(join(DATA, 'phenotype.tsv'), 'utf8');
  const participants = readFileSync(join(DATA, 'participants.tsv'), 'utf8');
  const mapping = (file: string) =>
    JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const importAs = (
    role: 'researcher' | 'clinician' | 'nurse',
    payload: Parameters<typeof uploadRequest>[0],
  ) => api.as(role, uploadRequest(payload));
  const scoreCount = async () =>
    Number(
      (
        await api.deps.database.db
          .selectFrom('imported_scores')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    api = await startTestApi(dialect);
  });
  afterAll(async () => api.close());

  it('previews, imports and reports ds005917 with the figures SciPy gives', async () => {
    const preview = await importAs('researcher', {
      fileName: 'phenotype.tsv',
      content: phenotype,
      mapping: mapping(phenotypeMapping),
      dryRun: true,
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().preview[0]).toMatchObject({
      row: 2,
      subject: 'sub-MOA101',
      instrument: 'madrs',
      total: 35,
      timePoint: 'baseline',
      arm: null,
    });
    expect(await scoreCount()).toBe(0);
    for (const [fileName, content, file] of [
      ['participants.tsv', participants, participantsMapping],
      ['phenotype.tsv', phenotype, phenotypeMapping],
    ] as const) {
      const res = await importAs('researcher', {
        fileName,
        content,
        mapping: mapping(file),
        dryRun: false,
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    expect(await scoreCount()).toBe(433);

    const studies = await api.as('researcher', { method: 'GET', url: '/api/v1/studies' });
    expect(studies.json()).toEqual([
      expect.objectContaining({
        name: 'ds005917',
        baselineTimePoint: 'baseline',
        subjects: 58,
        scores: 433,
        instruments: ['hamd-17', 'madrs'],
      }),
    ]);
    expect(studies.json()[0].attributes.group).toEqual(['BP', 'HC', 'MDD']);
    // Ages are not categories: they are not listed for filtering.
    expect(studies.json()[0].attributes.age).toBeUndefined();

    for (const instrument of ['madrs', 'hamd-17']) {
      const res = await api.as('researcher', {
        method: 'GET',
        url: `/api/v1/reports/study?study=ds005917&instrument=${instrument}&attribute=group&values=MDD,BP`,
      });
      expect(res.statusCode, res.body).toBe(200);
      expectMatchesScipy(res.json(), instrument);
    }
    const half = await api.as('researcher', {
      method: 'GET',
      url: '/api/v1/reports/study?study=ds005917&attribute=group',
    });
    expect(half.statusCode).toBe(400);
    expect(half.json().errors[0]).toMatchObject({ field: 'values', rule: 'together' });
  });

  it('refuses a file with bad cells, naming row and column, and writes nothing', async () => {
    const before = await scoreCount();
    const content = [
      'id\tvisit\tmadrs',
      'S1\tbase\t30',
      'S1\twk1\t61',
      'S2\tbase\tabc',
      'S2\twk9\t20',
      'S3\tbase\t25',
      'S3\tbase\t26',
    ].join('\n');
    const res = await importAs('researcher', {
      fileName: 'bad.tsv',
      content,
      mapping: {
        study: 'bad-cells',
        subject: { column: 'id' },
        timePoint: {
          column: 'visit',
          values: { base: { label: 'baseline', baseline: true }, wk1: { label: 'week 1', day: 7 } },
        },
        scores: [{ column: 'madrs', instrument: 'madrs' }],
      },
      dryRun: false,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([
      expect.objectContaining({
        field: 'row 3, column madrs',
        message: expect.stringContaining('outside 0–60'),
      }),
      expect.objectContaining({
        field: 'row 4, column madrs',
        message: expect.stringContaining('whole-number'),
      }),
      expect.objectContaining({
        field: 'row 5, column visit',
        message: expect.stringContaining('"wk9" is not listed'),
      }),
      expect.objectContaining({
        field: 'row 7, column madrs',
        message: expect.stringContaining('row 6'),
      }),
    ]);
    expect(await scoreCount()).toBe(before);
    const studies = await api.as('researcher', { method: 'GET', url: '/api/v1/studies' });
    expect(studies.json().map((s: { name: string }) => s.name)).not.toContain('bad-cells');

    const badMapping = await importAs('researcher', {
      fileName: 'x.csv',
      content: 'a,b\n1,2\n',
      mapping: {
        study: 'x',
        subject: { column: 'a' },
        scores: [{ column: 'b', instrument: 'madrs-x' }],
      },
      dryRun: true,
    });
    expect(badMapping.statusCode).toBe(400);
    expect(badMapping.json().errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'mapping.scores.0.instrument', rule: 'enum' }),
      ]),
    );
    const missingColumn = await importAs('researcher', {
      fileName: 'x.csv',
      content: 'a,b\n1,2\n',
      mapping: {
        study: 'x',
        subject: { column: 'a' },
        date: { column: 'when' },
        scores: [{ column: 'b', instrument: 'madrs' }],
      },
      dryRun: true,
    });
    expect(missingColumn.statusCode).toBe(200);
    expect(missingColumn.json()).toMatchObject({ valid: false, problemCount: 1 });
    expect(missingColumn.json().problems[0]).toMatchObject({ row: 1, column: 'when' });
  });

  it('refuses a changed total on re-import unless asked to correct it, and audits the correction', async () => {
    const base = {
      fileName: 'legacy.csv',
      mapping: {
        study: 'legacy-qids',
        subject: { column: 'patient' },
        date: { column: 'date', format: 'DD/MM/YYYY' },
        scores: [{ column: 'qids', instrument: 'qids-sr16' }],
      },
    };
    const v1 = 'patient,date,qids\nL1,03/02/2025,18\nL1,17/02/2025,9\n';
    const v2 = 'patient,date,qids\nL1,03/02/2025,18\nL1,17/02/2025,11\n';
    expect((await importAs('clinician', { ...base, content: v1, dryRun: false })).statusCode).toBe(
      200,
    );
    const conflict = await importAs('clinician', { ...base, content: v2, dryRun: false });
    expect(conflict.statusCode).toBe(422);
    expect(conflict.json().errors[0]).toMatchObject({
      field: 'row 3, column qids',
      message: expect.stringContaining('11 differs from 9'),
    });
    const fixed = await importAs('clinician', {
      ...base,
      content: v2,
      dryRun: false,
      onConflict: 'update',
    });
    expect(fixed.json().scores).toEqual({ created: 0, unchanged: 1, updated: 1 });
    const stored = await api.deps.database.db
      .selectFrom('imported_scores')
      .select(['total', 'administered_at'])
      .where('instrument', '=', 'qids-sr16')
      .orderBy('administered_at')
      .execute();
    expect(stored).toEqual([
      { total: 18, administered_at: '2025-02-03' },
      { total: 11, administered_at: '2025-02-17' },
    ]);
    const audit = await api.deps.database.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'import.score.correct')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toMatchObject({ before: { total: 9 }, after: { total: 11 } });
  });

  it('links subjects to patients by MRN only for roles that may write patient records', async () => {
    const patient = await api.as('clinician', {
      method: 'POST',
      url: '/api/v1/patients',
      payload: {
        mrn: 'IMP-7',
        familyName: 'Import',
        givenName: 'Ida',
        dateOfBirth: '1980-01-01',
        sex: 'female',
      },
    });
    expect(patient.statusCode, patient.body).toBe(201);
    const payload = {
      fileName: 'old-system.csv',
      content: 'mrn,date,phq9\nIMP-7,2025-03-01,14\nIMP-8,2025-03-01,9\n',
      mapping: {
        study: 'old-system',
        subject: { column: 'mrn', linkPatientsBy: 'mrn' },
        date: { column: 'date' },
        scores: [{ column: 'phq9', instrument: 'phq-9' }],
      },
      dryRun: false,
    };
    expect((await importAs('researcher', payload)).statusCode).toBe(403);
    const unknown = await importAs('clinician', payload);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors).toEqual([
      expect.objectContaining({
        field: 'row 3, column mrn',
        message: 'no patient has the MRN "IMP-8"',
      }),
    ]);
    const ok = await importAs('clinician', {
      ...payload,
      content: 'mrn,date,phq9\nIMP-7,2025-03-01,14\n',
    });
    expect(ok.json().subjects).toMatchObject({ created: 1, linkedToPatients: 1 });
    const audited = await api.deps.database.db
      .selectFrom('audit_events')
      .select('patient_id')
      .where('action', '=', 'import.patient-scores')
      .execute();
    expect(audited).toEqual([{ patient_id: patient.json().id }]);
    // A researcher leaving the link out of the mapping reaches the same subjects by their
    // MRN: a dry run would echo the stored total ("differs from 14") and an update would
    // overwrite it. Refused as a name that is taken (ADR 0026), and the stored total stands.
    for (const attempt of [
      { dryRun: true, onConflict: 'error' as const },
      { dryRun: false, onConflict: 'update' as const },
    ]) {
      const sneaky = await importAs('researcher', {
        ...payload,
        ...attempt,
        content: 'mrn,date,phq9\nIMP-7,2025-03-01,0\n',
        mapping: { ...payload.mapping, subject: { column: 'mrn' } },
      });
      expect(sneaky.statusCode, sneaky.body).toBe(409);
      expect(sneaky.json().code).toBe('study.name_taken');
      // Nothing of the stored total (the request id is random hex, so it is left out).
      const { requestId: _id, ...problem } = sneaky.json<Record<string, unknown>>();
      expect(JSON.stringify(problem)).not.toContain('14');
    }
    // The linked patient's progress shows the dated total, marked as imported.
    const progress = await api.as('clinician', {
      method: 'GET',
      url: `/api/v1/patients/${patient.json().id}/progress`,
    });
    expect(progress.json().instruments).toEqual([
      expect.objectContaining({
        instrument: 'phq-9',
        latest: { at: '2025-03-01', total: 14, imported: true },
      }),
    ]);
  });

  // Issue 10 (found by a hostile test): a file name with a newline, NUL, escape or
  // bidirectional override was stored with the batch and the audit event and shown back.
  it('refuses a file name carrying control or bidirectional formatting characters, and keeps nothing', async () => {
    const db = api.deps.database.db;
    const count = async (table: 'import_batches' | 'audit_events') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const uploads = join(api.deps.config.dataDir, 'uploads');
    // A mapping and file that import cleanly under a plain name.
    const badlyNamed = {
      study: 'named-badly',
      subject: { column: 'id' },
      date: { column: 'date' },
      scores: [{ column: 'madrs', instrument: 'madrs' }],
    };
    const before = { batches: await count('import_batches'), audit: await count('audit_events') };
    for (const [fileName, codePoint] of [
      ['scores\n2025-01-01 admin deleted everything.csv', 'U+000A'],
      ['nul\u0000.csv', 'U+0000'],
      ['\u001b[2Jclear.csv', 'U+001B'],
      ['report\u202evsc.csv', 'U+202E'],
      ['c1\u0085.csv', 'U+0085'],
    ] as const) {
      for (const dryRun of [true, false]) {
        const res = await importAs('researcher', {
          fileName,
          content: 'id,date,madrs\nS1,2025-01-01,30\n',
          mapping: badlyNamed,
          dryRun,
        });
        expect(res.statusCode, res.body).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json()).toMatchObject({ code: 'validation.failed' });
        expect(res.json().errors).toEqual([
          {
            field: 'fileName',
            rule: 'no-control-characters',
            message: expect.stringContaining(`found ${codePoint}`),
          },
        ]);
        // The answer names the character by its code point and does not echo the name.
        expect(res.body).not.toContain(JSON.stringify(fileName).slice(1, -1));
      }
    }
    expect(await count('import_batches')).toBe(before.batches);
    // Not even a refused-import audit event: the request never reached the import.
    expect(await count('audit_events')).toBe(before.audit);
    expect(existsSync(uploads) ? readdirSync(uploads) : []).toEqual([]);
    const studies = await api.as('researcher', { method: 'GET', url: '/api/v1/studies' });
    expect(studies.json().map((s: { name: string }) => s.name)).not.toContain('named-badly');

    // The command line's path (a file on disk whose name has a newline) is refused alike.
    const dir = tempDir();
    const path = join(dir, 'two\nlines.csv');
    writeFileSync(path, 'id,date,madrs\nS1,2025-01-01,30\n');
    await expect(
      importTable(api.deps, cliContext(), {
        path,
        fileName: basename(path),
        mapping: badlyNamed,
        dryRun: false,
        onConflict: 'error',
      }),
    ).rejects.toMatchObject({
      code: 'validation.failed',
      fields: [expect.objectContaining({ field: 'fileName', rule: 'no-control-characters' })],
    });
    expect(await count('import_batches')).toBe(before.batches);
    const plain = await importAs('researcher', {
      fileName: 'named-plainly.csv',
      content: 'id,date,madrs\nS1,2025-01-01,30\n',
      mapping: badlyNamed,
      dryRun: true,
    });
    expect(plain.statusCode, plain.body).toBe(200);
    expect(plain.json()).toMatchObject({ valid: true, fileName: 'named-plainly.csv' });
  });
});
