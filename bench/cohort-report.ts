/**
 * Cohort report at registry size (issue 10): the warm report through the API (a real
 * HTTP server, signed in as a researcher, gzip accepted as a browser does) side by
 * side with its reference, the same figures computed by plain SQL on the raw driver
 * (no Kysely, no worker, no statistics library, no JSON), alternated run by run.
 * Also the cold recomputation of every course's stored outcomes (the server's
 * background refresher after an upgrade or an outcome-rule change).
 *
 *   npx tsx bench/cohort-report.ts [--patients 100000] [--dialect sqlite|postgres] [--runs 7]
 *
 * PostgreSQL uses KETATRACK_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test)
 * in a fresh schema that is dropped afterwards. Results go in bench/README.md.
 */
import { request as httpRequest } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config/load-config.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { openSqlite } from '../src/db/sqlite-driver.js';
import { buildApp } from '../src/server/app.js';
import { createDeps } from '../src/services/create-deps.js';
import { generateCohort } from '../src/services/demo/bulk-cohort.js';
import { cliContext, systemClock } from '../src/services/deps.js';
import { refreshAllStale } from '../src/services/outcomes/outcome-refresher.js';
import { createUser } from '../src/services/users/manage-users.js';
import { benchStore } from './lib.js';

const { values: args } = parseArgs({
  options: {
    patients: { type: 'string', default: '100000' },
    dialect: { type: 'string', default: 'sqlite' },
    runs: { type: 'string', default: '7' },
  },
});
const patients = Number(args.patients);
const postgres = args.dialect === 'postgres';
const dir = mkdtempSync(join(tmpdir(), 'kt-bench-cohort-'));
const sqlitePath = join(dir, 'bench.sqlite');
const store = await benchStore(args.dialect ?? 'sqlite', 'bench');
const databaseUrl = store.databaseUrl;
const database = openDatabase({ databaseUrl, sqlitePath });
await migrateToLatest(database);
const deps = createDeps({
  database,
  clock: systemClock,
  config: loadConfig({ KETATRACK_DATA_DIR: dir, LOG_LEVEL: 'silent' }),
  log: { info: () => {}, warn: () => {}, error: () => {} },
  workers: true,
});
const seconds = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const INSTRUMENT = 'qids-sr16';

/**
 * The report's figures by plain SQL on the raw driver: the headline (counts, sums
 * and sums of squares for means and CIs), MoCA before/after, the mean by doses,
 * adverse events by type, BP rise by infusion, time-to-response counts by day and
 * the first 200 trajectories: the same stored tables the report reads.
 */
const PLAIN_SQL = [
  `select count(*) as n, sum(co.baseline_total) as b, sum(co.baseline_total * co.baseline_total) as b2,
     sum(co.endpoint_total) as e, sum(co.endpoint_total * co.endpoint_total) as e2,
     sum(case when co.response = 1 then 1 else 0 end) as responders,
     sum(case when co.remission = 1 then 1 else 0 end) as remitters,
     sum(case when cs.si_at_baseline = 1 then 1 else 0 end) as si,
     sum(case when cs.si_resolved = 1 then 1 else 0 end) as si_resolved,
     sum(cs.doses) as sessions,
     sum((co.endpoint_total - co.baseline_total) * 100.0 / nullif(co.baseline_total, 0)) as pc
   from course_summaries cs join course_outcomes co
     on co.course_id = cs.course_id and co.instrument = '${INSTRUMENT}'
   where co.baseline_total is not null and co.endpoint_total is not null`,
  `select count(*) as n, sum(endpoint_total - baseline_total) as d,
     sum((endpoint_total - baseline_total) * (endpoint_total - baseline_total)) as d2
   from course_outcomes where instrument = 'moca'
     and baseline_total is not null and endpoint_total is not null`,
  `select doses, count(*) as n, sum(total) as s from course_outcome_points
   where instrument = '${INSTRUMENT}' group by doses order by doses`,
  `select ae.type, count(*) as n from adverse_events ae join sessions s on s.id = ae.session_id
   where s.infusion_started_at is not null group by ae.type order by ae.type`,
  `select number, count(systolic_rise_mmhg) as n, sum(systolic_rise_mmhg) as s,
     sum(systolic_rise_mmhg * systolic_rise_mmhg) as s2 from sessions
   where infusion_started_at is not null and systolic_rise_mmhg is not null
   group by number order by number`,
  `select coalesce(days_to_response, censored_days, 0) as t, count(*) as n,
     sum(case when days_to_response is null then 0 else 1 end) as events
   from course_outcomes where instrument = '${INSTRUMENT}'
     and baseline_total is not null and endpoint_total is not null
   group by coalesce(days_to_response, censored_days, 0) order by 1`,
  `select course_id, doses, day, total from course_outcome_points
   where instrument = '${INSTRUMENT}' and course_id in
     (select course_id from course_outcomes where instrument = '${INSTRUMENT}'
        and baseline_total is not null and endpoint_total is not null
      order by course_id limit 200)
   order by course_id, seq`,
];

