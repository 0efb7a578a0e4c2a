#!/usr/bin/env node
// Runs the CLI as built JavaScript in dist/, which `npm install` builds (the
// package's prepare script; `npm run build` does it again after a change).
const entry = new URL('../dist/cli/main.js', import.meta.url);
let cli;
try {
  cli = await import(entry.href);
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(entry.pathname))
    throw error;
  console.error('ketatrack is not built yet: run `npm run build` (npm install does it too).');
  process.exit(1);
}
await cli.main(process.argv);
