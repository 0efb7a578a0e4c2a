/**
 * CLI start-up: wall time of whole `ketatrack` processes, the built JavaScript
 * (what `npx ketatrack` runs) against the same sources through the TypeScript
 * loader (how the CLI ran before it was built at install), and a reference:
 * Node opening an in-memory SQLite database with the same driver. Runs are
 * alternated so the machine's load falls on all of them alike; medians.
 *
 *   npm run build:server && npx tsx bench/cli-start.ts [runs=15]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SQLITE_DRIVER } from '../src/db/sqlite-driver.js';

const runs = Number(process.argv[2] ?? 15);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'kt-bench-cli-'));
const env = { ...process.env, KETATRACK_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' };

// The CLI as it ran before: tsx's loader registered, then the TypeScript entry.
const fromSources = join(dir, 'from-sources.mjs');
writeFileSync(
  fromSources,
  `import { register } from ${JSON.stringify(pathToFileURL(join(root, 'node_modules/tsx/dist/esm/api/index.mjs')).href)};
register();
const { main } = await import(${JSON.stringify(pathToFileURL(join(root, 'src/cli/main.ts')).href)});
await main(process.argv);
`,
);

const bin = join(root, 'bin/ketatrack.js');
const score = ['score', 'qids-sr16', '1,2,0,1,2,,1,0,,1,1,2,1,2,0,1'];
const cases: Record<string, { args: string[]; env?: Record<string, string> }> = {
  'score, built': { args: [bin, ...score] },
  'score, TypeScript loader (cache warm)': { args: [fromSources, ...score] },
  'score, TypeScript loader (no cache)': {
    args: [fromSources, ...score],
    env: { TSX_DISABLE_CACHE: '1' },
  },
  'users list, built': { args: [bin, 'users', 'list'] },
  'users list, TypeScript loader (cache warm)': { args: [fromSources, 'users', 'list'] },
  [`reference: node + ${SQLITE_DRIVER} open`]: {
    args: ['-e', `new (require(${JSON.stringify(SQLITE_DRIVER)}))(':memory:').close()`],
  },
  'reference: node -e 0': { args: ['-e', '0'] },
};

function run(args: string[], extra: Record<string, string> = {}): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    env: { ...env, ...extra },
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed:\n${r.stderr}`);
  return ms;
}

// A database with one account, so `users list` opens, migrates and reads.
run([bin, 'migrate']);
const times = new Map<string, number[]>(Object.keys(cases).map((k) => [k, []]));
for (const c of Object.values(cases)) run(c.args, c.env); // warm the disk cache and tsx's
for (let i = 0; i < runs; i++)
  for (const [name, c] of Object.entries(cases)) times.get(name)!.push(run(c.args, c.env));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
console.log(`Node ${process.versions.node}, ${runs} alternated runs each, median wall time`);
console.log('| command | median | min | max |\n|---|---|---|---|');
for (const [name, xs] of times)
  console.log(
    `| ${name} | ${(median(xs) / 1000).toFixed(3)} s | ${(Math.min(...xs) / 1000).toFixed(3)} s | ${(Math.max(...xs) / 1000).toFixed(3)} s |`,
  );
const scoreBuilt = median(times.get('score, built') ?? []) / 1000;
const reference = median(times.get(`reference: node + ${SQLITE_DRIVER} open`) ?? []) / 1000;
console.log(
  `goal: ketatrack score start, Node ${process.versions.node} | ${scoreBuilt.toFixed(3)} s | ` +
    `node + driver ${reference.toFixed(3)} s | ${(scoreBuilt / reference).toFixed(2)}× | ≤ 0.3 s | ` +
    `${scoreBuilt <= 0.3 ? 'met' : 'NOT met'}`,
);
