import type { Command } from 'commander';
import { serve } from '../../server/main.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the server and web app (PORT, HOST, KETATRACK_DATA_DIR, DATABASE_URL)')
    .action(async () => {
      await serve();
    });
}
