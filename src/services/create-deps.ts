import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import { createJobs, InlineJobs } from './jobs/jobs.js';
import { noBackground, type Clock, type Deps, type Logger } from './deps.js';

/**
 * The one place dependencies are put together. `workers`: heavy reads in worker
 * threads (the server, tests, benches) or on the calling thread (the command line,
 * where the one user is waiting for exactly that work). The server replaces
 * `background` with its outcome refresher (see buildApp).
 */
export function createDeps(parts: {
  database: Database;
  clock: Clock;
  config: Config;
  log: Logger;
  workers: boolean;
}): Deps {
  const { database, clock, config, log } = parts;
  return {
    database,
    clock,
    config,
    log,
    jobs: parts.workers
      ? createJobs(database, config.workers, {
          readerIdleMs: config.streamIdleSeconds * 1000,
        })
      : new InlineJobs(database),
    background: noBackground,
  };
}
