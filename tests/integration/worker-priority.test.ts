import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerJobs } from '../../src/services/jobs/jobs.js';
import type { Deps } from '../../src/services/deps.js';
import { openTestDatabase, TestClock, testDeps, type TestDatabase } from '../helpers/test-deps.js';
import { UNRESTRICTED } from '../../src/domain/auth/site-scope.js';

/** The nice value of each of this process's threads (Linux: field 19 of /proc/self/task/N/stat). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[16]);
  });
}

// Issue 10: a report's worker gives way to the event loop serving the chairside.
describe('report workers', () => {
  let tdb: TestDatabase;
  let deps: Deps;
  beforeAll(async () => {
    tdb = await openTestDatabase('sqlite');
    deps = testDeps(tdb.database, new TestClock());
  });
  afterAll(async () => tdb.drop());

  it('run at a lower CPU priority than the main thread', async () => {
    expect(process.platform).toBe('linux');
    const mainNice = threadNiceValues()[0];
    const jobs = deps.jobs as WorkerJobs;
    const pause = jobs.pauseNextTask();
    const report = jobs.run('cohortReport', {
      filter: { instrument: 'qids-sr16', completersOnly: false },
      scope: UNRESTRICTED,
    });
    await pause.reached;
    // The worker holding the task is one of this process's threads, niced.
    const lowered = threadNiceValues().filter((n) => n > (mainNice ?? 0));
    pause.release();
    await report;
    expect(lowered.length).toBeGreaterThanOrEqual(1);
    expect(Math.min(...lowered)).toBe(Math.min(19, (mainNice ?? 0) + 10));
  });
});
