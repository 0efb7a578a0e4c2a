/**
 * The cohort report and its CSV dataset on the wire (issue 10, ADR 0016): bytes sent and
 * time to the last byte, uncompressed (the reference, same run) and compressed as a
 * browser asks (brotli, gzip), through a listening server on a SQLite registry.
 *
 *   npx tsx bench/report-wire.ts [--patients 20000] [--runs 5]
 */
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load-config.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { buildApp } from '../src/server/app.js';
import { createDeps } from '../src/services/create-deps.js';
import { generateCohort } from '../src/services/demo/bulk-cohort.js';
import { cliContext, systemClock } from '../src/services/deps.js';
import { refreshAllStale } from '../src/services/outcomes/outcome-refresher.js';
import { createUser } from '../src/services/users/manage-users.js';

const { values: args } = parseArgs({
  options: {
    patients: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '5' },
  },
});
const dir = mkdtempSync(join(tmpdir(), 'kt-bench-wire-'));
const database = openDatabase({ sqlitePath: join(dir, 'bench.sqlite') });
await migrateToLatest(database);
const deps = createDeps({
  database,
  clock: systemClock,
  config: loadConfig({ KETATRACK_DATA_DIR: dir, LOG_LEVEL: 'silent' }),
  log: { info: () => {}, warn: () => {}, error: () => {} },
  workers: true,
});

/** One GET: bytes received (as sent, before any decoding) and seconds to the last byte. */
function get(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; bytes: number; seconds: number; encoding: string }> {
  const t = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          bytes,
          seconds: Number(process.hrtime.bigint() - t) / 1e9,
          encoding: String(res.headers['content-encoding'] ?? 'identity'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const password = 'bench password 1';
const user = await createUser(deps, cliContext(), {
  email: 'researcher@bench.invalid',
  role: 'researcher',
  displayName: 'Bench',
  password,
});
const patients = Number(args.patients);
const size = await generateCohort(database.db, { patients, seed: 1, userId: user.id });
await refreshAllStale(deps);
console.log(`data: ${JSON.stringify(size)}`);

const app = await buildApp(deps, { logger: false, webRoot: null });
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as AddressInfo;
try {
  const signIn = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email: 'researcher@bench.invalid', password },
  });
  const session = signIn.cookies.find((c) => c.name === 'kt_session');
  if (!session) throw new Error(`sign-in failed: ${signIn.body}`);
  const cookie = `kt_session=${session.value}`;

  console.log(
    `\n| ${patients} patients | encoding | bytes sent | time to last byte (median of ${args.runs}) |`,
  );
  console.log('|---|---|---|---|');
  for (const [label, path] of [
    ['cohort report JSON', '/api/v1/reports/cohort?instrument=qids-sr16'],
    ['cohort dataset CSV', '/api/v1/reports/cohort/dataset.csv?instrument=qids-sr16'],
  ] as const) {
    for (const accept of ['identity', 'br', 'gzip']) {
      const times: number[] = [];
      let last = { status: 0, bytes: 0, seconds: 0, encoding: '' };
      await get(port, path, { cookie, 'accept-encoding': accept }); // warm-up
      for (let i = 0; i < Number(args.runs); i++) {
        last = await get(port, path, { cookie, 'accept-encoding': accept });
        if (last.status !== 200) throw new Error(`${path}: status ${last.status}`);
        times.push(last.seconds);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)] ?? 0;
      console.log(
        `| ${label} | ${last.encoding} | ${(last.bytes / 1000).toFixed(1)} kB | ${(median * 1000).toFixed(0)} ms |`,
      );
    }
  }
} finally {
  await app.close();
  await deps.jobs.close();
  await database.close();
}
