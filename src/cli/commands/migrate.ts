import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { migrateToLatest } from '../../db/database.js';
import { openCliDeps } from '../cli-deps.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema up to date')
    .action(async () => {
      const deps = await openCliDeps(loadConfig(), { migrate: false });
      try {
        const result = await migrateToLatest(deps.database);
        const applied = result.results ?? [];
        if (applied.length === 0) console.log(`${deps.database.location}: already up to date`);
        for (const r of applied)
          console.log(`${r.status === 'Success' ? 'applied' : r.status}: ${r.migrationName}`);
      } finally {
        await deps.close();
      }
    });
}
