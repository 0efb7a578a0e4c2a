/**
 * Issue 10: chairside vitals writes while the heavy work runs. A real server
 * (`ketatrack serve`, its own process) on a registry-size database; a steady stream
 * of vitals writes to checked-in sessions is timed first alone, then while, all at
 * once: an outcome-rule change makes every stored course outcome stale (the cold
 * recomputation runs in the background), cohort reports are asked for, the full
 * analysis dataset is downloaded (bulk export), and `ketatrack import table` writes
 * 100k rows from another process.
 *
 *   npx tsx bench/chairside-under-load.ts [--patients 100000] [--dialect sqlite|postgres]
 *        [--rate 50] [--seconds 20] [--import-rows 100000] [--chairs 200]
 *
 * PostgreSQL uses KETATRACK_TEST_PG_URL in a fresh schema, dropped afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../src/config/load-config.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { createDeps } from '../src/services/create-deps.js';
import { generateCohort } from '../src/services/demo/bulk-cohort.js';
import { cliContext, systemClock } from '../src/services/deps.js';
import { createUser } from '../src/services/users/manage-users.js';
import { BIN, freePort, killHard, ROOT } from '../tests/helpers/cli.js';
import { benchStore } from './lib.js';

const { values: args } = parseArgs({
  options: {
    patients: { type: 'string', default: '100000' },
    dialect: { type: 'string', default: 'sqlite' },
    rate: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '20' },
    'import-rows': { type: 'string', default: '100000' },
    // Sessions the vitals are spread over. Each response carries every reading of its
    // session, so a few sessions taking 50 readings a second for minutes would measure
    // sessions of thousands of readings, not a chairside (an infusion has tens).
    chairs: { type: 'string', default: '200' },
  },
});
const PASSWORD = 'bench password 1';
const dir = mkdtempSync(join(tmpdir(), 'kt-bench-load-'));
const store = await benchStore(args.dialect ?? 'sqlite', 'bench');
const databaseUrl = store.databaseUrl ?? '';

// 1. The registry, written straight into the tables (its outcomes queued for the server).
{
  const database = openDatabase({
    databaseUrl: databaseUrl || undefined,
    sqlitePath: join(dir, 'ketatrack.sqlite'),
  });
  await migrateToLatest(database);
  const deps = createDeps({
    database,
    clock: systemClock,
    config: loadConfig({ KETATRACK_DATA_DIR: dir, LOG_LEVEL: 'silent' }),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    workers: false,
  });
  const users: Record<string, string> = {};
  for (const role of ['admin', 'clinician', 'nurse', 'researcher'] as const)
    users[role] = (
      await createUser(deps, cliContext(), {
        email: `${role}@bench.invalid`,
        role,
        displayName: `Bench ${role}`,
        password: PASSWORD,
      })
    ).id;
  const size = await generateCohort(database.db, {
    patients: Number(args.patients),
    seed: 1,
    userId: users.clinician ?? '',
    onProgress: (n) => process.stderr.write(`\rgenerated ${n} patients`),
  });
  process.stderr.write('\n');
  console.log(`registry (${args.dialect}): ${JSON.stringify(size)}`);
  if (args.dialect === 'postgres') await sql`analyze`.execute(database.db);
  await database.close();
}

// 2. The server, in its own process, as a clinic runs it.
const port = await freePort();
const env = {
  ...process.env,
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
  PORT: String(port),
  KETATRACK_DATA_DIR: dir,
  DATABASE_URL: databaseUrl,
  KETATRACK_SIGNIN_RATE_PER_MINUTE: '10000',
};
// The server recomputes the registry's queued outcomes from the moment it starts.
const serverStarted = performance.now();
const server: ChildProcess = spawn(process.execPath, [BIN, 'serve'], {
  cwd: ROOT,
  env,
  stdio: ['ignore', 'inherit', 'inherit'],
});
// Never leave the server behind, whatever happens below.
process.on('exit', () => server.kill('SIGKILL'));
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

const cookies: Record<string, string> = {};
for (const role of ['admin', 'clinician', 'nurse', 'researcher']) {
  const res = await fetch(`${base}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${role}@bench.invalid`, password: PASSWORD }),
  });
  cookies[role] = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}
const call = async (role: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      cookie: cookies[role] ?? '',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
};

// 3. Patients checked in at the chair.
const sessions: string[] = [];
for (let i = 0; i < Number(args.chairs); i++) {
  const patient = (await (
    await call('clinician', 'POST', '/patients', {
      mrn: `LOAD-${i}`,
      familyName: 'Load',
      givenName: `Lee ${i}`,
      dateOfBirth: '1980-01-01',
      sex: 'female',
      weightKg: 70,
    })
  ).json()) as { id: string };
  const p = `/patients/${patient.id}`;
  await call('clinician', 'POST', `${p}/screens`, {
    present: [],
    systolicMmHg: 120,
    diastolicMmHg: 80,
    heartRateBpm: 70,
  });
  await call('clinician', 'POST', `${p}/consents`, {
    documentTitle: 'Ketamine consent',
    documentVersion: '1',
    signedOn: '2026-01-01',
    signerName: 'Lee Load',
    signerRelation: 'patient',
  });
  const course = (await (
    await call('clinician', 'POST', `${p}/courses`, {
      protocolId: 'iv-standard',
      startOn: '2026-12-01',
      trdOverrideReason: 'bench: synthetic load patient',
    })
  ).json()) as { sessions: { id: string }[] };
  const id = course.sessions[0]?.id ?? '';
  const view = (await (await call('nurse', 'GET', `/sessions/${id}`)).json()) as {
    version: number;
  };
  await call('nurse', 'POST', `/sessions/${id}/actions`, {
    action: 'check-in',
    version: view.version,
    escortPresent: true,
  });
  sessions.push(id);
}

/** When each vital was sent and how long it took: to say which heavy job it met. */
const sent: { at: number; ms: number }[] = [];

