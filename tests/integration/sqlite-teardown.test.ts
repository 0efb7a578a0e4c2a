import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sqliteDriverFor } from '../../src/db/sqlite-driver.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/test-deps.js';

const dist = (path: string) => pathToFileURL(join(ROOT, 'dist', path)).href;

// Run in a child process on the built code, as the server runs. better-sqlite3 12
// on Node 24 aborts the process when the garbage collector frees a finished
// statement (Kysely prepares one per query): its destructor asserts that a Node
// environment is current, and during that collection none is;
// a small young generation (--max-semi-space-size=1) makes those collections
// happen within a few dozen queries, on the main thread and in the workers.
const script = `
import { migrateToLatest, openDatabase } from ${JSON.stringify(dist('db/database.js'))};
import { SQLITE_DRIVER } from ${JSON.stringify(dist('db/sqlite-driver.js'))};
import { WorkerJobs } from ${JSON.stringify(dist('services/jobs/jobs.js'))};

const database = openDatabase({ sqlitePath: process.env.KT_DB });
await migrateToLatest(database);
for (let i = 0; i < 2000; i++)
  await database.db.selectFrom('users').select('id').where('email', '=', 'u' + i).execute();
const filter = { instrument: 'qids-sr16', completersOnly: false };
const scope = { kind: 'all' };
const reports = async (jobs, rounds) => {
  const treated = [];
  for (let i = 0; i < rounds; i++) {
    const pair = await Promise.all([1, 2].map(() => jobs.run('cohortReport', { filter, scope })));
    treated.push(...pair.map((r) => r.treated));
  }
  return treated;
};

// Workers closed by the pool: each closes its own connection, then its thread ends.
const closed = new WorkerJobs(database, 2);
const first = await reports(closed, 40);
await closed.close();

// Workers left open: their connections and statements go down with the process,
// as does this thread's connection.
const left = new WorkerJobs(database, 2);
const second = await reports(left, 40);

console.log(JSON.stringify({ driver: SQLITE_DRIVER, reports: first.length + second.length, treated: [...new Set([...first, ...second])] }));
`;

describe('SQLite connections on this Node.js', () => {
  it('runs many statements on the main thread and in report workers, then closes, without aborting the process', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'teardown.mjs'), script);
    const r = spawnSync(process.execPath, ['--max-semi-space-size=1', join(dir, 'teardown.mjs')], {
      cwd: ROOT,
      env: { ...process.env, KT_DB: join(dir, 'teardown.sqlite') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      driver: sqliteDriverFor(process.versions.node),
      reports: 160,
      treated: [0],
    });
  });
});
