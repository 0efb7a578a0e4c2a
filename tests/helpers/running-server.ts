import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { APP_HEADERS } from './app-headers.js';
import { runCli, startServer } from './cli.js';
import { tempDir } from './test-deps.js';

/**
 * A JSON POST to a running server, sent as our own pages send it (the app header,
 * ADR 0023); the answer's status, body and the session cookie it set, if any.
 */
export async function postJson(
  url: string,
  path: string,
  body: unknown,
  cookie = '',
): Promise<{ status: number; json: any; cookie: string }> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { ...APP_HEADERS, 'content-type': 'application/json', cookie },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    json: await res.json(),
    cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
  };
}

/** A server on a synthetic clinic (`ketatrack demo`), with each demo role's password. */
export async function startDemoServer(a: { patients: number; seed: number }): Promise<{
  server: { proc: ChildProcess; url: string };
  passwords: Record<string, string>;
}> {
  const dir = join(tempDir(), 'demo');
  const demo = runCli(
    [
      'demo',
      '--data-dir',
      dir,
      '--patients',
      String(a.patients),
      '--seed',
      String(a.seed),
      '--no-serve',
    ],
    {},
  );
  expect(demo.status, demo.stderr).toBe(0);
  const passwords: Record<string, string> = {};
  for (const m of demo.stdout.matchAll(/^\s+(\w+)\s+\S+@demo\.ketatrack\.invalid\s+(\S+)$/gm))
    passwords[m[1] ?? ''] = m[2] ?? '';
  const server = await startServer({
    KETATRACK_DATA_DIR: dir,
    DATABASE_URL: '',
    KETATRACK_SIGNIN_RATE_PER_MINUTE: '1000',
  });
  return { server, passwords };
}
