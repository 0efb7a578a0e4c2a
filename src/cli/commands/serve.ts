import type { Command } from 'commander';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the server and web app (PORT, HOST, KETATRACK_DATA_DIR, DATABASE_URL)')
    .action(async () => {
      const { serve } = await import('../../server/main.js');
      await serve();
    });
}
