import { refreshAllStale } from '../src/services/outcomes/outcome-refresher.js';
import { createDeps } from '../src/services/create-deps.js';
/**
 * Cohort report at registry size (issue 6: goal under 2 s at 100k patients with
 * 2M assessments, on SQLite and on PostgreSQL), and the table importer's rate.
 *
 *   npx tsx bench/cohort-report.ts [--patients 100000] [--dialect sqlite|postgres] [--runs 5]
 *
 * PostgreSQL uses KETATRACK_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test)
 * in a fresh schema that is dropped afterwards. Results go in bench/README.md.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config/load-config.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { importTable } from '../src/services/imports/import-table.js';
import { cohortReport } from '../src/services/outcomes/cohort-report.js';
import { cliContext, systemClock } from '../src/services/deps.js';
import { createUser } from '../src/services/users/manage-users.js';
import { generateCohort } from '../src/services/demo/bulk-cohort.js';

const { values: args } = parseArgs({
  options: {
    patients: { type: 'string', default: '100000' },
    dialect: { type: 'string', default: 'sqlite' },
    runs: { type: 'string', default: '5' },
    'import-rows': { type: 'string', default: '100000' },
  },
});
const patients = Number(args.patients);
const dir = mkdtempSync(join(tmpdir(), 'kt-bench-cohort-'));
const pgBase = process.env.KETATRACK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bench_${Date.now().toString(36)}`;
let databaseUrl: string | undefined;
if (args.dialect === 'postgres') {
  const c = new pg.Client({ connectionString: pgBase });
  await c.connect();
  await c.query(`create schema ${schema}`);
  await c.end();
  const u = new URL(pgBase);
  u.searchParams.set('options', `-c search_path=${schema}`);
  databaseUrl = u.toString();
}
const database = openDatabase({ databaseUrl, sqlitePath: join(dir, 'bench.sqlite') });
await migrateToLatest(database);
const deps = createDeps({
  database,
  clock: systemClock,
  config: loadConfig({ KETATRACK_DATA_DIR: dir, LOG_LEVEL: 'silent' }),
  log: { info: () => {}, warn: () => {}, error: () => {} },
  workers: true,
});
const seconds = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;

try {
  const user = await createUser(deps, cliContext(), {
    email: 'bench@bench.invalid',
    role: 'clinician',
    displayName: 'Bench',
    password: 'bench password 1',
  });
  let t = process.hrtime.bigint();
  const size = await generateCohort(database.db, {
    patients,
    seed: 1,
    userId: user.id,
    onProgress: (n) => process.stderr.write(`\rgenerated ${n}/${patients} patients`),
  });
  process.stderr.write('\n');
  console.log(`data (${args.dialect}): ${JSON.stringify(size)} in ${seconds(t).toFixed(1)} s`);
  if (args.dialect === 'postgres') await sql`analyze`.execute(database.db);

  const ctx = cliContext();
  // Cold: the rows were written straight into the tables (queued for their outcomes), so
  // every course's outcomes are computed in a worker and stored in short transactions, as
  // the server's background refresher does after an upgrade or a change to the rules.
  t = process.hrtime.bigint();
  await refreshAllStale(deps);
  console.log(
    `recompute every course's stored outcomes (worker, 100 courses per write): ${seconds(t).toFixed(2)} s`,
  );
  // PostgreSQL plans from table statistics; autovacuum refreshes them within a minute
  // of a bulk change like the one above, so the warm runs start after the same.
  if (args.dialect === 'postgres') await sql`analyze`.execute(database.db);
  const times: number[] = [];
  let analysed = 0;
  for (let i = 0; i < Number(args.runs); i++) {
    t = process.hrtime.bigint();
    const r = await cohortReport(deps, ctx, { instrument: 'qids-sr16', completersOnly: false });
    times.push(seconds(t));
    analysed = r.analysed;
  }
  times.sort((a, b) => a - b);
  console.log(
    `cohort report, warm (qids-sr16, everyone treated; ${analysed} courses analysed): ` +
      `median ${times[Math.floor(times.length / 2)]?.toFixed(2)} s, best ${times[0]?.toFixed(2)} s, worst ${times.at(-1)?.toFixed(2)} s over ${times.length} runs`,
  );

  // Import rate: a long-format trial table (subject, visit, MADRS) through the real importer.
  const rows = Number(args['import-rows']);
  const visits = ['b0', 'w1', 'w2', 'w3', 'w4'];
  const lines = ['subject\tvisit\tmadrs'];
  for (let i = 0; lines.length <= rows; i++)
    for (const v of visits) lines.push(`S${i}\t${v}\t${(i * 7 + v.length * 3) % 61}`);
  const tablePath = join(mkdtempSync(join(tmpdir(), 'ketatrack-bench-import-')), 'bench.tsv');
  writeFileSync(tablePath, lines.slice(0, rows + 1).join('\n'));
  const mapping = {
    study: 'bench-import',
    subject: { column: 'subject' },
    timePoint: {
      column: 'visit',
      values: Object.fromEntries(
        visits.map((v, i) => [v, { label: v, day: i * 7, ...(i === 0 ? { baseline: true } : {}) }]),
      ),
    },
    scores: [{ column: 'madrs', instrument: 'madrs' }],
  };
  t = process.hrtime.bigint();
  const first = await importTable(deps, ctx, {
    path: tablePath,
    fileName: 'bench.tsv',
    mapping,
    dryRun: false,
    onConflict: 'error',
  });
  const importSeconds = seconds(t);
  t = process.hrtime.bigint();
  const again = await importTable(deps, ctx, {
    path: tablePath,
    fileName: 'bench.tsv',
    mapping,
    dryRun: false,
    onConflict: 'error',
  });
  const againSeconds = seconds(t);
  console.log(
    `import table: ${first.scores.created} scores in ${importSeconds.toFixed(2)} s ` +
      `(${Math.round(first.scores.created / importSeconds)} rows/s); ` +
      `re-import of the same file (${again.scores.unchanged} unchanged) in ${againSeconds.toFixed(2)} s`,
  );
} finally {
  await deps.jobs.close();
  await database.close();
  if (args.dialect === 'postgres') {
    const c = new pg.Client({ connectionString: pgBase });
    await c.connect();
    await c.query(`drop schema ${schema} cascade`);
    await c.end();
  }
}
