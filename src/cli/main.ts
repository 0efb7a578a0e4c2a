import { Command } from 'commander';
// Command modules import only what they describe; each action loads its heavy
// dependencies (database, server) itself, so `ketatrack score` starts fast.
import { ConfigError } from '../config/load-config.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerBackupCommand } from './commands/backup.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerImportCommand } from './commands/import.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerReportCommand } from './commands/report.js';
import { registerRescoreCommand } from './commands/rescore.js';
import { registerScoreCommand } from './commands/score.js';
import { registerServeCommand } from './commands/serve.js';
import { registerUsersCommand } from './commands/users.js';

export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name('ketatrack')
    .description('ketamine treatment records: server, administration and research tools')
    .showHelpAfterError();
  registerServeCommand(program);
  registerMigrateCommand(program);
  registerUsersCommand(program);
  registerAuditCommand(program);
  registerBackupCommand(program);
  registerDemoCommand(program);
  registerScoreCommand(program);
  registerRescoreCommand(program);
  registerReportCommand(program);
  registerImportCommand(program);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
