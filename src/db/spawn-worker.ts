import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** tsx's ESM API entry, read from its package exports (the CommonJS one cannot register ESM hooks). */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const api = pkg.exports['./esm/api'];
  if (!api) throw new Error('tsx has no ESM API to load TypeScript workers with');
  return join(dirname(manifest), api.import.default);
}

/**
 * Starts the worker thread whose entry is the module `name` beside `callerUrl` (the
 * caller's `import.meta.url`): built JavaScript; or, when running from TypeScript
 * sources (the test runner), a two-line bootstrap that registers tsx's loader in the
 * new thread first (Node 20 does not carry loaders into workers).
 */
export function spawnWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  if (!callerUrl.endsWith('.ts'))
    return new Worker(new URL(`./${name}.js`, callerUrl), { workerData });
  const tsxApi = pathToFileURL(tsxEsmApi()).href;
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData });
}
