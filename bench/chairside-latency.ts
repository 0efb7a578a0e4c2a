import { createDeps } from '../src/services/create-deps.js';
/**
 * Chairside latency: time to record a vitals reading (alert rules, audit, version
 * bump, fresh session view) and to poll the session version, through the full
 * HTTP stack (app.inject) on a file-backed SQLite database.
 *
 *   npx tsx bench/chairside-latency.ts [readings=500]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load-config.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { buildApp } from '../src/server/app.js';
import { cliContext, systemClock } from '../src/services/deps.js';
import { createUser } from '../src/services/users/manage-users.js';

const readings = Number(process.argv[2] ?? 500);
const dir = mkdtempSync(join(tmpdir(), 'kt-bench-'));
const database = openDatabase({ sqlitePath: join(dir, 'bench.sqlite') });
await migrateToLatest(database);
const config = loadConfig({
  KETATRACK_DATA_DIR: dir,
  LOG_LEVEL: 'silent',
  KETATRACK_SIGNIN_RATE_PER_MINUTE: '10000',
});
const deps = createDeps({
  database,
  clock: systemClock,
  config,
  log: { info: () => {}, warn: () => {}, error: () => {} },
  workers: true,
});
const app = await buildApp(deps, { logger: false, webRoot: null });
await createUser(deps, cliContext(), {
  email: 'doc@bench.invalid',
  role: 'clinician',
  displayName: 'Doc',
  password: 'bench password 1',
});
const signIn = await app.inject({
  method: 'POST',
  url: '/api/v1/auth/sign-in',
  payload: { email: 'doc@bench.invalid', password: 'bench password 1' },
});
const cookie = `kt_session=${signIn.cookies.find((c) => c.name === 'kt_session')?.value ?? ''}`;
const call = async (method: 'GET' | 'POST', url: string, payload?: object) =>
  (await app.inject({ method, url, payload, headers: { cookie } })).json<any>();

const patient = await call('POST', '/api/v1/patients', {
  mrn: 'BENCH-1',
  familyName: 'Bench',
  givenName: 'Ben',
  dateOfBirth: '1980-01-01',
  sex: 'male',
  weightKg: 80,
});
await call('POST', `/api/v1/patients/${patient.id}/screens`, {
  present: [],
  systolicMmHg: 120,
  diastolicMmHg: 80,
  heartRateBpm: 70,
});
await call('POST', `/api/v1/patients/${patient.id}/consents`, {
  documentTitle: 'Consent',
  documentVersion: '1',
  signedOn: '2026-01-01',
  signerName: 'Ben',
  signerRelation: 'patient',
});
const course = await call('POST', `/api/v1/patients/${patient.id}/courses`, {
  protocolId: 'iv-standard',
  startOn: '2026-11-27',
  trdOverrideReason: 'benchmark override reason',
});
const sid = course.sessions[0].id as string;
const version = async () =>
  (await call('GET', `/api/v1/sessions/${sid}/version`)).version as number;
await call('POST', `/api/v1/sessions/${sid}/dose`, { version: await version() });
await call('POST', `/api/v1/sessions/${sid}/actions`, {
  action: 'check-in',
  version: await version(),
  escortPresent: true,
});
await call('POST', `/api/v1/sessions/${sid}/vitals`, {
  systolicMmHg: 120,
  diastolicMmHg: 80,
  heartRateBpm: 70,
});
await call('POST', `/api/v1/sessions/${sid}/actions`, {
  action: 'clear',
  version: await version(),
});
await call('POST', `/api/v1/sessions/${sid}/actions`, {
  action: 'start',
  version: await version(),
});

const time = async (fn: () => Promise<unknown>, n: number) => {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(2);
  return `p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, p99 ${q(0.99)} ms, max ${ms.at(-1)!.toFixed(2)} ms`;
};
let i = 0;
console.log(
  `record vitals (n=${readings}, session grows to ${readings + 1} readings): ${await time(() => call('POST', `/api/v1/sessions/${sid}/vitals`, { systolicMmHg: 130 + (i++ % 60), diastolicMmHg: 85, heartRateBpm: 80 }), readings)}`,
);
console.log(
  `poll version (n=${readings}): ${await time(() => call('GET', `/api/v1/sessions/${sid}/version`), readings)}`,
);
await app.close();
await database.close();
