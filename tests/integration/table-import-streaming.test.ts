import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMapping } from '../../src/domain/imports/import-mapping.js';
import { WorkerJobs } from '../../src/services/jobs/jobs.js';
import {
  ABANDONED_AFTER_MS,
  beginBatch,
  commitBatch,
} from '../../src/services/imports/pending-batch.js';
import { cliContext } from '../../src/services/deps.js';
import { studyViewer } from '../../src/services/imports/study-access.js';
import { uploadRequest } from '../helpers/table-upload.js';
import { checkedInSession } from '../helpers/chairside.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';

// Issue 10, ADR 0018: an import is read and checked in a worker in bounded memory,
// written in short transactions that no reader sees, and made visible at once.

const LIMIT_BYTES = 4 * 1024 * 1024;
const VISITS = ['b0', 'w1', 'w2', 'w3', 'w4'];

/** A long-format trial table: subject, visit, MADRS; `rows` data rows, five visits per subject. */
function trialTable(rows: number, subjectPrefix = 'S'): string {
  const lines = ['subject\tvisit\tmadrs'];
  for (let i = 0; lines.length <= rows; i++)
    for (const v of VISITS)
      if (lines.length <= rows)
        lines.push(`${subjectPrefix}${i}\t${v}\t${(i * 7 + v.length) % 61}`);
  return `${lines.join('\n')}\n`;
}

const trialMapping = (study: string) => ({
  study,
  subject: { column: 'subject' },
  timePoint: {
    column: 'visit',
    values: Object.fromEntries(
      VISITS.map((v, i) => [v, { label: v, day: i * 7, ...(i === 0 ? { baseline: true } : {}) }]),
    ),
  },
  scores: [{ column: 'madrs', instrument: 'madrs' }],
});

