import '../helpers/provided-context.js';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { killHard, ROOT } from '../helpers/cli.js';
import { startDemoServer } from '../helpers/running-server.js';

const chromiumPath = inject('chromiumPath');
const DEMO_DOMAIN = 'demo.ketatrack.invalid';

/** Numbers as the pages print them (one decimal). */
const n1 = (v: number) => v.toFixed(1);

describe.skipIf(!chromiumPath)('outcome reports in the browser', () => {
  let browser: Browser;
  let server: { proc: ChildProcess; url: string };
  const passwords: Record<string, string> = {};

  beforeAll(async () => {
    const demo = await startDemoServer({ patients: 12, seed: 3 });
    server = demo.server;
    Object.assign(passwords, demo.passwords);
    browser = await launchChromium(chromiumPath ?? '');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    if (server) await killHard(server.proc);
  });

  async function signedIn(role: string): Promise<{ page: Page; cookie: string }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId('sign-in-email').fill(`${role}@${DEMO_DOMAIN}`);
    await page.getByTestId('sign-in-password').fill(passwords[role] ?? '');
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('sign-out').waitFor();
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    return { page, cookie };
  }
  const apiGet = async (path: string, cookie: string): Promise<any> =>
    (await fetch(`${server.url}/api/v1${path}`, { headers: { cookie } })).json();

  it('shows a researcher the cohort report with the API’s headline numbers and both charts', async () => {
    const { page, cookie } = await signedIn('researcher');
    await page.getByRole('link', { name: 'Cohort' }).click();
    await page.getByTestId('cohort-headline').waitFor();
    const api = await apiGet('/reports/cohort?instrument=qids-sr16', cookie);
    expect(api.analysed).toBeGreaterThan(3);
    await expect
      .poll(() => page.getByTestId('cohort-analysed').textContent())
      .toBe(String(api.analysed));
    expect(await page.getByTestId('cohort-treated').textContent()).toBe(String(api.treated));
    expect(await page.getByTestId('cohort-change').textContent()).toContain(
      `${n1(api.percentChange.mean)} ± ${n1(api.percentChange.sd)} (95% CI ${n1(api.percentChange.ciLow)} to ${n1(api.percentChange.ciHigh)})`,
    );
    expect(await page.getByTestId('cohort-response').textContent()).toContain(
      `${api.response.count}/${api.response.of}`,
    );
    expect(await page.getByTestId('cohort-remission').textContent()).toContain(
      `${api.remission.count}/${api.remission.of}`,
    );
    // One grey line per analysed course plus the bold mean; the KM curve is drawn.
    expect(await page.getByTestId('trajectory-chart').locator('path').count()).toBe(
      api.analysed + 1,
    );
    expect(await page.getByTestId('km-chart').locator('path').getAttribute('d')).toMatch(
      /^M[\d.]+,[\d.]+ H/,
    );

    // Completers only: the page asks again and shows the new numbers.
    await page.getByLabel('Completers only').check();
    await page.getByTestId('cohort-apply').click();
    const completers = await apiGet(
      '/reports/cohort?instrument=qids-sr16&completersOnly=true',
      cookie,
    );
    await expect
      .poll(() => page.getByTestId('cohort-analysed').textContent())
      .toBe(String(completers.analysed));
    await page.context().close();
  });

  it('imports a study through the upload page (preview, then import) and shows its arm comparison', async () => {
    const { page, cookie } = await signedIn('researcher');
    await page.getByRole('link', { name: 'Import' }).click();
    const fixtures = join(ROOT, 'tests/fixtures/ds005917');
    const mappings = join(ROOT, 'docs/examples');
    for (const [file, mapping] of [
      ['participants.tsv', 'ds005917-participants.mapping.json'],
      ['phenotype.tsv', 'ds005917-phenotype.mapping.json'],
    ] as const) {
      await page.getByTestId('import-file').setInputFiles(join(fixtures, file));
      await page.getByLabel('or load a mapping file').setInputFiles(join(mappings, mapping));
      await expect
        .poll(() => page.getByTestId('import-mapping').inputValue())
        .toContain('ds005917');
      await page.getByTestId('import-preview').click();
      await page.getByTestId('import-summary').waitFor();
      await page.getByTestId('import-commit').click();
      await page.getByTestId('import-done').waitFor();
    }
    expect(await page.getByTestId('import-done').textContent()).toContain('433 scores created');

    await page.getByRole('link', { name: 'Studies' }).click();
    await page.getByTestId('study-comparisons').waitFor();
    await page.getByLabel('Instrument').selectOption('madrs');
    await page.getByTestId('filter-group-MDD').check();
    await page.getByTestId('filter-group-BP').check();
    const api = await apiGet(
      '/reports/study?study=ds005917&instrument=madrs&attribute=group&values=MDD,BP',
      cookie,
    );
    const day2 = api.armComparisons.find((a: any) => a.timePoint === 'day 2').comparison;
    await expect
      .poll(() => page.getByTestId('study-comparisons').locator('tbody tr').first().textContent())
      .toContain(`${n1(day2.meanDifference)} (${n1(day2.ciLow)} to ${n1(day2.ciHigh)})`);
    // The researcher imported it first, so owns it and may let a colleague in (ADR 0026).
    const members = page.getByTestId('study-members');
    await members.waitFor();
    await page.getByTestId('study-member-email').fill('clinician@demo.ketatrack.invalid');
    await members.getByRole('button', { name: 'Add member' }).click();
    await expect.poll(() => members.textContent()).toContain('Clinician (prescriber)');
    await page.context().close();
  });

  it('shows a clinician a patient’s progress report with the API’s numbers', async () => {
    const { page, cookie } = await signedIn('clinician');
    const patients = await apiGet('/patients?limit=50', cookie);
    let target: { id: string; progress: any } | null = null;
    for (const p of patients.patients) {
      const progress = await apiGet(`/patients/${p.id}/progress`, cookie);
      if (progress.instruments.some((i: any) => i.instrument === 'qids-sr16' && i.endpoint)) {
        target = { id: p.id, progress };
        break;
      }
    }
    expect(target).not.toBeNull();
    await page.goto(`${server.url}/patients/${target?.id}`);
    await page.getByRole('tab', { name: 'Outcomes' }).click();
    const row = page.getByTestId('progress-table').locator('tr', { hasText: 'qids-sr16' });
    const qids = target?.progress.instruments.find((i: any) => i.instrument === 'qids-sr16');
    await expect
      .poll(() => row.textContent())
      .toContain(`${qids.baseline.total} (${qids.baseline.at.slice(0, 10)})`);
    const text = (await row.textContent()) ?? '';
    expect(text).toContain(`${qids.endpoint.total} (${qids.endpoint.at.slice(0, 10)})`);
    expect(text).toContain(`${qids.percentChange > 0 ? '+' : ''}${n1(qids.percentChange)}%`);
    await page.context().close();
  });
});
