import type { Config } from '../config/config.js';
import { migrateToLatest, openDatabase, sqlitePathFor } from '../db/database.js';
import { createDeps } from '../services/create-deps.js';
import { systemClock, type Deps } from '../services/deps.js';

/** The CLI builds the same dependencies as the server. */
export async function openCliDeps(
  config: Config,
  opts: { migrate?: boolean } = {},
): Promise<Deps & { close(): Promise<void> }> {
  const database = openDatabase({
    databaseUrl: config.databaseUrl,
    sqlitePath: sqlitePathFor(config.dataDir),
  });
  if (opts.migrate !== false) await migrateToLatest(database);
  const log = {
    info: () => {},
    warn: (o: unknown, m?: string) => console.error(m ?? o),
    error: (o: unknown, m?: string) => console.error(m ?? o),
  };
  const deps = createDeps({ database, clock: systemClock, config, log, workers: false });
  return { ...deps, close: () => database.close() };
}
