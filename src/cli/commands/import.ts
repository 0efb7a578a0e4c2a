import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { cliContext } from '../../services/deps.js';

interface ImportTableOptions {
  mapping: string;
  dryRun?: boolean;
  onConflict: string;
  json?: boolean;
  progress: boolean;
}

export function registerImportCommand(program: Command): void {
  const importCmd = program.command('import').description('bring outside data into ketatrack');
  importCmd
    .command('table')
    .description(
      'import total scores (and subject attributes) from a CSV or TSV file; see docs/import-mapping.md',
    )
    .argument('<file>', 'a .csv or .tsv file with a header row')
    .requiredOption(
      '--mapping <file>',
      'the JSON mapping of columns to subject, time point, scores',
    )
    .option('--dry-run', 'report what would be created; change nothing')
    .option(
      '--on-conflict <rule>',
      'a score imported earlier for the same occasion with another total: error | update',
      'error',
    )
    .option('--json', 'print the summary as JSON')
    .option('--no-progress', 'no progress bar')
    .action(async (file: string, opts: ImportTableOptions) => {
      if (opts.onConflict !== 'error' && opts.onConflict !== 'update') {
        console.error('--on-conflict must be error or update');
        process.exitCode = 2;
        return;
      }
      const fs = await import('node:fs/promises');
      const path = await import('node:path');
      let mapping: unknown;
      try {
        // The table itself is streamed by the import (any size); here only check it is there.
        await fs.access(file, fs.constants.R_OK);
        mapping = JSON.parse(await fs.readFile(opts.mapping, 'utf8')) as unknown;
      } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
        process.exitCode = 2;
        return;
      }
      const { openCliDeps } = await import('../cli-deps.js');
      const { importTable } = await import('../../services/imports/import-table.js');
      const { DomainError } = await import('../../domain/errors/domain-error.js');
      const { SingleBar, Presets } = (await import('cli-progress')).default;
      const bar = new SingleBar(
        { format: 'importing [{bar}] {value}/{total} scores', stream: process.stderr },
        Presets.shades_classic,
      );
      let barStarted = false;
      const deps = await openCliDeps(loadConfig());
      try {
        const summary = await importTable(deps, cliContext(), {
          path: path.resolve(file),
          fileName: path.basename(file),
          mapping,
          dryRun: opts.dryRun === true,
          onConflict: opts.onConflict,
          onProgress: (done, total) => {
            if (!opts.progress || total === 0) return;
            if (!barStarted) {
              bar.start(total, done);
              barStarted = true;
            } else bar.update(done);
          },
        });
        if (barStarted) bar.stop();
        if (opts.json) console.log(JSON.stringify(summary, null, 2));
        else {
          const verb = summary.dryRun ? 'would create' : 'created';
          console.log(
            `${summary.fileName} → study ${summary.study}: ${summary.rowsRead} rows read; ` +
              `${verb} ${summary.scores.created} scores and ${summary.subjects.created} subjects; ` +
              `${summary.scores.unchanged} scores already imported, ${summary.scores.updated} corrected; ` +
              `${summary.missingCells} empty score cells skipped` +
              (summary.batchId ? `; batch ${summary.batchId}` : ''),
          );
        }
        if (!summary.valid) {
          for (const p of summary.problems)
            console.error(`row ${p.row}${p.column ? `, column ${p.column}` : ''}: ${p.message}`);
          console.error(`${summary.problemCount} problems; nothing would be imported.`);
          process.exitCode = 1;
        }
      } catch (error) {
        if (barStarted) bar.stop();
        if (!(error instanceof DomainError)) throw error;
        console.error(error.message);
        for (const f of error.fields) console.error(`${f.field}: ${f.message}`);
        process.exitCode = 1;
      } finally {
        await deps.close();
      }
    });
}
