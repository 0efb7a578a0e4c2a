import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { cliContext } from '../../services/deps.js';

export function registerRescoreCommand(program: Command): void {
  program
    .command('rescore')
    .description(
      'recompute stored scores with the current scorers and report what moved (--apply to write)',
    )
    .option('--apply', 'write the new results (audited)')
    .option('--json', 'print the full report as JSON')
    .action(async (opts: { apply?: boolean; json?: boolean }) => {
      const { openCliDeps } = await import('../cli-deps.js');
      const { rescoreAssessments } = await import('../../services/assessments/rescore.js');
      const deps = await openCliDeps(loadConfig());
      try {
        const report = await rescoreAssessments(deps, cliContext(), { apply: opts.apply === true });
        if (opts.json) {
          console.log(JSON.stringify(report, null, 2));
          return;
        }
        console.log(
          `${report.checked} stored scores checked, ${report.changed.length} would change${report.applied ? ' (applied)' : ''}`,
        );
        for (const c of report.changed) {
          const to =
            'error' in c.after
              ? `cannot score: ${c.after.error}`
              : `${c.after.total ?? c.after.riskLevel} ${c.after.severity ?? ''} v${c.after.scorerVersion}`;
          console.log(
            `  ${c.assessmentId} ${c.instrument}: ${c.before.total ?? c.before.riskLevel} ${c.before.severity ?? ''} v${c.before.scorerVersion} → ${to}`,
          );
        }
      } finally {
        await deps.close();
      }
    });
}
