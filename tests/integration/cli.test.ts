import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { openSqlite } from '../../src/db/sqlite-driver.js';
import { runCli } from '../helpers/cli.js';
import { createPgSchema } from '../helpers/pg-schema.js';
import { dialects, tempDir } from '../helpers/test-deps.js';

describe.each(dialects())('ketatrack CLI on %s', (dialect) => {
  it('creates users from stdin, then `audit verify` passes and, after one row is edited, fails naming it', async () => {
    const dataDir = tempDir();
    const pgSchema = dialect === 'postgres' ? await createPgSchema(inject('pgUrl')!) : null;
    const env = { KETATRACK_DATA_DIR: dataDir, DATABASE_URL: pgSchema?.url ?? '' };
    try {
      const migrate = runCli(['migrate'], env);
      expect(migrate.status, migrate.stderr).toBe(0);
      expect(migrate.stdout).toContain('applied: 202611271400_create-core');

      const created = runCli(
        ['users', 'create', '--email', 'Nurse@Clinic.test', '--role', 'nurse'],
        env,
        'a very good password\n',
      );
      expect(created.status, created.stderr).toBe(0);
      expect(created.stdout).toMatch(/created nurse nurse@clinic\.test/);
      expect(
        runCli(['users', 'create', '--email', 'x@clinic.test', '--role', 'nurse'], env, 'short\n')
          .status,
      ).toBe(2);
      expect(
        runCli(
          ['users', 'create', '--email', 'x@clinic.test', '--role', 'pilot'],
          env,
          'a very good password\n',
        ).status,
      ).toBe(2);
      runCli(
        ['users', 'create', '--email', 'doc@clinic.test', '--role', 'clinician'],
        env,
        'a very good password\n',
      );
      runCli(
        ['users', 'create', '--email', 'r@clinic.test', '--role', 'researcher'],
        env,
        'a very good password\n',
      );
      const list = runCli(['users', 'list'], env);
      expect(list.stdout.trim().split('\n')).toHaveLength(3);

      const ok = runCli(['audit', 'verify'], env);
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('audit log intact: 3 events checked');

      // Tamper with the second row directly in the database, past the append-only trigger.
      if (pgSchema) {
        const client = new pg.Client({ connectionString: pgSchema.url });
        await client.connect();
        await client.query('alter table audit_events disable trigger audit_events_no_change');
        await client.query(
          "update audit_events set actor_email = 'mallory@evil.test' where seq = 2",
        );
        await client.end();
      } else {
        const db = openSqlite(join(dataDir, 'ketatrack.sqlite'));
        db.exec('drop trigger audit_events_no_update');
        db.prepare("update audit_events set actor_email = 'mallory@evil.test' where seq = 2").run();
        db.close();
      }
      const broken = runCli(['audit', 'verify'], env);
      expect(broken.status).toBe(1);
      expect(broken.stderr).toContain('BROKEN at seq 2');
    } finally {
      await pgSchema?.drop();
    }
  });
});

describe.runIf(dialects().includes('postgres'))(
  'ketatrack CLI on a shared PostgreSQL database',
  () => {
    it('migrates the schema its DATABASE_URL names while another schema already holds migrations', async () => {
      const other = await createPgSchema(inject('pgUrl')!);
      const own = await createPgSchema(inject('pgUrl')!);
      try {
        const first = runCli(['migrate'], {
          KETATRACK_DATA_DIR: tempDir(),
          DATABASE_URL: other.url,
        });
        expect(first.status, first.stderr).toBe(0);
        const second = runCli(['migrate'], {
          KETATRACK_DATA_DIR: tempDir(),
          DATABASE_URL: own.url,
        });
        expect(second.status, second.stderr).toBe(0);
        expect(second.stdout).toContain('applied: 202611271400_create-core');
      } finally {
        await other.drop();
        await own.drop();
      }
    });
  },
);

