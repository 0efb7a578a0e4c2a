// What each page of the built web app makes a browser download before it can run: the
// page itself, the scripts it names (entry and module preloads) and its stylesheets.
// Sizes raw, gzip -9 and brotli -11 (what the server sends from the files precompressed
// at build; computed here from the raw files so an older build without them compares).
//
//   npx tsx bench/web-bundles.ts            builds the web app into a temp dir first
//   npx tsx bench/web-bundles.ts DIR        measures an existing build (e.g. an older commit's)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function build(): string {
  const out = join(mkdtempSync(join(tmpdir(), 'kt-bundles-')), 'dist');
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      join(root, 'web/vite.config.ts'),
      '--outDir',
      out,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  return out;
}

interface Sizes {
  raw: number;
  gzip: number;
  brotli: number;
}

function sizes(body: Buffer): Sizes {
  return {
    raw: body.length,
    gzip: gzipSync(body, { level: 9 }).length,
    brotli: brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
    }).length,
  };
}

const add = (a: Sizes, b: Sizes): Sizes => ({
  raw: a.raw + b.raw,
  gzip: a.gzip + b.gzip,
  brotli: a.brotli + b.brotli,
});
const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;

const dir = process.argv[2] ?? build();
console.log(`web build: ${dir}\n`);
console.log('| page | files | JS raw | JS gzip | JS br | all raw | all gzip | all br |');
console.log('|---|---|---|---|---|---|---|---|');
for (const page of readdirSync(dir).filter((f) => f.endsWith('.html'))) {
  const html = readFileSync(join(dir, page));
  const refs = [
    ...html
      .toString('utf8')
      .matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="(\/assets\/[^"]+\.(?:js|css))"/g),
  ].map((m) => m[1]!);
  let js: Sizes = { raw: 0, gzip: 0, brotli: 0 };
  let all = sizes(html);
  for (const ref of new Set(refs)) {
    const s = sizes(readFileSync(join(dir, ref)));
    all = add(all, s);
    if (ref.endsWith('.js')) js = add(js, s);
  }
  console.log(
    `| ${page} | ${new Set(refs).size + 1} | ${kB(js.raw)} | ${kB(js.gzip)} | ${kB(js.brotli)} | ${kB(all.raw)} | ${kB(all.gzip)} | ${kB(all.brotli)} |`,
  );
}
