/**
 * Table import (issue 10, ADR 0018), two measurements with their references in the same run:
 *
 * 1. `ketatrack import table` of a long-format trial table, the whole command as a
 *    user runs it (a child process: start, read, check, write, exit), against a bare
 *    script doing the raw better-sqlite3 insert of the same rows (also a whole
 *    process: read the CSV, UUIDv7 ids, prepared statements in one transaction, same
 *    pragmas; bench/import-raw-insert.js), each into a fresh migrated database.
 *    Alternated, medians.
 * 2. A dry run of a ~19.6 MB, 1.1M-row CSV through the API of a server in its own
 *    process, while /healthz is polled every 50 ms: the server's RSS before, at its
 *    peak and after, and the health checks' latency during the upload and check.
 *
 *   npx tsx bench/import.ts [--rows 100000] [--runs 3] [--dry-run-rows 1100000] [--cli bin/ketatrack.js]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load-config.js';
import { migrateToLatest, openDatabase, sqlitePathFor } from '../src/db/database.js';
import { createDeps } from '../src/services/create-deps.js';
import { cliContext, systemClock } from '../src/services/deps.js';
import { createUser } from '../src/services/users/manage-users.js';
import { BIN, freePort, killHard, ROOT } from '../tests/helpers/cli.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    'dry-run-rows': { type: 'string', default: '1100000' },
    /** The CLI entry to time (default bin/ketatrack.js). */
    cli: { type: 'string', default: BIN },
  },
});
const CLI = args.cli;
const ROWS = Number(args.rows);
const RUNS = Number(args.runs);
const DRY_ROWS = Number(args['dry-run-rows']);
const VISITS = ['b0', 'w1', 'w2', 'w3', 'w4'];
const work = mkdtempSync(join(tmpdir(), 'kt-bench-import-'));
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/** subject,visit,madrs — five visits per subject, as trial exports are laid out. */
function writeTable(path: string, rows: number): { subjects: number } {
  const lines = ['subject,visit,madrs'];
  let i = 0;
  for (; lines.length <= rows; i++)
    for (const v of VISITS)
      if (lines.length <= rows) lines.push(`sub-${i},${v},${(i * 7 + v.length * 3) % 61}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { subjects: i };
}

const mapping = {
  study: 'bench-import',
  subject: { column: 'subject' },
  timePoint: {
    column: 'visit',
    values: Object.fromEntries(
      VISITS.map((v, i) => [v, { label: v, day: i * 7, ...(i === 0 ? { baseline: true } : {}) }]),
    ),
  },
  scores: [{ column: 'madrs', instrument: 'madrs' }],
};
const mappingPath = join(work, 'mapping.json');
writeFileSync(mappingPath, JSON.stringify(mapping));

async function freshDataDir(): Promise<string> {
  const dir = mkdtempSync(join(work, 'data-'));
  const database = openDatabase({ sqlitePath: sqlitePathFor(dir) });
  await migrateToLatest(database);
  await database.close();
  return dir;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN;

// 1. The whole command against a raw insert of the same rows.
const tablePath = join(work, 'trial.csv');
const { subjects } = writeTable(tablePath, ROWS);

/** The reference: a bare plain-JavaScript script inserting the same rows (bench/import-raw-insert.js). */
async function rawInsert(): Promise<number> {
  const dir = await freshDataDir();
  const t = performance.now();
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'bench/import-raw-insert.js'), sqlitePathFor(dir), tablePath],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0 || Number(r.stdout) !== ROWS) throw new Error(`raw insert: ${r.stderr}`);
  return seconds;
}

async function wholeCommand(): Promise<number> {
  const dir = await freshDataDir();
  const t = performance.now();
  const r = spawnSync(
    process.execPath,
    [CLI, 'import', 'table', tablePath, '--mapping', mappingPath, '--no-progress'],
    { cwd: ROOT, env: { ...process.env, KETATRACK_DATA_DIR: dir }, encoding: 'utf8' },
  );
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`import failed: ${r.stderr}`);
  if (!r.stdout.includes(`created ${ROWS} scores`)) throw new Error(`unexpected: ${r.stdout}`);
  return seconds;
}

const raw: number[] = [];
const command: number[] = [];
for (let run = 0; run < RUNS; run++) {
  // Alternate which goes first, so neither always meets a warmer disk cache.
  if (run % 2 === 0) {
    raw.push(await rawInsert());
    command.push(await wholeCommand());
  } else {
    command.push(await wholeCommand());
    raw.push(await rawInsert());
  }
  process.stderr.write(
    `run ${run + 1}: raw ${raw.at(-1)?.toFixed(2)} s, command ${command.at(-1)?.toFixed(2)} s\n`,
  );
}
const rawRate = ROWS / median(raw);
const commandRate = ROWS / median(command);
console.log(
  `ketatrack import table, ${ROWS} rows (${subjects} subjects), whole command: median ${median(command).toFixed(2)} s = ${Math.round(commandRate)} rows/s\n` +
    `raw better-sqlite3 insert of the same rows (bare script, whole process): median ${median(raw).toFixed(2)} s = ${Math.round(rawRate)} rows/s\n` +
    `ratio ${((100 * commandRate) / rawRate).toFixed(1)}% (goal ≥ 50%)`,
);
console.log(
  `goal: ketatrack import table, ${ROWS} rows, whole command | ${Math.round(commandRate)} rows/s | ` +
    `raw insert ${Math.round(rawRate)} rows/s | ${((100 * commandRate) / rawRate).toFixed(1)}% | ≥ 50% | ` +
    `${commandRate / rawRate >= 0.5 ? 'met' : 'NOT met'}`,
);

// 2. A 1.1M-row dry run through the API while /healthz is polled.
if (DRY_ROWS > 0) {
  const bigPath = join(work, 'big.csv');
  writeTable(bigPath, DRY_ROWS);
  const bytes = statSync(bigPath).size;
  const dir = await freshDataDir();
  {
    const database = openDatabase({ sqlitePath: sqlitePathFor(dir) });
    const deps = createDeps({
      database,
      clock: systemClock,
      config: loadConfig({ KETATRACK_DATA_DIR: dir, LOG_LEVEL: 'silent' }),
      log: quiet,
      workers: false,
    });
    await createUser(deps, cliContext(), {
      email: 'researcher@bench.invalid',
      role: 'researcher',
      displayName: 'Bench researcher',
      password: 'bench password 1',
    });
    await database.close();
  }
  const port = await freePort();
  const server: ChildProcess = spawn(process.execPath, [BIN, 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      KETATRACK_DATA_DIR: dir,
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      /* starting */
    }
    if (i > 600) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const rssMb = () => {
    const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  };
  const signIn = await fetch(`${base}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'researcher@bench.invalid', password: 'bench password 1' }),
  });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  // Warm up: the first request and the worker's start are not what is measured.
  const warm = new URLSearchParams({
    fileName: 'w.csv',
    mapping: JSON.stringify(mapping),
    dryRun: 'true',
  });
  await fetch(`${base}/api/v1/imports/table?${warm.toString()}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'text/csv' },
    body: 'subject,visit,madrs\nsub-0,b0,3\n',
  });
  const before = rssMb();
  const query = new URLSearchParams({
    fileName: 'big.csv',
    mapping: JSON.stringify(mapping),
    dryRun: 'true',
  });
  let done = false;
  const health: number[] = [];
  let peakRss = before.rss;
  const poll = (async () => {
    while (!done) {
      const t = performance.now();
      await fetch(`${base}/healthz`);
      health.push(performance.now() - t);
      peakRss = Math.max(peakRss, rssMb().rss);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const t = performance.now();
  const res = await fetch(`${base}/api/v1/imports/table?${query.toString()}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'text/csv' },
    body: readFileSync(bigPath),
  });
  const seconds = (performance.now() - t) / 1000;
  const summary = (await res.json()) as { rowsRead?: number; valid?: boolean; detail?: string };
  done = true;
  await poll;
  const after = rssMb();
  await new Promise((r) => setTimeout(r, 5000));
  const later = rssMb();
  await killHard(server);
  if (res.status !== 200 || summary.rowsRead !== DRY_ROWS)
    throw new Error(`dry run: ${res.status} ${JSON.stringify(summary)}`);
  console.log(
    `dry run of ${DRY_ROWS} rows (${(bytes / 1e6).toFixed(1)} MB CSV) through the API: ${seconds.toFixed(1)} s, valid ${String(summary.valid)}\n` +
      `server RSS ${before.rss.toFixed(0)} MB before, peak ${Math.max(peakRss, after.peak).toFixed(0)} MB (VmHWM), ${after.rss.toFixed(0)} MB after, ${later.rss.toFixed(0)} MB 5 s later\n` +
      `/healthz during it (n=${health.length}, every 50 ms): p50 ${pct(health, 50).toFixed(1)} ms, p99 ${pct(health, 99).toFixed(1)} ms, max ${Math.max(...health).toFixed(1)} ms`,
  );
  console.log(
    `goal: ${DRY_ROWS}-row dry run through the API, /healthz p99 meanwhile | ${pct(health, 99).toFixed(1)} ms, ` +
      `peak RSS ${Math.max(peakRss, after.peak).toFixed(0)} MB | RSS before ${before.rss.toFixed(0)} MB | | ` +
      `server stays responsive, memory bounded | see figures`,
  );
}
