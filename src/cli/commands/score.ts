import type { Command } from 'commander';
import { INSTRUMENT_IDS, isInstrumentId } from '../../domain/scales/instrument.js';
import { answersFromList, scoreInstrument } from '../../domain/scales/score-instrument.js';
import { DEFAULT_SETTINGS } from '../../domain/settings/setting-definitions.js';

/**
 * Pure scoring for scripts: no database, no configuration, default thresholds
 * (REFERENCE D). Prints one JSON object; invalid answers exit 2 naming the item.
 */
export function registerScoreCommand(program: Command): void {
  program
    .command('score')
    .description('score one set of item answers and print JSON')
    .argument('<instrument>', INSTRUMENT_IDS.join(' | '))
    .argument(
      '<answers>',
      'item scores in item order, comma separated; blank = not answered (MoCA: the seven domain scores)',
    )
    .option('--education-years <n>', 'MoCA: years of formal education')
    .option('--form <version>', 'MoCA: form version 8.1, 8.2 or 8.3')
    .option(
      '--item16 <how>',
      'HAM-D17 item 16 rated by history (default) or measurement',
      'history',
    )
    .action(
      (
        instrument: string,
        list: string,
        opts: { educationYears?: string; form?: string; item16: string },
      ) => {
        const fail = (message: string): void => {
          process.stderr.write(`${message}\n`);
          process.exitCode = 2;
        };
        if (!isInstrumentId(instrument))
          return fail(`unknown instrument "${instrument}"; one of ${INSTRUMENT_IDS.join(', ')}`);
        if (opts.item16 !== 'history' && opts.item16 !== 'measurement')
          return fail('--item16 must be history or measurement');
        let educationYears: number | undefined;
        if (opts.educationYears !== undefined) {
          if (!/^\d+$/.test(opts.educationYears))
            return fail('educationYears: must be a whole number of years');
          educationYears = Number(opts.educationYears);
        }
        const parsed = answersFromList(instrument, list.split(','), { hamdItem16: opts.item16 });
        if (!parsed.ok)
          return fail(parsed.errors.map((e) => `${e.item}: ${e.message} (${e.rule})`).join('\n'));
        const out = scoreInstrument(
          instrument,
          parsed.answers,
          { educationYears, formVersion: opts.form },
          DEFAULT_SETTINGS,
        );
        if (!out.ok)
          return fail(out.errors.map((e) => `item ${e.item}: ${e.message} (${e.rule})`).join('\n'));
        const r = out.result;
        process.stdout.write(
          `${JSON.stringify({ instrument: r.instrument, total: r.total, severity: r.severity, subscales: r.subscales, flags: r.flags.map((f) => f.id), ...(r.riskLevel ? { riskLevel: r.riskLevel } : {}) })}\n`,
        );
      },
    );
}
