import { pino } from 'pino';
import { loadConfig } from '../config/load-config.js';
import { migrateToLatest, openDatabase, sqlitePathFor } from '../db/database.js';
import { AuditAnchorer } from '../services/audit/audit-anchors.js';
import { createDeps } from '../services/create-deps.js';
import { systemClock } from '../services/deps.js';
import { buildApp } from './app.js';

/** Opens the database, migrates, and serves until SIGINT/SIGTERM. */
export async function serve(): Promise<void> {
  const config = loadConfig();
  const database = openDatabase({
    databaseUrl: config.databaseUrl,
    sqlitePath: sqlitePathFor(config.dataDir),
    // The event loop serves the chairside: WAL checkpoints run in their own thread.
    backgroundCheckpoints: true,
  });
  await migrateToLatest(database);
  const log = pino({ level: config.logLevel });
  const deps = createDeps({ database, clock: systemClock, config, log, workers: true });
  const app = await buildApp(deps, { logger: log });
  // The log's end, signed, outside the database: every minute and at shutdown (ADR 0025).
  const anchorer = new AuditAnchorer(deps);
  await app.listen({ port: config.port, host: config.host });
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  anchorer.start();
  app.log.info(
    `ketatrack on http://${shown}:${config.port} using ${database.dialect} at ${database.location}`,
  );
  const stop = async (): Promise<void> => {
    await app.close();
    await anchorer.stop();
    await deps.jobs.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
