import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerJobs } from '../../src/services/jobs/jobs.js';
import { uploadRequest } from '../helpers/table-upload.js';
import { APP_HEADERS } from '../helpers/app-headers.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';
import { until, within } from '../helpers/waiting.js';

const table = 'id,date,madrs\nS1,2025-01-01,30\nS2,2025-01-01,25\n';
const mapping = {
  study: 'fair-share',
  subject: { column: 'id' },
  date: { column: 'date' },
  scores: [{ column: 'madrs', instrument: 'madrs' }],
};

// Issue 10 (found by a hostile test): imports and reports shared one worker pool, and the
// API took any number of uploads at once, so a few researchers' large uploads or dry runs
// could hold every worker (a cohort report or an audit check waited behind them) and each
// held its file on disk and its memory (ADR 0021).
describe.each(dialects())('uploads, reports and the worker pool on %s', (dialect) => {
  describe('two workers', () => {
    let api: TestApi;
    const dryRun = () =>
      api.as(
        'researcher',
        uploadRequest({ fileName: 'fair.csv', content: table, mapping, dryRun: true }),
      );
    beforeAll(async () => {
      api = await startTestApi(dialect, {
        KETATRACK_WORKERS: '2',
        KETATRACK_IMPORT_MAX_CONCURRENT: '2',
      });
    });
    afterAll(async () => api.close());

    it('keeps a worker for reports and the audit check while uploads are being checked', async () => {
      expect(api.deps.jobs).toBeInstanceOf(WorkerJobs);
      const jobs = api.deps.jobs as WorkerJobs;
      const first = jobs.pauseNextTask();
      const second = { held: false, release: () => {} };
      try {
        const upload1 = dryRun();
        await first.reached;
        const pause = jobs.pauseNextTask();
        second.release = () => pause.release();
        void pause.reached.then(() => (second.held = true));
        const upload2 = dryRun();
        await until(
          () => second.held || jobs.queued === 1,
          'the second upload to be checked or queued',
        );
        expect(second.held, 'the second upload took the last worker').toBe(false);

        // A psychiatrist's cohort report and an administrator's audit check are answered.
        const report = await api.as('clinician', { url: '/api/v1/reports/cohort' });
        expect(report.statusCode, report.body).toBe(200);
        const verify = await api.as('admin', { method: 'POST', url: '/api/v1/audit/verify' });
        expect(verify.statusCode, verify.body).toBe(200);
        expect(verify.json()).toMatchObject({ ok: true });

        // The uploads waited their turn and are answered in full.
        first.release();
        expect((await upload1).statusCode).toBe(200);
        await until(() => second.held, 'the second upload to be checked');
        second.release();
        const answer = await upload2;
        expect(answer.statusCode, answer.body).toBe(200);
        expect(answer.json()).toMatchObject({ valid: true, rowsRead: 2 });
      } finally {
        first.release();
        second.release();
      }
    });
  });

  describe('one upload at a time', () => {
    let api: TestApi;
    let port = 0;
    const uploads = () => join(api.deps.config.dataDir, 'uploads');
    const onDisk = () => (existsSync(uploads()) ? readdirSync(uploads()) : []);
    const upload = (a: Partial<Parameters<typeof uploadRequest>[0]> = {}) =>
      api.as(
        'researcher',
        uploadRequest({ fileName: 'fair.csv', content: table, mapping, dryRun: true, ...a }),
      );
    beforeAll(async () => {
      api = await startTestApi(dialect, {
        KETATRACK_IMPORT_MAX_CONCURRENT: '1',
        KETATRACK_IMPORT_MAX_BYTES: '4096',
      });
      await api.app.listen({ host: '127.0.0.1', port: 0 });
      const address = api.app.server.address();
      port = typeof address === 'object' && address ? address.port : 0;
    });
    afterAll(async () => api.close());

    /** An upload whose body keeps coming: what a large file looks like to the server. */
    const endlessUpload = () =>
      new Promise<{ status: number; connection?: string; retryAfter?: string; type?: string }>(
        (resolve, reject) => {
          const query = new URLSearchParams({
            fileName: 'big.csv',
            mapping: JSON.stringify(mapping),
            dryRun: 'true',
          });
          const req = request(
            {
              host: '127.0.0.1',
              port,
              method: 'POST',
              path: `/api/v1/imports/table?${query.toString()}`,
              headers: {
                ...APP_HEADERS,
                'content-type': 'text/csv',
                'transfer-encoding': 'chunked',
                cookie: api.cookies.researcher,
              },
            },
            (res) => {
              res.resume();
              resolve({
                status: res.statusCode ?? 0,
                connection: res.headers.connection,
                retryAfter: res.headers['retry-after'],
                type: res.headers['content-type'],
              });
              req.destroy();
            },
          );
          req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
          req.write('id,date,madrs\n' + 'S1,2025-01-01,30\n'.repeat(100));
        },
      );

    it('refuses one more upload with 503 and Retry-After before reading its body, and keeps nothing of it', async () => {
      expect(api.deps.jobs).toBeInstanceOf(WorkerJobs);
      const jobs = api.deps.jobs as WorkerJobs;
      const first = jobs.pauseNextTask();
      try {
        const held = upload();
        await first.reached;
        expect(onDisk()).toHaveLength(1);

        const refused = await within(
          upload({ dryRun: false }),
          30_000,
          'the upload beyond the limit is not answered',
        );
        expect(refused.statusCode, refused.body).toBe(503);
        expect(refused.headers['content-type']).toContain('application/problem+json');
        expect(refused.headers['retry-after']).toBe('30');
        expect(refused.json()).toMatchObject({
          code: 'import.server_busy',
          detail: expect.stringContaining('KETATRACK_IMPORT_MAX_CONCURRENT'),
          errors: [expect.objectContaining({ field: 'body', rule: 'max-concurrent-uploads' })],
        });
        // Over a real connection: answered while the body is still coming, then closed.
        expect(await within(endlessUpload(), 30_000, 'the endless upload is not answered')).toEqual(
          {
            status: 503,
            connection: 'close',
            retryAfter: '30',
            type: expect.stringContaining('application/problem+json'),
          },
        );
        expect(onDisk()).toHaveLength(1);

        first.release();
        expect((await held).statusCode).toBe(200);
        // Nothing of the refused real import was written.
        const batches = await api.deps.database.db
          .selectFrom('import_batches')
          .select('id')
          .execute();
        expect(batches).toEqual([]);
      } finally {
        first.release();
      }
      expect(onDisk()).toEqual([]);
    });

    it('gives the slot back however an upload ends', async () => {
      // Too large (refused while saving), a file with a bad cell (refused after checking),
      // a mapping that is not JSON (refused before the slot is taken): each is followed by
      // an upload that is taken.
      const tooLarge = await upload({ content: table + 'S3,2025-01-01,20\n'.repeat(300) });
      expect(tooLarge.statusCode, tooLarge.body).toBe(413);
      expect((await upload()).statusCode).toBe(200);
      const badCell = await upload({ content: 'id,date,madrs\nS1,2025-01-01,99\n', dryRun: false });
      expect(badCell.statusCode, badCell.body).toBe(422);
      expect((await upload()).statusCode).toBe(200);
      const real = await upload({ dryRun: false });
      expect(real.statusCode, real.body).toBe(200);
      expect((await upload()).statusCode).toBe(200);
      expect(onDisk()).toEqual([]);
    });
  });
});
