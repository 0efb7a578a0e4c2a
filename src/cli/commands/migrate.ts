import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema up to date')
    .action(async () => {
      const { openCliDeps } = await import('../cli-deps.js');
      const { migrateToLatest } = await import('../../db/database.js');
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