describe.each(dialects())('streaming table import on %s', (dialect) => {
  let api: TestApi;
  let sessionId: string;
  const post = (url: string, payload: unknown, role: 'clinician' | 'nurse' = 'clinician') =>
    api.as(role, { method: 'POST', url, payload: payload as object });
  const importAs = (role: 'researcher' | 'clinician', a: Parameters<typeof uploadRequest>[0]) =>
    api.as(role, uploadRequest(a));
  const count = async (table: 'imported_scores' | 'study_subjects' | 'import_batches') =>
    Number(
      (
        await api.deps.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const studyNames = async () =>
    (await api.as('researcher', { url: '/api/v1/studies' }))
      .json()
      .map((s: { name: string }) => s.name);

  /** A trigger counting inserts into imported_scores (test instrumentation, per dialect). */
  const countInsertsOfScores = async (d: typeof dialect) => {
    const db = api.deps.database.db;
    await sql`create table test_score_inserts (n integer not null)`.execute(db);
    await sql`insert into test_score_inserts (n) values (0)`.execute(db);
    if (d === 'sqlite')
      await sql`create trigger test_count_scores after insert on imported_scores
        begin update test_score_inserts set n = n + 1; end`.execute(db);
    else {
      await sql`create function test_count_scores() returns trigger language plpgsql as $$
        begin update test_score_inserts set n = n + 1; return null; end $$`.execute(db);
      await sql`create trigger test_count_scores after insert on imported_scores
        for each row execute function test_count_scores()`.execute(db);
    }
  };
  const stopCountingInserts = async (d: typeof dialect) => {
    const db = api.deps.database.db;
    if (d === 'sqlite') await sql`drop trigger test_count_scores`.execute(db);
    else {
      await sql`drop trigger test_count_scores on imported_scores`.execute(db);
      await sql`drop function test_count_scores()`.execute(db);
    }
    await sql`drop table test_score_inserts`.execute(db);
  };

  beforeAll(async () => {
    api = await startTestApi(dialect, { KETATRACK_IMPORT_MAX_BYTES: String(LIMIT_BYTES) });
    sessionId = await checkedInSession(api, {
      mrn: 'STR-1',
      familyName: 'Stream',
      givenName: 'Sam',
    });
  });
  afterAll(async () => api.close());

  it('checks a 200,000-row file in a worker while health checks and vitals are answered', async () => {
    // One subject is already stored, so the check reads the file a second time
    // (it is longer than the worker keeps) to compare with what is stored.
    const earlier = await importAs('researcher', {
      fileName: 'one.tsv',
      content: 'subject\tvisit\tmadrs\nS0\tb0\t2\n',
      mapping: trialMapping('big-trial'),
      dryRun: false,
    });
    expect(earlier.statusCode, earlier.body).toBe(200);
    const jobs = api.deps.jobs;
    expect(jobs).toBeInstanceOf(WorkerJobs);
    const pause = (jobs as WorkerJobs).pauseNextTask();
    let importDone = false;
    const dryRun = importAs('researcher', {
      fileName: 'big.tsv',
      content: trialTable(200_000),
      mapping: trialMapping('big-trial'),
      dryRun: true,
    }).then((res) => {
      importDone = true;
      return res;
    });
    // The upload is on disk and the worker has taken the file; it holds its thread.
    await pause.reached;
    expect((await api.as(null, { url: '/healthz' })).statusCode).toBe(200);
    const vitals = await post(
      `/api/v1/sessions/${sessionId}/vitals`,
      { systolicMmHg: 128, diastolicMmHg: 80, heartRateBpm: 72, spo2Percent: 98 },
      'nurse',
    );
    expect(vitals.statusCode, vitals.body).toBe(200);
    expect(importDone).toBe(false);

    pause.release();
    const res = await dryRun;
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      dryRun: true,
      valid: true,
      rowsRead: 200_000,
      subjects: { created: 39_999, existing: 1 },
      scores: { created: 199_999, unchanged: 1, updated: 0 },
      batchId: null,
      problemCount: 0,
    });
    expect(res.json().preview).toHaveLength(20);
    expect(await count('imported_scores')).toBe(1);
  });

  it('refuses an upload over KETATRACK_IMPORT_MAX_BYTES with a 413 naming the limit, declared or streamed', async () => {
    const content = trialTable(600_000);
    expect(Buffer.byteLength(content)).toBeGreaterThan(LIMIT_BYTES);
    const declared = await importAs('researcher', {
      fileName: 'huge.tsv',
      content,
      mapping: trialMapping('huge'),
      dryRun: true,
    });
    // Without a Content-Length the server counts while it streams the body to disk.
    const streamed = await api.as('researcher', {
      ...uploadRequest({ fileName: 'huge.tsv', mapping: trialMapping('huge'), dryRun: true }),
      payload: Readable.from([content.slice(0, 2_000_000), content.slice(2_000_000)]),
    });
    for (const res of [declared, streamed]) {
      expect(res.statusCode, res.body).toBe(413);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status: 413, code: 'import.too_large' });
      expect(res.json().errors[0]).toMatchObject({ field: 'body', rule: 'max-bytes' });
      expect(res.json().errors[0].message).toContain(`${LIMIT_BYTES} bytes`);
      expect(res.json().errors[0].message).toContain('KETATRACK_IMPORT_MAX_BYTES');
    }
    const json = await api.as('researcher', {
      method: 'POST',
      url: uploadRequest({ fileName: 'x.csv', mapping: trialMapping('x'), dryRun: true }).url,
      payload: { content: 'a,b' },
    });
    expect(json.statusCode).toBe(415);
    // A compressed table would otherwise be read as text.
    const gzipped = await api.as('researcher', {
      method: 'POST',
      url: uploadRequest({ fileName: 'x.csv', mapping: trialMapping('x'), dryRun: true }).url,
      headers: { 'content-type': 'text/csv', 'content-encoding': 'gzip' },
      payload: gzipSync('subject,visit,madrs\nS1,b0,10\n'),
    });
    expect(gzipped.statusCode, gzipped.body).toBe(415);
    expect(gzipped.headers['content-type']).toContain('application/problem+json');
    expect(gzipped.json().detail).toContain('uncompressed');
    // What an HTML form on another site can send with the user's cookie (enctype
    // text/plain): refused, so a page elsewhere cannot post an import (CSRF).
    for (const type of ['text/plain', 'application/octet-stream']) {
      const forged = await api.as('researcher', {
        method: 'POST',
        url: uploadRequest({ fileName: 'x.csv', mapping: trialMapping('forged'), dryRun: false })
          .url,
        headers: { 'content-type': type },
        payload: 'subject,visit,madrs=\r\nS1,b0,10\r\n',
      });
      expect(forged.statusCode, forged.body).toBe(415);
      expect(forged.headers['content-type']).toContain('application/problem+json');
    }
    const forgedBatches = await api.deps.database.db
      .selectFrom('import_batches')
      .select('id')
      .where('study', '=', 'forged')
      .execute();
    expect(forgedBatches).toHaveLength(0);
  });

  it('imports in chunks and again creates nothing (idempotent)', async () => {
    const upload = {
      fileName: 'trial.tsv',
      content: trialTable(12_345, 'T'),
      mapping: trialMapping('chunked'),
      dryRun: false,
    };
    const first = await importAs('researcher', upload);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().scores).toEqual({ created: 12_345, unchanged: 0, updated: 0 });
    expect(first.json().batchId).toEqual(expect.any(String));
    const again = await importAs('researcher', upload);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().scores).toEqual({ created: 0, unchanged: 12_345, updated: 0 });
    expect(again.json().batchId).toBeNull();
    const batches = await api.deps.database.db
      .selectFrom('import_batches')
      .select(['state', 'rows_read'])
      .where('study', '=', 'chunked')
      .execute();
    expect(batches).toEqual([{ state: 'committed', rows_read: 12_345 }]);
    const report = await api.as('researcher', {
      url: '/api/v1/reports/study?study=chunked&instrument=madrs',
    });
    expect(report.json().subjects).toBe(2469);
    // Sized for the wire: the first 200 rows of 12,345, subjects by per-report pseudonyms
    // rather than their stored (time-ordered) ids.
    expect(report.json().rowsTotal).toBe(12_345);
    expect(report.json().rows).toHaveLength(200);
    const storedIds = new Set(
      (
        await api.deps.database.db
          .selectFrom('study_subjects')
          .select('id')
          .where('study', '=', 'chunked')
          .execute()
      ).map((r) => r.id),
    );
    for (const row of report.json().rows as { subject: string }[]) {
      expect(row.subject).toMatch(/^S\d+$/);
      expect(storedIds.has(row.subject)).toBe(false);
    }
  });

  it('leaves nothing behind when a problem is found after rows were written', async () => {
    const study = 'midway';
    // An earlier import gives subject Z a baseline of 10 …
    const earlier = await importAs('researcher', {
      fileName: 'first.tsv',
      content: 'subject\tvisit\tmadrs\nZ\tb0\t10\n',
      mapping: trialMapping(study),
      dryRun: false,
    });
    expect(earlier.statusCode, earlier.body).toBe(200);
    const before = {
      scores: await count('imported_scores'),
      subjects: await count('study_subjects'),
      batches: await count('import_batches'),
    };
    // Count every score row inserted, to see that rows really were written and then removed.
    await countInsertsOfScores(dialect);
    // … and this file's last row says 11: found after 5,000 new scores went out in chunks.
    const res = await importAs('researcher', {
      fileName: 'second.tsv',
      content: `${trialTable(5000, 'M')}Z\tb0\t11\n`,
      mapping: trialMapping(study),
      dryRun: false,
    });
    const inserted = await sql<{ n: number }>`select n from test_score_inserts`.execute(
      api.deps.database.db,
    );
    await stopCountingInserts(dialect);
    expect(Number(inserted.rows[0]?.n)).toBe(5000);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().errors).toEqual([
      expect.objectContaining({
        field: 'row 5002, column madrs',
        message: expect.stringContaining('11 differs from 10'),
      }),
    ]);
    expect({
      scores: await count('imported_scores'),
      subjects: await count('study_subjects'),
      batches: await count('import_batches'),
    }).toEqual(before);
    const stored = await api.deps.database.db
      .selectFrom('imported_scores')
      .innerJoin('study_subjects', 'study_subjects.id', 'imported_scores.subject_id')
      .select(['study_subjects.external_id', 'imported_scores.total'])
      .where('study_subjects.study', '=', study)
      .execute();
    expect(stored).toEqual([{ external_id: 'Z', total: 10 }]);
  });

  it('shows no row of an import until its final commit, and clears one whose writer stopped', async () => {
    const read = readMapping(trialMapping('pending'));
    if (!read.ok) throw new Error('mapping');
    // Begun by the researcher who then imports again (a study is its first importer's).
    const ctx = cliContext({
      userId: api.userIds.researcher,
      email: 'researcher@test.invalid',
      role: 'researcher',
    });
    const viewer = studyViewer(ctx, 'import');
    const batch = await beginBatch(api.deps, ctx, {
      viewer,
      mapping: read.mapping,
      fileName: 'pending.tsv',
      sha256: '0'.repeat(64),
      rowsRead: 1,
    });
    const subjectId = '00000000-0000-7000-8000-0000000000a1';
    await batch.writeSubjects([
      { id: subjectId, externalId: 'P1', patientId: null, attributes: '{}' },
    ]);
    await batch.writeScores([
      [
        '00000000-0000-7000-8000-0000000000b1',
        subjectId,
        'madrs',
        30,
        null,
        'b0',
        0,
        null,
        'b0||',
        2,
      ],
    ]);
    // Written, but no reader sees it.
    expect(await studyNames()).not.toContain('pending');
    const hidden = await api.as('researcher', {
      url: '/api/v1/reports/study?study=pending&instrument=madrs',
    });
    // Not even its name or time points: the study does not exist for readers yet.
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json()).toMatchObject({ code: 'record.not_found' });
    expect(hidden.json()).not.toHaveProperty('rules');
    expect(hidden.json().detail).not.toContain('b0');
    // A second import of the same study meanwhile is told to wait.
    const busy = await importAs('researcher', {
      fileName: 'other.tsv',
      content: 'subject\tvisit\tmadrs\nQ\tb0\t9\n',
      mapping: trialMapping('pending'),
      dryRun: false,
    });
    expect(busy.statusCode, busy.body).toBe(409);
    expect(busy.json().code).toBe('import.busy');

    await commitBatch(api.deps, ctx, batch, {
      summary: {
        sha256: '0'.repeat(64),
        rowsRead: 1,
        missingCells: 0,
        preview: [],
        valid: true,
        problems: [],
        problemCount: 0,
        consultedRecords: true,
        subjects: { created: 1, existing: 0, linkedToPatients: 0 },
        scores: { created: 1, unchanged: 0, updated: 0 },
        linkedPatientIds: [],
      },
      attributeUpdates: [],
      corrections: [],
    });
    expect(await studyNames()).toContain('pending');
    const shown = await api.as('researcher', {
      url: '/api/v1/reports/study?study=pending&instrument=madrs',
    });
    expect(shown.json().rows).toEqual([expect.objectContaining({ timePoint: 'b0', total: 30 })]);

    // A writer that stopped (a killed process) leaves a pending batch; once it is
    // stale the next import of the study removes it and goes ahead.
    const stopped = await beginBatch(api.deps, ctx, {
      viewer,
      mapping: { ...read.mapping, study: 'stopped' },
      fileName: 'stopped.tsv',
      sha256: '0'.repeat(64),
      rowsRead: 1,
    });
    const orphanSubject = '00000000-0000-7000-8000-0000000000a2';
    await stopped.writeSubjects([
      { id: orphanSubject, externalId: 'O1', patientId: null, attributes: '{}' },
    ]);
    await stopped.writeScores([
      [
        '00000000-0000-7000-8000-0000000000b2',
        orphanSubject,
        'madrs',
        5,
        null,
        'b0',
        0,
        null,
        'b0||',
        2,
      ],
    ]);
    api.clock.advance(ABANDONED_AFTER_MS + 1000);
    const next = await importAs('researcher', {
      fileName: 'stopped.tsv',
      content: 'subject\tvisit\tmadrs\nO1\tb0\t7\n',
      mapping: trialMapping('stopped'),
      dryRun: false,
    });
    expect(next.statusCode, next.body).toBe(200);
    expect(next.json()).toMatchObject({ subjects: { created: 1 }, scores: { created: 1 } });
    const rows = await api.deps.database.db
      .selectFrom('imported_scores')
      .innerJoin('study_subjects', 'study_subjects.id', 'imported_scores.subject_id')
      .select(['imported_scores.total', 'study_subjects.id'])
      .where('study_subjects.study', '=', 'stopped')
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.total).toBe(7);
    expect(rows[0]?.id).not.toBe(orphanSubject);
  });
});
