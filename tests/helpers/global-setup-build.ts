import { execFileSync } from 'node:child_process';
import { ROOT } from './cli.js';

/**
 * The CLI and the server that tests start run the built JavaScript in dist/, so
 * they are built from the sources under test first: never a stale build. tsc is
 * incremental (its build info lives in dist/), about 3 s when nothing changed.
 */
export default function setup(): void {
  execFileSync('npm', ['run', 'build:server', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}
