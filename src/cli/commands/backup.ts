import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';

export function registerBackupCommand(program: Command): void {
  program
    .command('backup')
    .description(
      'copy the SQLite database to a file while the server runs (PostgreSQL: use pg_dump)',
    )
    .argument('<file>', 'where to write the backup')
    .action(async (file: string) => {
      const { openCliDeps } = await import('../cli-deps.js');
      const deps = await openCliDeps(loadConfig(), { migrate: false });
      try {
        if (!deps.database.sqlite) {
          console.error(
            'DATABASE_URL points at PostgreSQL: back up with pg_dump -Fc "$DATABASE_URL" -f ketatrack.dump (see README).',
          );
          process.exitCode = 2;
          return;
        }
        const target = resolve(file);
        // SQLite's online backup API copies a consistent snapshot while writers continue.
        await deps.database.sqlite.backup(target);
        console.log(`backed up ${deps.database.location} to ${target}`);
      } finally {
        await deps.close();
      }
    });
}
