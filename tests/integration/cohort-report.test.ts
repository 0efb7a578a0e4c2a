import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { killHard, ROOT, runCli, startServer } from '../helpers/cli.js';
import { tempDir } from '../helpers/test-deps.js';
import { APP_HEADERS } from '../helpers/app-headers.js';

// Expected figures from SciPy, computed from the analysis dataset alone:
// tests/fixtures/cohort/make_expected.py (commands inside).
const fixture = (name: string) => readFileSync(join(ROOT, 'tests/fixtures/cohort', name), 'utf8');
const expected = JSON.parse(fixture('demo-seed1-expected.json')) as Record<string, any>;
const close = (actual: number, wanted: number) =>
  expect(Math.abs(actual - wanted)).toBeLessThan(1e-6);

describe('cohort report on a seeded synthetic clinic (SQLite)', () => {
  it('gives the same numbers in the CLI and the API, matching an independent SciPy computation', async () => {
    const dir = join(tempDir(), 'demo');
    const demo = runCli(
      ['demo', '--data-dir', dir, '--patients', '30', '--seed', '1', '--no-serve'],
      {},
    );
    expect(demo.status, demo.stderr).toBe(0);
    const env = { KETATRACK_DATA_DIR: dir, DATABASE_URL: '' };
    const cli = JSON.parse(runCli(['report', 'cohort', '--format', 'json'], env).stdout) as Record<
      string,
      any
    >;

    expect(cli.analysed).toBe(expected.analysed);
    for (const key of ['baseline', 'endpoint', 'percentChange']) {
      for (const stat of ['mean', 'sd', 'ciLow', 'ciHigh'])
        close(cli[key][stat], expected[key][stat]);
    }
    for (const key of ['response', 'remission']) {
      expect(cli[key].count).toBe(expected[key].count);
      close(cli[key].ci.low, expected[key].low);
      close(cli[key].ci.high, expected[key].high);
    }
    const si = expected.suicidalIdeation;
    expect([cli.suicidalIdeation.resolved, cli.suicidalIdeation.atBaseline]).toEqual([
      si.count,
      si.of,
    ]);
    expect(si.of).toBeGreaterThan(0);
    close(cli.suicidalIdeation.ci.low, si.low);
    close(cli.suicidalIdeation.ci.high, si.high);

    // The analysis dataset is the one the fixture was computed from (the fixture's
    // course and subject columns hold the pseudonyms of the run that made it, in another
    // order): the same rows, and each patient's courses grouped alike.
    const figures = (rows: Record<string, string>[]) =>
      rows.map(({ course: _course, subject: _subject, ...rest }) => JSON.stringify(rest)).sort();
    const grouping = (rows: Record<string, string>[]) => {
      const bySubject = new Map<string, string[]>();
      for (const { course: _course, subject, ...rest } of rows)
        bySubject.set(subject ?? '', [
          ...(bySubject.get(subject ?? '') ?? []),
          JSON.stringify(rest),
        ]);
      return [...bySubject.values()].map((courses) => courses.sort().join('\n')).sort();
    };
    const csv = runCli(['report', 'cohort', '--format', 'csv'], env).stdout;
    const rows = parse<Record<string, string>>(csv, { columns: true });
    const fixtureRows = parse<Record<string, string>>(fixture('demo-seed1-dataset.csv'), {
      columns: true,
    });
    expect(figures(rows)).toEqual(figures(fixtureRows));
    expect(grouping(rows)).toEqual(grouping(fixtureRows));
    // De-identified: courses by report pseudonyms, never the stored (time-ordered) ids.
    expect(rows.map((r) => r.course)).toEqual(rows.map((_, i) => `C${i + 1}`));
    expect(JSON.stringify(cli)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);

    // The API serves the same report.
    const password =
      /researcher\s+researcher@demo\.ketatrack\.invalid\s+(\S+)/.exec(demo.stdout)?.[1] ?? '';
    const server = await startServer(env);
    try {
      const signIn = await fetch(`${server.url}/api/v1/auth/sign-in`, {
        method: 'POST',
        headers: { ...APP_HEADERS, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'researcher@demo.ketatrack.invalid', password }),
      });
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const api = (await (
        await fetch(`${server.url}/api/v1/reports/cohort?instrument=qids-sr16`, {
          headers: { cookie },
        })
      ).json()) as Record<string, unknown>;
      expect(api).toEqual(cli);
      expect(cli.freshness).toEqual({ current: true, coursesPending: 0 });
      // Sized for the wire: headline, chart series and a bounded sample of trajectories;
      // the per-course rows are the streamed CSV dataset.
      expect(api).not.toHaveProperty('rows');

      // The CSV and HTML downloads carry the same numbers.
      const apiCsv = await fetch(`${server.url}/api/v1/reports/cohort/dataset.csv`, {
        headers: { cookie },
      });
      expect(apiCsv.headers.get('content-type')).toContain('text/csv');
      expect(await apiCsv.text()).toBe(csv);
      const html = await (
        await fetch(`${server.url}/api/v1/reports/cohort/report.html`, { headers: { cookie } })
      ).text();
      const pc = cli.percentChange;
      expect(html).toContain(
        `${pc.mean.toFixed(1)} ± ${pc.sd.toFixed(1)} (95% CI ${pc.ciLow.toFixed(1)} to ${pc.ciHigh.toFixed(1)})`,
      );
      expect(html).toContain(`${cli.response.count}/${cli.response.of} (`);
      expect(html).not.toMatch(/SYN-|Synthetic/);
      const cliHtml = runCli(['report', 'cohort', '--format', 'html'], env).stdout;
      // Same page apart from the moment it was generated.
      const unstamped = (h: string) => h.replace(/Generated \S+/, 'Generated');
      expect(unstamped(cliHtml)).toBe(unstamped(html));

      // Diagnosis filter: F32 and F33 courses together are the whole cohort.
      const byDiagnosis = async (code: string) =>
        (
          (await (
            await fetch(`${server.url}/api/v1/reports/cohort?diagnosis=${code}`, {
              headers: { cookie },
            })
          ).json()) as { treated: number }
        ).treated;
      const [f32, f33] = [await byDiagnosis('F32'), await byDiagnosis('F33')];
      expect(f32).toBeGreaterThan(0);
      expect(f33).toBeGreaterThan(0);
      expect(f32 + f33).toBe(cli.treated);
    } finally {
      await killHard(server.proc);
    }
  });
});