describe('ketatrack CLI (SQLite only)', () => {
  it('backs up the SQLite database online to a file that opens and holds the data', () => {
    const dataDir = tempDir();
    const env = { KETATRACK_DATA_DIR: dataDir, DATABASE_URL: '' };
    runCli(
      ['users', 'create', '--email', 'a@clinic.test', '--role', 'admin'],
      env,
      'a very good password\n',
    );
    const target = join(tempDir(), 'backup.sqlite');
    const res = runCli(['backup', target], env);
    expect(res.status, res.stderr).toBe(0);
    const copy = openSqlite(target, { readonly: true });
    expect(copy.prepare('select email from users').all()).toEqual([{ email: 'a@clinic.test' }]);
    copy.close();
  });

  it('writes a bulk synthetic cohort with --bulk, scored and reportable', () => {
    const dir = join(tempDir(), 'bulk');
    const res = runCli(
      ['demo', '--data-dir', dir, '--patients', '300', '--seed', '2', '--bulk', '--no-serve'],
      {},
    );
    expect(res.status, res.stderr).toBe(0);
    const db = openSqlite(join(dir, 'ketatrack.sqlite'), { readonly: true });
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    expect(count('select count(*) as n from patients')).toBe(300);
    expect(count("select count(*) as n from patients where mrn not like 'SYN-%'")).toBe(0);
    expect(count('select count(*) as n from assessments')).toBe(6000);
    db.close();
    const env = { KETATRACK_DATA_DIR: dir, DATABASE_URL: '' };
    // Every stored result is what today's scorer gives for the stored answers.
    const rescore = JSON.parse(runCli(['rescore', '--json'], env).stdout) as {
      checked: number;
      changed: unknown[];
    };
    expect(rescore).toMatchObject({ checked: 6000, changed: [] });
    const report = JSON.parse(runCli(['report', 'cohort'], env).stdout) as {
      treated: number;
      analysed: number;
      percentChange: { mean: number };
    };
    expect(report.treated).toBeGreaterThan(150);
    expect(report.analysed).toBe(report.treated);
    expect(report.percentChange.mean).toBeLessThan(-20);
  });

  it('builds a synthetic demo clinic in its own directory with one account per role', () => {
    const dir = join(tempDir(), 'demo');
    const res = runCli(['demo', '--data-dir', dir, '--patients', '30', '--no-serve'], {});
    expect(res.status, res.stderr).toBe(0);
    for (const role of ['admin', 'clinician', 'nurse', 'researcher']) {
      expect(res.stdout).toMatch(
        new RegExp(`${role}\\s+${role}@demo\\.ketatrack\\.invalid\\s+\\S{12,}`),
      );
    }
    const db = openSqlite(join(dir, 'ketatrack.sqlite'), { readonly: true });
    const patients = db.prepare('select mrn, notes from patients').all() as {
      mrn: string;
      notes: string;
    }[];
    db.close();
    expect(patients).toHaveLength(30);
    expect(patients.every((p) => p.mrn.startsWith('SYN-') && p.notes.includes('SYNTHETIC'))).toBe(
      true,
    );
    // The cohort report runs over the same data (the demo includes synthetic courses).
    const report = runCli(['report', 'cohort', '--format', 'json'], {
      KETATRACK_DATA_DIR: dir,
      DATABASE_URL: '',
    });
    expect(report.status, report.stderr).toBe(0);
    const cohort = JSON.parse(report.stdout);
    expect(cohort).toMatchObject({ rules: { baselineWindowDays: 14, remissionMax: 5 } });
    expect(cohort.analysed).toBeGreaterThan(10);
    expect(
      runCli(['report', 'cohort', '--format', 'xml'], { KETATRACK_DATA_DIR: dir, DATABASE_URL: '' })
        .status,
    ).toBe(2);
    // It refuses to overwrite a directory that is not a demo.
    const notDemo = runCli(['demo', '--data-dir', tempDir(), '--no-serve'], {});
    expect(notDemo.status).toBe(2);
  });

  it('reports every configuration error at once', () => {
    const res = runCli(['migrate'], { PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('PORT must be a whole number');
    expect(res.stderr).toContain('LOG_LEVEL must be one of');
    expect(res.stderr).toContain('DATABASE_URL must start with postgres://');
  });
});
