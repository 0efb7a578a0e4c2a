import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('verify')
    .description('recompute the hash chain; exits 1 naming the first broken row')
    .action(async () => {
      const { openCliDeps } = await import('../cli-deps.js');
      const { verifyAuditChain } = await import('../../services/audit/audit-log.js');
      const deps = await openCliDeps(loadConfig(), { migrate: false });
      try {
        const result = await verifyAuditChain(deps);
        if (result.ok) {
          console.log(`audit log intact: ${result.checked} events checked`);
        } else {
          console.error(`audit log BROKEN at seq ${result.firstBrokenSeq}: ${result.reason}`);
          console.error(`${result.checked} events before it verified`);
          process.exitCode = 1;
        }
      } finally {
        await deps.close();
      }
    });
}
