import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';

/**
 * The command line runs with the machine's own access (the database file or its URL, and
 * the secret key), so it needs no role; it prints no event's contents, only seq numbers,
 * times and hashes (ADR 0025).
 */
export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('verify')
    .description(
      'recompute the hash chain and check it still holds every end an anchor recorded; exits 1 naming the first problem',
    )
    .option(
      '--anchors <file>',
      'check against this copy of the anchors (default: audit-anchors.jsonl in the data directory)',
    )
    .action(async (opts: { anchors?: string }) => {
      const { openCliDeps } = await import('../cli-deps.js');
      const { verifyAuditChain } = await import('../../services/audit/audit-log.js');
      // Verification only looks: it must not anchor the end it is checking.
      const deps = await openCliDeps(loadConfig(), { migrate: false, anchor: false });
      try {
        const result = await verifyAuditChain(
          deps,
          opts.anchors ? { anchorFile: resolve(opts.anchors) } : {},
        );
        if (result.ok) {
          console.log(`audit log intact: ${result.checked} events checked`);
          console.log(
            result.anchorsChecked > 0
              ? `every event recorded by ${result.anchorsChecked} anchors is present (latest anchor ${result.lastAnchorAt})`
              : 'no anchors yet: a removal of the newest events could not be detected (see `ketatrack audit anchor`)',
          );
        } else {
          console.error(`audit log BROKEN at seq ${result.firstBrokenSeq}: ${result.reason}`);
          console.error(`${result.checked} events before it verified`);
          process.exitCode = 1;
        }
        if (result.anchorsUnreadable > 0)
          console.error(
            `${result.anchorsUnreadable} lines of the anchor file are not anchors (cut short by a crash?) and were skipped`,
          );
      } finally {
        await deps.close();
      }
    });
  audit
    .command('anchor')
    .description(
      "record the end of the audit log now (signed, in the data directory's audit-anchors.jsonl) and print it, to keep a copy elsewhere",
    )
    .action(async () => {
      const { openCliDeps } = await import('../cli-deps.js');
      const { writeAuditAnchor } = await import('../../services/audit/audit-anchors.js');
      const deps = await openCliDeps(loadConfig(), { migrate: false, anchor: false });
      try {
        const anchor = await writeAuditAnchor(deps, 'cli');
        if (anchor) console.log(JSON.stringify(anchor));
        else console.error('the audit log is empty: nothing to anchor');
      } finally {
        await deps.close();
      }
    });
}
