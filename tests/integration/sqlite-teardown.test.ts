import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sqliteDriverFor } from '../../src/db/sqlite-driver.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/test-deps.js';

const dist = (path: string) => pathToFileURL(join(ROOT, 'dist', path)).href;

// Run in a child process on the built code, as the server runs: a driver that
// aborts when a connection is torn down (better-sqlite3 12 on Node 24) kills
// that process, and the test sees its exit status instead of losing its worker.
const script = `
import { migrateToLatest, openDatabase } from ${JSON.stringify(dist('db/database.js'))};
import { SQLITE_DRIVER } from ${JSON.stringify(dist('db/sqlite-driver.js'))};
import { WorkerJobs } from ${JSON.stringify(dist('services/jobs/jobs.js'))};

const database = openDatabase({ sqlitePath: process.env.KT_DB });
await migrateToLatest(database);
const filter = { instrument: 'qids-sr16', completersOnly: false };

// Workers closed by the pool: each closes its own connection, then its thread ends.
const closed = new WorkerJobs(database, 2);
const first = await Promise.all([1, 2, 3, 4].map(() => closed.run('cohortReport', { filter })));
await closed.close();

// Workers left open: their connections and prepared statements are torn down
// with the threads when the process exits, as is this thread's connection.
const left = new WorkerJobs(database, 2);
const second = await Promise.all([1, 2].map(() => left.run('cohortReport', { filter })));
await database.db.selectFrom('users').select('id').execute();

console.log(JSON.stringify({ driver: SQLITE_DRIVER, treated: [...first, ...second].map((r) => r.treated) }));
`;

describe('SQLite connections on this Node.js', () => {
  it('worker threads and the main thread close their connections without aborting the process', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'teardown.mjs'), script);
    const r = spawnSync(process.execPath, [join(dir, 'teardown.mjs')], {
      cwd: ROOT,
      env: { ...process.env, KT_DB: join(dir, 'teardown.sqlite') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      driver: sqliteDriverFor(process.versions.node),
      treated: [0, 0, 0, 0, 0, 0],
    });
  });
});
