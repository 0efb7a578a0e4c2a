import { once } from 'node:events';
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
    .option('--site <id>', 'only courses given at this site (ids: GET /api/v1/sites)')
    .option('--from <date>', 'courses starting on or after YYYY-MM-DD')
    .option('--to <date>', 'courses starting on or before YYYY-MM-DD')
    .option('--diagnosis <code>', 'patients with a diagnosis code starting with this, e.g. F33')
    .option('--completers', 'completers only')
    .option(
      '--format <format>',
      'json (the report), html (a printable page with charts) or csv (the analysis dataset, one row per course)',
      'json',
    )
    .action(
      async (opts: {
        instrument: string;
        protocol?: string;
        site?: string;
        from?: string;
        to?: string;
        diagnosis?: string;
        completers?: boolean;
        format: string;
      }) => {
        if (!isInstrumentId(opts.instrument)) {
          console.error(`--instrument must be one of ${INSTRUMENT_IDS.join(', ')}`);
          process.exitCode = 2;
          return;
        }
        if (!['json', 'csv', 'html'].includes(opts.format)) {
          console.error('--format must be json, csv or html');
          process.exitCode = 2;
          return;
        }
        const { openCliDeps } = await import('../cli-deps.js');
        const { cohortDataset, cohortReport } =
          await import('../../services/outcomes/cohort-report.js');
        const { refreshAllStale } = await import('../../services/outcomes/outcome-refresher.js');
        const deps = await openCliDeps(loadConfig());
        try {
          // No server keeps outcomes current here: bring them up to date first, so the
          // figures printed are final (the user is waiting for exactly this work).
          await refreshAllStale(deps);
          const filter = {
            instrument: opts.instrument,
            protocolId: opts.protocol,
            siteId: opts.site,
            from: opts.from,
            to: opts.to,
            diagnosis: opts.diagnosis,
            completersOnly: opts.completers === true,
          };
          if (opts.format === 'csv') {
            for await (const chunk of await cohortDataset(deps, cliContext(), filter))
              if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
            return;
          }
          const r = await cohortReport(deps, cliContext(), filter);
          if (opts.format === 'json') {
            process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
          } else {
            const { cohortReportHtml } =
              await import('../../services/outcomes/cohort-report-html.js');
            process.stdout.write(cohortReportHtml(r, deps.clock.now()));
          }
        } finally {
          await deps.close();
        }
      },
    );

  report
    .command('study')
    .description(
      'outcomes of an imported study by arm and time point (same numbers as GET /api/v1/reports/study)',
    )
    .requiredOption('--study <name>', 'the study name given in the import mapping')
    .option('--instrument <id>', INSTRUMENT_IDS.join(' | '), 'madrs')
    .option(
      '--where <attribute=values>',
      'only subjects whose attribute is one of the values, e.g. group=MDD,BP',
    )
    .option('--format <format>', 'json (the report) or csv (the analysis dataset)', 'json')
    .action(async (opts: { study: string; instrument: string; where?: string; format: string }) => {
      if (!isInstrumentId(opts.instrument)) {
        console.error(`--instrument must be one of ${INSTRUMENT_IDS.join(', ')}`);
        process.exitCode = 2;
        return;
      }
      const where = opts.where === undefined ? undefined : parseWhere(opts.where);
      if (where === null || (opts.format !== 'json' && opts.format !== 'csv')) {
        console.error(
          where === null
            ? '--where must look like attribute=value1,value2'
            : '--format must be json or csv',
        );
        process.exitCode = 2;
        return;
      }
      const { openCliDeps } = await import('../cli-deps.js');
      const { studyReport } = await import('../../services/outcomes/study-report.js');
      const { DomainError } = await import('../../domain/errors/domain-error.js');
      const deps = await openCliDeps(loadConfig());
      try {
        const r = await studyReport(deps, cliContext(), {
          study: opts.study,
          instrument: opts.instrument,
          attribute: where,
        });
        if (opts.format === 'json') process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        else {
          const { datasetCsv } = await import('../../services/outcomes/dataset-csv.js');
          process.stdout.write(datasetCsv(r.rows));
        }
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        console.error(error.message);
        process.exitCode = 1;
      } finally {
        await deps.close();
      }
    });
}

/** `group=MDD,BP` → { name: 'group', values: ['MDD', 'BP'] }; null when malformed. */
export function parseWhere(text: string): { name: string; values: string[] } | null {
  const m = /^([A-Za-z][A-Za-z0-9_]*)=(.+)$/.exec(text);
  if (!m?.[1] || !m[2]) return null;
  const values = m[2]
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  return values.length > 0 ? { name: m[1], values } : null;
}
