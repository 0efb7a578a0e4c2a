/**
 * The operation fuzz of issue 11, run long: every operation of the OpenAPI document, as
 * every role and signed out, N generated requests each, on SQLite and PostgreSQL. It runs
 * the CI test itself (tests/integration/fuzz-operations.test.ts) with a larger budget, so
 * fixture, generators, request helper and property are the same, and prints what it sent:
 * requests, statuses, 5xx, and every request that broke the property.
 *
 *   npx tsx bench/fuzz.ts --runs 200 --seed 7 [--dialects sqlite,postgres]
 *
 * PostgreSQL is KETATRACK_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test),
 * as for the integration suite; without it only SQLite runs (the suite's own banner says so).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FUZZ_LIMITS } from '../tests/helpers/fuzz-limits.js';
import type { FuzzFailure } from '../tests/helpers/fuzz-property.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const runs = Number(option('runs', '200'));
const seed = Number(option('seed', '20261204'));
const dialects = option('dialects', 'sqlite,postgres').split(',');
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed))
  throw new Error('usage: npx tsx bench/fuzz.ts --runs N --seed S [--dialects sqlite,postgres]');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'kt-bench-fuzz-'));
const summary = join(dir, 'summary');
const log = join(dir, 'vitest.log');

interface Summary {
  dialect: string;
  seed: number;
  runsPerOperation: number;
  operations: number;
  requests: number;
  statuses: Record<string, number>;
  fiveXx: number;
  failures: FuzzFailure[];
  seconds: number;
}

const started = Date.now();
const code = await new Promise<number>((resolve) => {
  const child = spawn(
    'npx',
    [
      'vitest',
      'run',
      '--project',
      'integration',
      'tests/integration/fuzz-operations.test.ts',
      // Each operation's test sends `runs` requests; a slow one (a PDF, a report) takes ~0.5 s.
      '--testTimeout',
      String(Math.max(60_000, runs * 1_000)),
      '--testNamePattern',
      `on (${dialects.join('|')})`,
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        TZ: 'UTC',
        KETATRACK_FUZZ_RUNS: String(runs),
        KETATRACK_FUZZ_SEED: String(seed),
        KETATRACK_FUZZ_SUMMARY: summary,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const out = createWriteStream(log);
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  child.on('close', (c) => resolve(c ?? 1));
});

console.log(`fuzz: ${runs} requests per operation, seed ${seed}; vitest log ${log}`);
let broken = 0;
for (const dialect of dialects) {
  const file = `${summary}.${dialect}.json`;
  if (!existsSync(file)) {
    console.log(`\n${dialect}: no summary (not run; see the log)`);
    broken += 1;
    continue;
  }
  const s = JSON.parse(readFileSync(file, 'utf8')) as Summary;
  const histogram = Object.entries(s.statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ');
  console.log(
    `\n${dialect}: ${s.operations} operations, ${s.requests} requests in ${s.seconds.toFixed(0)} s`,
  );
  console.log(`  statuses  ${histogram}`);
  console.log(`  5xx       ${s.fiveXx}`);
  console.log(
    `  property broken by ${s.failures.length} request(s)${s.failures.length ? ':' : ''}`,
  );
  // Alike failures once, with a count and the first request (a 5xx is always shown in full).
  const groups = new Map<string, FuzzFailure[]>();
  for (const f of s.failures) {
    const code = /"code":"([^"]+)"/.exec(f.response)?.[1] ?? '';
    const key = f.violation.startsWith('answered 5')
      ? `${f.violation} ${f.operation}`
      : `${f.violation} ${code}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  for (const [, fs] of [...groups].sort(([, a], [, b]) => b.length - a.length)) {
    const f = fs[0]!;
    const ops = new Set(fs.map((x) => x.operation)).size;
    const where = ops === 1 ? f.operation : `${ops} operations`;
    console.log(`    - ${fs.length}× ${where}: ${f.violation}`);
    console.log(`        e.g. ${f.request}`);
    if (f.response) console.log(`        → ${f.response}`);
  }
  broken += s.failures.length;
}
console.log('\nHeld back on purpose:');
for (const l of FUZZ_LIMITS) console.log(`  - ${l}`);
console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s in all; vitest exit code ${code}`);
process.exitCode = broken > 0 || code !== 0 ? 1 : 0;
