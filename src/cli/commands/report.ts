import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { INSTRUMENT_IDS, isInstrumentId } from '../../domain/scales/instrument.js';
import { cliContext } from '../../services/deps.js';

export function registerReportCommand(program: Command): void {
  const report = program.command('report').description('outcome reports from the records');
  report
    .command('cohort')
    .description('the cohort outcome table (same numbers as GET /api/v1/reports/cohort)')
    .option('--instrument <id>', INSTRUMENT_IDS.join(' | '), 'qids-sr16')
    .option('--protocol <id>', 'only courses of this protocol')
    .option('--from <date>', 'courses starting on or after YYYY-MM-DD')
    .option('--to <date>', 'courses starting on or before YYYY-MM-DD')
    .option('--completers', 'completers only')
    .option(
      '--format <format>',
      'json (the report) or csv (the analysis dataset, one row per course)',
      'json',
    )
    .action(
      async (opts: {
        instrument: string;
        protocol?: string;
        from?: string;
        to?: string;
        completers?: boolean;
        format: string;
      }) => {
        if (!isInstrumentId(opts.instrument)) {
          console.error(`--instrument must be one of ${INSTRUMENT_IDS.join(', ')}`);
          process.exitCode = 2;
          return;
        }
        if (opts.format !== 'json' && opts.format !== 'csv') {
          console.error('--format must be json or csv');
          process.exitCode = 2;
          return;
        }
        const { openCliDeps } = await import('../cli-deps.js');
        const { cohortReport } = await import('../../services/outcomes/cohort-report.js');
        const deps = await openCliDeps(loadConfig());
        try {
          const r = await cohortReport(deps, cliContext(), {
            instrument: opts.instrument,
            protocolId: opts.protocol,
            from: opts.from,
            to: opts.to,
            completersOnly: opts.completers === true,
          });
          if (opts.format === 'json') {
            process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
          } else {
            const { stringify } = await import('csv-stringify/sync');
            process.stdout.write(
              stringify(
                r.rows.map((row) => ({ ...row })),
                // Spelled out for R and Python readers (the default writes 1 and an empty cell).
                { header: true, cast: { boolean: (v) => (v ? 'true' : 'false') } },
              ),
            );
          }
        } finally {
          await deps.close();
        }
      },
    );
}
