import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Fails (instead of hanging until the test's timeout) when `p` has not settled in `ms`:
 * for work that is stuck without the fix under test, never as a measure of speed.
 */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  const late = sleep(ms, 'late' as const, { ref: false });
  const first = await Promise.race([p, late]);
  if (first === 'late') throw new Error(`${what} after ${ms} ms`);
  return first;
}

/** Polls `done` (a condition on this process's own state) until it holds. */
export async function until(done: () => boolean, what: string, ms = 30_000): Promise<void> {
  for (let waited = 0; !done(); waited += 5) {
    if (waited > ms) throw new Error(`still waiting for ${what} after ${ms} ms`);
    await sleep(5);
  }
}
