import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTable } from '../../src/services/imports/import-table.js';
import { WorkerJobs } from '../../src/services/jobs/jobs.js';
import { uploadRequest } from '../helpers/table-upload.js';
import { APP_HEADERS } from '../helpers/app-headers.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects, tempDir } from '../helpers/test-deps.js';
import { until } from '../helpers/waiting.js';

const mappingOf = (study: string) => ({
  study,
  subject: { column: 'id' },
  date: { column: 'date' },
  scores: [{ column: 'madrs', instrument: 'madrs' }],
});
const rows = (n: number) =>
  'id,date,madrs\n' +
  Array.from({ length: n }, (_, i) => `S${i + 1},2025-01-01,${i % 60}`).join('\n') +
  '\n';

// Issue 10 (found by a hostile test): an import whose uploader's connection closed before
// the answer went on to commit, so a researcher who saw it fail (the tab closed, the
// network dropped) did not know it had been imported. Now it stops unwritten, and says so
// in the audit log; once committed, its own audit event records it (ADR 0021).
describe.each(dialects())('an import whose client is gone, on %s', (dialect) => {
  let api: TestApi;
  let port = 0;
  const db = () => api.deps.database.db;
  const count = async (table: 'imported_scores') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** The study's import events (an abandoned one names the study, a committed one its batch). */
  const auditOf = async (study: string) =>
    (
      await db()
        .selectFrom('audit_events')
        .select(['action', 'entity_id', 'details'])
        .where('action', 'in', ['import.abandoned', 'import.table'])
        .orderBy('seq')
        .execute()
    )
      .map((e) => ({ ...e, details: JSON.parse(e.details ?? '{}') as Record<string, unknown> }))
      .filter((e) => e.entity_id === study || e.details.study === study);
  /** Nothing of the study is stored, and no score beyond `scores`. */
  const nothingKept = async (study: string, scores: number) => {
    expect(await count('imported_scores')).toBe(scores);
    const left = await Promise.all([
      db().selectFrom('studies').select('name').where('name', '=', study).execute(),
      db().selectFrom('import_batches').select('id').where('study', '=', study).execute(),
      db().selectFrom('study_subjects').select('id').where('study', '=', study).execute(),
    ]);
    expect(left).toEqual([[], [], []]);
  };

  beforeAll(async () => {
    api = await startTestApi(dialect);
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    const address = api.app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => api.close());

  it('audits an upload whose client went away while the file was still being sent', async () => {
    const scores = await count('imported_scores');
    const query = new URLSearchParams({
      fileName: 'half-sent.csv',
      mapping: JSON.stringify(mappingOf('half-sent')),
      dryRun: 'false',
    });
    const body = rows(2000);
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/api/v1/imports/table?${query.toString()}`,
      headers: {
        ...APP_HEADERS,
        'content-type': 'text/csv',
        // More is promised than is sent: the server is still reading when the client goes.
        'content-length': Buffer.byteLength(body) * 2,
        cookie: api.cookies.researcher,
      },
    });
    req.on('error', () => {});
    req.write(body);
    await sleep(100);
    req.destroy();
    let audited: Awaited<ReturnType<typeof auditOf>> = [];
    for (let i = 0; i < 3000 && audited.length === 0; i++) {
      audited = await auditOf('half-sent');
      if (audited.length === 0) await sleep(10);
    }
    expect(audited.map((a) => a.action)).toEqual(['import.abandoned']);
    expect(audited[0]!.details).toMatchObject({
      fileName: 'half-sent.csv',
      whileUploading: true,
      removedRows: false,
    });
    await nothingKept('half-sent', scores);
  });

  it('stops before writing when the uploader disconnects while the file is checked', async () => {
    expect(api.deps.jobs).toBeInstanceOf(WorkerJobs);
    const pause = (api.deps.jobs as WorkerJobs).pauseNextTask();
    const released = { done: false };
    try {
      // The whole file is sent, then the connection is dropped while the server checks it.
      const body = rows(50);
      const query = new URLSearchParams({
        fileName: 'gone.csv',
        mapping: JSON.stringify(mappingOf('gone')),
        dryRun: 'false',
      });
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/v1/imports/table?${query.toString()}`,
        headers: {
          ...APP_HEADERS,
          'content-type': 'text/csv',
          'content-length': Buffer.byteLength(body),
          cookie: api.cookies.researcher,
        },
      });
      let answered = false;
      req.on('response', () => (answered = true));
      req.on('error', () => {});
      req.end(body);
      await pause.reached;
      req.destroy();
      // The server has seen the connection close.
      let open = 1;
      await until(() => {
        api.app.server.getConnections((_e, n) => (open = n));
        return open === 0;
      }, 'the server to see the connection close');
      await sleep(10);
      pause.release();
      released.done = true;

      let audited: Awaited<ReturnType<typeof auditOf>> = [];
      for (let i = 0; i < 3000 && audited.length === 0; i++) {
        audited = await auditOf('gone');
        if (audited.length === 0) await sleep(10);
      }
      expect(audited.map((a) => a.action)).toEqual(['import.abandoned']);
      expect(audited[0]!.details).toMatchObject({
        fileName: 'gone.csv',
        dryRun: false,
        removedRows: false,
      });
      expect(answered).toBe(false);
      await nothingKept('gone', 0);
    } finally {
      if (!released.done) pause.release();
    }

    // Nothing is left to block the same file being imported again.
    const again = await api.as(
      'researcher',
      uploadRequest({
        fileName: 'gone.csv',
        content: rows(50),
        mapping: mappingOf('gone'),
        dryRun: false,
      }),
    );
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().scores).toMatchObject({ created: 50 });
    expect((await auditOf('gone')).map((a) => a.action)).toEqual([
      'import.abandoned',
      'import.table',
    ]);
  });

  it('removes what it had written when its requester goes away mid-import', async () => {
    const scores = await count('imported_scores');
    const path = join(tempDir(), 'large.csv');
    // Three slices of 5,000 scores, each written in its own transaction.
    writeFileSync(path, rows(12_000));
    const gone = new AbortController();
    let writtenBeforeAbort = 0;
    const ctx = {
      actor: {
        userId: api.userIds.researcher,
        email: 'researcher@test.invalid',
        role: 'researcher',
      },
      requestId: null,
      ip: '127.0.0.1',
    } as const;
    await expect(
      importTable(api.deps, ctx, {
        path,
        fileName: 'large.csv',
        mapping: mappingOf('mid-write'),
        dryRun: false,
        onConflict: 'error',
        signal: gone.signal,
        onProgress: (done) => {
          if (done > 0 && !gone.signal.aborted) {
            writtenBeforeAbort = done;
            gone.abort();
          }
        },
      }),
    ).rejects.toMatchObject({ code: 'import.abandoned' });
    expect(writtenBeforeAbort).toBeGreaterThan(0);
    const audited = await auditOf('mid-write');
    expect(audited.map((a) => a.action)).toEqual(['import.abandoned']);
    expect(audited[0]!.details).toMatchObject({ removedRows: true });
    await nothingKept('mid-write', scores);
  });
});