async function plainSqlReference(): Promise<number> {
  let rows = 0;
  if (postgres) {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    for (const q of PLAIN_SQL) rows += (await c.query(q)).rows.length;
    await c.end();
  } else {
    const h = openSqlite(sqlitePath, { readonly: true });
    for (const q of PLAIN_SQL) rows += h.prepare(q).all().length;
    h.close();
  }
  return rows;
}

interface Fetched {
  status: number;
  wireBytes: number;
  jsonBytes: number;
  encoding: string;
  body: string;
}
function get(port: number, path: string, cookie: string): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, headers: { cookie, 'accept-encoding': 'gzip, br' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const encoding = res.headers['content-encoding'] ?? 'identity';
          const body =
            encoding === 'gzip'
              ? gunzipSync(raw)
              : encoding === 'br'
                ? brotliDecompressSync(raw)
                : raw;
          resolve({
            status: res.statusCode ?? 0,
            wireBytes: raw.length,
            jsonBytes: body.length,
            encoding,
            body: body.toString('utf8'),
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const app = await buildApp(deps, { logger: false, webRoot: null });
try {
  const user = await createUser(deps, cliContext(), {
    email: 'bench@bench.invalid',
    role: 'clinician',
    displayName: 'Bench',
    password: 'bench password 1',
  });
  await createUser(deps, cliContext(), {
    email: 'research@bench.invalid',
    role: 'researcher',
    displayName: 'Bench researcher',
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
  if (postgres) await sql`analyze`.execute(database.db);

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
  if (postgres) await sql`analyze`.execute(database.db);

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const signIn = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email: 'research@bench.invalid', password: 'bench password 1' },
  });
  const cookie = `kt_session=${signIn.cookies.find((c) => c.name === 'kt_session')?.value ?? ''}`;
  const path = `/api/v1/reports/cohort?instrument=${INSTRUMENT}`;

  const api: number[] = [];
  const plain: number[] = [];
  let last: Fetched | undefined;
  let referenceRows = 0;
  // One untimed round each first (caches, the worker's first connection), then alternate.
  await get(port, path, cookie);
  await plainSqlReference();
  for (let i = 0; i < Number(args.runs); i++) {
    t = process.hrtime.bigint();
    last = await get(port, path, cookie);
    api.push(seconds(t));
    if (last.status !== 200) throw new Error(`report: ${last.status} ${last.body}`);
    t = process.hrtime.bigint();
    referenceRows = await plainSqlReference();
    plain.push(seconds(t));
  }
  const report = JSON.parse(last?.body ?? '{}') as { analysed?: number };
  const apiS = median(api);
  const plainS = median(plain);
  console.log(
    `warm cohort report through the API (${INSTRUMENT}, everyone treated; ${report.analysed} courses analysed): ` +
      `median ${apiS.toFixed(2)} s (best ${Math.min(...api).toFixed(2)}, worst ${Math.max(...api).toFixed(2)}) over ${api.length} runs`,
  );
  console.log(
    `plain SQL, the same figures (${referenceRows} result rows): median ${plainS.toFixed(2)} s ` +
      `(best ${Math.min(...plain).toFixed(2)}, worst ${Math.max(...plain).toFixed(2)})`,
  );
  console.log(
    `response: ${((last?.jsonBytes ?? 0) / 1024).toFixed(0)} KiB of JSON, ` +
      `${((last?.wireBytes ?? 0) / 1024).toFixed(0)} KiB on the wire (${last?.encoding})`,
  );
  const ratio = apiS / plainS;
  const met = apiS <= 2 && ratio <= 2 && (last?.jsonBytes ?? Infinity) <= 1024 * 1024;
  console.log(
    `goal: warm cohort report via the API, ${args.dialect}, ${patients} patients | ${apiS.toFixed(2)} s, ` +
      `${((last?.jsonBytes ?? 0) / 1024).toFixed(0)} KiB | plain SQL ${plainS.toFixed(2)} s | ` +
      `${ratio.toFixed(2)}× | goal ≤ 2 s, ≤ 2×, ≤ 1 MB | ${met ? 'met' : 'NOT met'}`,
  );
} finally {
  await app.close();
  await deps.jobs.close();
  await database.close();
  await store.drop();
}
