import type { Config } from '../config/config.js';
import { migrateToLatest, openDatabase, sqlitePathFor } from '../db/database.js';
import { anchorAfterCommand, auditAnchorPath } from '../services/audit/audit-anchors.js';
import { createDeps } from '../services/create-deps.js';
import { systemClock, type Deps } from '../services/deps.js';

/**
 * The CLI builds the same dependencies as the server. On close it anchors the audit log's
 * end (ADR 0025) if it moved, since most commands write to the log; `anchor: false` for a
 * command that must only look (`audit verify`).
 */
export async function openCliDeps(
  config: Config,
  opts: { migrate?: boolean; anchor?: boolean } = {},
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
  const close = async (): Promise<void> => {
    try {
      if (opts.anchor !== false) await anchorAfterCommand(deps);
    } catch (error) {
      console.error(
        `could not record the audit log's end in ${auditAnchorPath(config)}: ${(error as Error).message}`,
      );
    } finally {
      await database.close();
    }
  };
  return { ...deps, close };
}
