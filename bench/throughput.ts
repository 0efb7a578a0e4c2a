/**
 * Issue 10: throughput at the stack's limit, with its reference in the same run.
 * Three servers' workloads, each driven by autocannon at the same number of
 * connections, alternated for a few rounds (medians reported):
 *   - bare Fastify answering `{"hello":"world"}` (the reference, its own process);
 *   - signed-in, audited `GET /api/v1/patients/:id` on `ketatrack serve`;
 *   - `POST /api/v1/sessions/:id/vitals` spread over infusing sessions.
 *
 *   npx tsx bench/throughput.ts [--dialect sqlite|postgres] [--connections 50]
 *        [--seconds 10] [--rounds 3] [--sessions 50] [--only read|vitals]
 *
 * PostgreSQL uses KETATRACK_TEST_PG_URL in a fresh schema, dropped afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config/load-config.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { createDeps } from '../src/services/create-deps.js';
import { cliContext, systemClock } from '../src/services/deps.js';
import { createUser } from '../src/services/users/manage-users.js';
import { BIN, freePort, killHard, ROOT } from '../tests/helpers/cli.js';
import { benchStore } from './lib.js';

const { values: args } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'sqlite' },
    connections: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    sessions: { type: 'string', default: '50' },
    // Which ketatrack workloads to drive: read, vitals or both (a profile of one).
    only: { type: 'string', default: '' },
  },
});
const CONNECTIONS = Number(args.connections);
const SECONDS = Number(args.seconds);
const PASSWORD = 'bench password 1';
const dir = mkdtempSync(join(tmpdir(), 'kt-bench-throughput-'));
const store = await benchStore(args.dialect ?? 'sqlite', 'bench_tp');
const { pgBase, schema } = store;
const databaseUrl = store.databaseUrl ?? '';

async function waitFor(url: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* starting */
    }
    if (i > 600) throw new Error(`${url} did not answer`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The users, written before the server starts.
{
  // The schema by name, so the migrator looks for its tables only there (other schemas
  // in the same database may hold theirs).
  const database = openDatabase(
    databaseUrl
      ? { databaseUrl: pgBase, pgSchema: schema }
      : { sqlitePath: join(dir, 'ketatrack.sqlite') },
  );
  await migrateToLatest(database);
  const deps = createDeps({
    database,
    clock: systemClock,
    config: loadConfig({ KETATRACK_DATA_DIR: dir, LOG_LEVEL: 'silent' }),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    workers: false,
  });
  for (const role of ['clinician', 'nurse'] as const)
    await createUser(deps, cliContext(), {
      email: `${role}@bench.invalid`,
      role,
      displayName: `Bench ${role}`,
      password: PASSWORD,
    });
  await database.close();
}

// The reference: bare Fastify, its own process, the same Node and Fastify.
const barePort = await freePort();
const bare: ChildProcess = spawn(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import Fastify from 'fastify';
     const app = Fastify({ logger: false });
     app.get('/', async () => ({ hello: 'world' }));
     await app.listen({ host: '127.0.0.1', port: ${barePort} });`,
  ],
  { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
);
const bareUrl = `http://127.0.0.1:${barePort}`;

// ketatrack, in its own process, as a clinic runs it (KETATRACK_BENCH_NODE_ARGS, e.g.
// "--cpu-prof", goes to that process only).
const serverNodeArgs = (process.env.KETATRACK_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const port = await freePort();
const server: ChildProcess = spawn(process.execPath, [...serverNodeArgs, BIN, 'serve'], {
  cwd: ROOT,
  env: {
    ...process.env,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    KETATRACK_DATA_DIR: dir,
    DATABASE_URL: databaseUrl,
    KETATRACK_SIGNIN_RATE_PER_MINUTE: '10000',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;

interface Figures {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

async function load(
  url: string,
  requests: autocannon.Request[],
  headers: Record<string, string>,
): Promise<Figures> {
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers,
    requests,
  });
  return {
    reqPerSec: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};

try {
  await Promise.all([waitFor(bareUrl), waitFor(`${base}/healthz`)]);
  const cookies: Record<string, string> = {};
  for (const role of ['clinician', 'nurse']) {
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
    return (await res.json()) as Record<string, unknown>;
  };

  // Patients, each with a course whose first session is infusing.
  const patients: string[] = [];
  const sessions: string[] = [];
  for (let i = 0; i < Number(args.sessions); i++) {
    const patient = (await call('clinician', 'POST', '/patients', {
      mrn: `TP-${i}`,
      familyName: 'Throughput',
      givenName: `Tess ${i}`,
      dateOfBirth: '1980-01-01',
      sex: 'female',
      weightKg: 70,
    })) as { id: string };
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
      signerName: 'Tess Throughput',
      signerRelation: 'patient',
    });
    const course = (await call('clinician', 'POST', `${p}/courses`, {
      protocolId: 'iv-standard',
      startOn: new Date().toISOString().slice(0, 10),
      trdOverrideReason: 'throughput benchmark',
    })) as { sessions: { id: string }[] };
    const id = course.sessions[0]?.id ?? '';
    const s = `/sessions/${id}`;
    const version = async () =>
      ((await call('clinician', 'GET', s)) as { version: number }).version;
    await call('clinician', 'POST', `${s}/dose`, { version: await version() });
    await call('clinician', 'POST', `${s}/actions`, {
      action: 'check-in',
      version: await version(),
      escortPresent: true,
    });
    await call('nurse', 'POST', `${s}/vitals`, {
      systolicMmHg: 120,
      diastolicMmHg: 78,
      heartRateBpm: 70,
    });
    await call('clinician', 'POST', `${s}/actions`, { action: 'clear', version: await version() });
    const started = (await call('clinician', 'POST', `${s}/actions`, {
      action: 'start',
      version: await version(),
    })) as { state: string };
    if (started.state !== 'infusing') throw new Error(`session ${id} is ${started.state}`);
    patients.push(patient.id);
    sessions.push(id);
  }

  const reads = patients.map((id) => ({ method: 'GET' as const, path: `/api/v1/patients/${id}` }));
  const writes = sessions.map((id, i) => ({
    method: 'POST' as const,
    path: `/api/v1/sessions/${id}/vitals`,
    body: JSON.stringify({
      systolicMmHg: 118 + (i % 10),
      diastolicMmHg: 78,
      heartRateBpm: 72,
      spo2Percent: 98,
    }),
  }));
  const runs: Record<'bare' | 'read' | 'vitals', Figures[]> = { bare: [], read: [], vitals: [] };
  for (let round = 1; round <= Number(args.rounds); round++) {
    runs.bare.push(await load(bareUrl, [{ method: 'GET', path: '/' }], {}));
    if (args.only !== 'vitals')
      runs.read.push(await load(base, reads, { cookie: cookies.clinician ?? '' }));
    if (args.only !== 'read')
      runs.vitals.push(
        await load(base, writes, {
          cookie: cookies.nurse ?? '',
          'content-type': 'application/json',
        }),
      );
    process.stderr.write(`round ${round} done\n`);
  }
  const summary = (label: string, fs: Figures[]) => {
    const f = {
      reqPerSec: median(fs.map((x) => x.reqPerSec)),
      p50Ms: median(fs.map((x) => x.p50Ms)),
      p99Ms: median(fs.map((x) => x.p99Ms)),
    };
    const bad = fs.reduce((n, x) => n + x.non2xx + x.errors, 0);
    console.log(
      `${label}: ${f.reqPerSec.toFixed(0)} req/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms` +
        ` (rounds: ${fs.map((x) => x.reqPerSec.toFixed(0)).join(', ')} req/s)` +
        (bad ? `, ${bad} non-2xx or failed` : ''),
    );
    return f;
  };
  console.log(
    `${args.dialect}, ${CONNECTIONS} connections, ${SECONDS} s x ${args.rounds} rounds (medians):`,
  );
  const b = summary('bare Fastify hello', runs.bare);
  const r = summary('audited GET /api/v1/patients/:id', runs.read);
  const v = summary(`POST vitals to ${sessions.length} infusing sessions`, runs.vitals);
  console.log(
    `audited read / bare: ${((100 * r.reqPerSec) / b.reqPerSec).toFixed(1)}% of throughput, ` +
      `p99 ${(r.p99Ms / b.p99Ms).toFixed(1)}x bare's; vitals ${v.reqPerSec.toFixed(0)} writes/s`,
  );
  const share = r.reqPerSec / b.reqPerSec;
  const p99Ratio = r.p99Ms / b.p99Ms;
  console.log(
    `goal: audited chart read, ${args.dialect}, ${CONNECTIONS} connections | ${r.reqPerSec.toFixed(0)} req/s, p99 ${r.p99Ms} ms | ` +
      `bare Fastify ${b.reqPerSec.toFixed(0)} req/s, p99 ${b.p99Ms} ms | ${(100 * share).toFixed(1)}%, p99 ${p99Ratio.toFixed(1)}× | ` +
      `≥ 25%, p99 ≤ 5× | ${share >= 0.25 && p99Ratio <= 5 ? 'met' : 'NOT met'}`,
  );
  console.log(
    `goal: vitals writes, ${args.dialect} | ${v.reqPerSec.toFixed(0)} writes/s, p99 ${v.p99Ms} ms | | | ` +
      `≥ 1,000/s | ${v.reqPerSec >= 1000 ? 'met' : 'NOT met'}`,
  );
} finally {
  // A polite stop first, so a profiler given through KETATRACK_BENCH_NODE_ARGS writes its file.
  await Promise.race([
    new Promise((r) => server.once('exit', r)),
    new Promise((r) => setTimeout(r, 5000)),
    Promise.resolve(server.kill('SIGTERM')).then(() => new Promise(() => {})),
  ]);
  await killHard(server);
  await killHard(bare);
  await store.drop();
}
