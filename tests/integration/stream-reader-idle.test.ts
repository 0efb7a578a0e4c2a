import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateCohort } from '../../src/services/demo/bulk-cohort.js';
import { InlineJobs, WorkerJobs } from '../../src/services/jobs/jobs.js';
import { refreshAllStale } from '../../src/services/outcomes/outcome-refresher.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';
import { within } from '../helpers/waiting.js';
import { UNRESTRICTED } from '../../src/domain/auth/site-scope.js';

const filter = { instrument: 'qids-sr16', completersOnly: false } as const;
// Small chunks, so a small cohort makes a download of many (the server sends 5,000 rows each).
const args = { filter, scope: UNRESTRICTED, chunkRows: 1 };
const IDLE_MS = 300;

// Issue 10 (found by a hostile test): a client that downloads the cohort dataset and stops
// reading held its worker for good (the worker waits for the reader to take each chunk).
describe.each(dialects())('a dataset download whose reader stops, on %s', (dialect) => {
  let api: TestApi;
  let whole: string;
  beforeAll(async () => {
    // One worker, so a download that holds it holds every report; the server's own pool,
    // built from its configuration.
    api = await startTestApi(dialect, {
      KETATRACK_WORKERS: '1',
      KETATRACK_STREAM_IDLE_SECONDS: '1',
    });
    await generateCohort(api.deps.database.db, {
      patients: 20,
      seed: 3,
      userId: api.userIds.admin,
    });
    await refreshAllStale(api.deps);
    const chunks: string[] = [];
    for await (const c of new InlineJobs(api.deps.database).stream('cohortDataset', args))
      chunks.push(c);
    whole = chunks.join('');
    expect(chunks.length).toBeGreaterThan(10);
  });
  afterAll(async () => api.close());

  it('is stopped once a chunk waits too long for it, freeing the worker; a reader who comes back is told', async () => {
    expect(api.deps.jobs).toBeInstanceOf(WorkerJobs);
    const reader = api.deps.jobs.stream('cohortDataset', args)[Symbol.asyncIterator]();
    expect((await reader.next()).done).toBe(false);
    // The reader stops here. A report needs the only worker, and gets it.
    const report = await within(
      api.deps.jobs.run('cohortReport', { filter, scope: UNRESTRICTED }),
      30_000,
      'the report still waits behind the stalled download',
    );
    expect(report.analysed).toBeGreaterThan(10);
    // Not a silently short file: the next read fails, saying why.
    await expect(reader.next()).rejects.toThrow(/took no data for 1 s/);
  });

  describe('with a short limit', () => {
    let jobs: WorkerJobs;
    beforeEach(() => {
      jobs = new WorkerJobs(api.deps.database, 1, { readerIdleMs: IDLE_MS });
    });
    afterEach(async () => jobs.close());

    it('lets a reader that keeps taking chunks finish, however long the whole download takes', async () => {
      const chunks: string[] = [];
      const started = Date.now();
      for await (const c of jobs.stream('cohortDataset', args)) {
        chunks.push(c);
        await sleep(IDLE_MS / 5);
      }
      expect(chunks.join('')).toBe(whole);
      // Longer than the idle limit in all: the limit is per chunk, not per download.
      expect(Date.now() - started).toBeGreaterThan(IDLE_MS);
    });

    it('does not count the time the worker takes to make a chunk against the reader', async () => {
      const pause = jobs.pauseNextTask();
      const reader = jobs.stream('cohortDataset', args)[Symbol.asyncIterator]();
      const first = reader.next();
      await pause.reached;
      // The worker is busy (held) for twice the idle limit while the reader waits.
      await sleep(IDLE_MS * 2);
      pause.release();
      const chunks: string[] = [];
      for (let next = await first; !next.done; next = await reader.next()) chunks.push(next.value);
      expect(chunks.join('')).toBe(whole);
    });
  });
});
