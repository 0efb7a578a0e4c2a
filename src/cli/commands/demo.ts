import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';

const MARKER = 'KETATRACK_DEMO';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'create a synthetic clinic in its own data dir (never your real data) and serve it',
    )
    .option('--data-dir <dir>', 'where the demo lives', './demo-data')
    .option('--patients <n>', 'number of synthetic patients', '30')
    .option('--seed <n>', 'random seed', '1')
    .option(
      '--bulk',
      'write a registry-sized cohort straight into the tables (fast; for trying reports at scale)',
    )
    .option('--no-serve', 'create the data and exit')
    .action(
      async (opts: {
        dataDir: string;
        patients: string;
        seed: string;
        serve: boolean;
        bulk?: boolean;
      }) => {
        const dir = resolve(opts.dataDir);
        const patients = Number(opts.patients);
        const seed = Number(opts.seed);
        if (!Number.isInteger(patients) || patients < 0 || patients > 100_000) {
          console.error('--patients must be a whole number from 0 to 100000');
          process.exitCode = 2;
          return;
        }
        if (!Number.isInteger(seed)) {
          console.error('--seed must be a whole number');
          process.exitCode = 2;
          return;
        }
        if (existsSync(dir)) {
          if (!existsSync(join(dir, MARKER))) {
            console.error(`${dir} exists and is not a demo directory; refusing to touch it`);
            process.exitCode = 2;
            return;
          }
          rmSync(dir, { recursive: true, force: true });
        }
        mkdirSync(dir, { recursive: true });
        writeFileSync(
          join(dir, MARKER),
          'Synthetic demo data made by `ketatrack demo`. Safe to delete.\n',
        );
        // The demo always uses its own SQLite file, even if DATABASE_URL is set.
        const env = { ...process.env, KETATRACK_DATA_DIR: dir, DATABASE_URL: '' };
        const { openCliDeps } = await import('../cli-deps.js');
        const { createSyntheticClinic } = await import('../../services/demo/synthetic-clinic.js');
        const deps = await openCliDeps(loadConfig(env));
        let accounts;
        try {
          // --bulk: accounts only through the services, then patients written in bulk.
          accounts = await createSyntheticClinic(deps, {
            patients: opts.bulk ? 0 : patients,
            seed,
          });
          if (opts.bulk) {
            const { generateCohort } = await import('../../services/demo/bulk-cohort.js');
            const { SingleBar, Presets } = (await import('cli-progress')).default;
            const clinician = await deps.database.db
              .selectFrom('users')
              .select('id')
              .where('email', '=', 'clinician@demo.ketatrack.invalid')
              .executeTakeFirstOrThrow();
            const bar = new SingleBar(
              { format: 'writing [{bar}] {value}/{total} patients', stream: process.stderr },
              Presets.shades_classic,
            );
            bar.start(patients, 0);
            await generateCohort(deps.database.db, {
              patients,
              seed,
              userId: clinician.id,
              onProgress: (n) => bar.update(n),
            });
            bar.stop();
          }
        } finally {
          await deps.close();
        }
        console.log(`Synthetic clinic in ${dir}: ${patients} patients (all SYNTHETIC, MRNs SYN-…)`);
        console.log('Accounts (passwords are shown only now):');
        for (const a of accounts)
          console.log(`  ${a.role.padEnd(10)} ${a.email.padEnd(36)} ${a.password}`);
        if (opts.serve) {
          process.env.KETATRACK_DATA_DIR = dir;
          process.env.DATABASE_URL = '';
          const { serve } = await import('../../server/main.js');
          await serve();
        }
      },
    );
}
