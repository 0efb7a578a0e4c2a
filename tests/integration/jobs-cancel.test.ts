import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InlineJobs, WorkerJobs } from '../../src/services/jobs/jobs.js';
import { openTestDatabase, type TestDatabase } from '../helpers/test-deps.js';
import { UNRESTRICTED } from '../../src/domain/auth/site-scope.js';

const filter = { instrument: 'qids-sr16', completersOnly: false } as const;
const args = { filter, scope: UNRESTRICTED };

// Issue 10 (found by a hostile test): downloads cut off while they waited for a worker
// must not jam the pool. One worker, so every task after the first waits in the queue.
describe('cancelled streams and the worker pool', () => {
  let tdb: TestDatabase;
  let jobs: WorkerJobs;
  beforeAll(async () => {
    tdb = await openTestDatabase('sqlite');
    jobs = new WorkerJobs(tdb.database, 1);
  });
  afterAll(async () => {
    await jobs.close();
    await tdb.drop();
  });

  it('drops a stream cancelled while still queued, so later tasks still run', async () => {
    const pause = jobs.pauseNextTask();
    const first = jobs.run('cohortReport', args);
    await pause.reached;
    // Five downloads queue behind it; their readers give up before any worker takes them.
    const cut = Array.from({ length: 5 }, () =>
      jobs.stream('cohortDataset', args)[Symbol.asyncIterator](),
    );
    const waiting = cut.map((it) => it.next());
    for (const it of cut) await it.return?.();
    // A reader that gave up is told the stream is over.
    for (const w of waiting) expect(await w).toEqual({ value: undefined, done: true });
    pause.release();
    await first;
    // The worker is free: a report and a whole download both complete.
    const report = await jobs.run('cohortReport', args);
    expect(report.treated).toBe(0);
    const read = async (from: InlineJobs | WorkerJobs) => {
      const chunks: string[] = [];
      for await (const c of from.stream('cohortDataset', args)) chunks.push(c);
      return chunks.join('');
    };
    expect(await read(jobs)).toBe(await read(new InlineJobs(tdb.database)));
  });

  it('frees the worker when the reader stops after the first chunk', async () => {
    for (let i = 0; i < 5; i++) {
      const it = jobs.stream('cohortDataset', args)[Symbol.asyncIterator]();
      expect((await it.next()).done).toBe(false);
      await it.return?.();
    }
    expect((await jobs.run('cohortReport', args)).treated).toBe(0);
  });
});