/** Vitals at a steady rate (open loop), each timed from send to response. */
async function vitalsWhile(going: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const every = 1000 / Number(args.rate);
  for (let i = 0; going(); i++) {
    const t = performance.now();
    pending.push(
      call('nurse', 'POST', `/sessions/${sessions[i % sessions.length]}/vitals`, {
        systolicMmHg: 120 + (i % 20),
        diastolicMmHg: 80,
        heartRateBpm: 72,
        spo2Percent: 98,
      }).then(() => {
        latencies.push(performance.now() - t);
        sent.push({ at: t, ms: performance.now() - t });
      }),
    );
    await new Promise((r) => setTimeout(r, Math.max(0, t + every - performance.now())));
  }
  await Promise.all(pending);
  return latencies;
}
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const line = (label: string, xs: number[]) =>
  console.log(
    `${label}: n=${xs.length} p50 ${pct(xs, 50).toFixed(1)} ms, p99 ${pct(xs, 99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`,
  );

try {
  // Let the server's own start-up recomputation of the queued registry finish first.
  for (;;) {
    const r = (await (await call('researcher', 'GET', '/reports/cohort')).json()) as {
      freshness: { current: boolean; coursesPending: number };
    };
    if (r.freshness.current) break;
    process.stderr.write(
      `\rwaiting for start-up recomputation: ${r.freshness.coursesPending} left `,
    );
    await new Promise((r) => setTimeout(r, 2000));
  }
  process.stderr.write('\n');
  console.log(
    `start-up recomputation of the registry's outcomes: ${((performance.now() - serverStarted) / 1000).toFixed(1)} s from the server's start (the chairs were set up meanwhile)`,
  );
  const end = performance.now() + Number(args.seconds) * 1000;
  const alone = await vitalsWhile(() => performance.now() < end);
  line('vitals alone', alone);

  // The heavy work, all at once.
  const rows = Number(args['import-rows']);
  const lines = ['subject\tvisit\tmadrs'];
  const visits = ['b0', 'w1', 'w2', 'w3', 'w4'];
  for (let i = 0; lines.length <= rows; i++)
    for (const v of visits) lines.push(`S${i}\t${v}\t${(i * 7 + v.length * 3) % 61}`);
  writeFileSync(join(dir, 'load.tsv'), lines.slice(0, rows + 1).join('\n'));
  writeFileSync(
    join(dir, 'load.mapping.json'),
    JSON.stringify({
      study: 'bench-load',
      subject: { column: 'subject' },
      timePoint: {
        column: 'visit',
        values: Object.fromEntries(
          visits.map((v, i) => [
            v,
            { label: v, day: i * 7, ...(i === 0 ? { baseline: true } : {}) },
          ]),
        ),
      },
      scores: [{ column: 'madrs', instrument: 'madrs' }],
    }),
  );
  const heavy: { what: string; ms: number; from: number; to: number }[] = [];
  const timed = async (what: string, work: () => Promise<unknown>) => {
    const t = performance.now();
    await work();
    heavy.push({ what, ms: performance.now() - t, from: t, to: performance.now() });
  };
  const healthz: number[] = [];
  let heavyDone = false;
  const vitalsRun = vitalsWhile(() => !heavyDone);
  const healthzRun = (async () => {
    while (!heavyDone) {
      const t = performance.now();
      await fetch(`${base}/healthz`);
      healthz.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  await Promise.all([
    timed('outcome-rule change, then a cohort report', async () => {
      await call('admin', 'PATCH', '/settings/response.minFallPercent', {
        value: 51,
        reason: 'bench: makes every stored outcome stale',
      });
      await (await call('researcher', 'GET', '/reports/cohort')).json();
    }),
    timed('analysis dataset download (bulk export)', async () => {
      await (await call('researcher', 'GET', '/reports/cohort/dataset.csv')).text();
    }),
    timed(`ketatrack import table, ${rows} rows (another process)`, async () => {
      await new Promise<void>((resolve, reject) => {
        const p = spawn(
          process.execPath,
          [
            BIN,
            'import',
            'table',
            join(dir, 'load.tsv'),
            '--mapping',
            join(dir, 'load.mapping.json'),
          ],
          { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] },
        );
        p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`import: ${code}`))));
      });
    }),
    // The background recomputation after the rule change is part of the heavy work.
    timed('background recomputation of every course after the rule change', async () => {
      await new Promise((r) => setTimeout(r, 1000));
      for (;;) {
        const r = (await (await call('researcher', 'GET', '/reports/cohort')).json()) as {
          freshness: { current: boolean };
        };
        if (r.freshness.current) return;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }),
  ]);
  heavyDone = true;
  const vitals = await vitalsRun;
  await healthzRun;
  line('vitals during the heavy work', vitals);
  line('/healthz during the heavy work', healthz);
  for (const h of heavy) {
    // The vitals sent while this job ran (others may have run beside it).
    const met = sent.filter((v) => v.at >= h.from && v.at < h.to).map((v) => v.ms);
    console.log(
      `  ${h.what}: ${(h.ms / 1000).toFixed(1)} s; vitals meanwhile n=${met.length} ` +
        `p50 ${pct(met, 50).toFixed(1)} ms, p99 ${pct(met, 99).toFixed(1)} ms`,
    );
  }
  // Each vital beside the jobs running when it was sent, so a slow one can be traced.
  const slow = sent
    .filter((v) => v.ms >= 100)
    .map(
      (v) =>
        `${v.ms.toFixed(0)} ms beside ${
          heavy
            .filter((h) => v.at >= h.from && v.at < h.to)
            .map((h) => h.what.split(',')[0])
            .join(' + ') || 'none'
        }`,
    );
  if (slow.length)
    console.log(`  vitals ≥ 100 ms (${slow.length}): ${slow.slice(0, 20).join('; ')}`);
  const p99 = pct(vitals, 99);
  console.log(
    `goal: vitals p99 while report, import and export run, ${args.dialect}, ${args.patients} patients | ` +
      `${p99.toFixed(1)} ms | alone ${pct(alone, 99).toFixed(1)} ms | ${(p99 / pct(alone, 99)).toFixed(2)}× | ` +
      `p99 < 100 ms | ${p99 < 100 ? 'met' : 'NOT met'}`,
  );
} finally {
  await killHard(server);
  await store.drop();
}
