import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import './provided-context.js';

export const CHROMIUM_PATH = process.env.KETATRACK_CHROMIUM ?? '/usr/bin/chromium';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Needs Debian's Chromium and a built web app (built here if missing). */
export default function setup(project: TestProject): void {
  if (!existsSync(CHROMIUM_PATH)) {
    const why = `Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium)`;
    if (process.env.CI === 'true') throw new Error(`${why}. CI requires the browser suite.`);
    console.warn(`\n!!!!!!!!\n!! ${why}\n!! The browser (e2e) suite is SKIPPED.\n!!!!!!!!\n`);
    project.provide('chromiumPath', null);
    return;
  }
  execFileSync('npm', ['run', 'build:web', '--silent'], { cwd: root, stdio: 'inherit' });
  project.provide('chromiumPath', CHROMIUM_PATH);
}
