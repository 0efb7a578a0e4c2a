import '../helpers/provided-context.js';
import type { ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { killHard, startServer } from '../helpers/cli.js';
import { postJson } from '../helpers/running-server.js';
import { tempDir } from '../helpers/test-deps.js';

const chromiumPath = inject('chromiumPath');

describe.skipIf(!chromiumPath)('eligibility in the browser', () => {
  let browser: Browser;
  let server: { proc: ChildProcess; url: string };
  let patientId: string;

  beforeAll(async () => {
    server = await startServer({
      KETATRACK_DATA_DIR: tempDir(),
      DATABASE_URL: '',
      KETATRACK_SIGNIN_RATE_PER_MINUTE: '1000',
    });
    const { url } = server;
    await postJson(url, '/api/v1/setup', {
      email: 'admin@clinic.test',
      displayName: 'Admin',
      password: 'admin password 123',
    });
    const admin = await postJson(url, '/api/v1/auth/sign-in', {
      email: 'admin@clinic.test',
      password: 'admin password 123',
    });
    await postJson(
      url,
      '/api/v1/users',
      {
        email: 'doc@clinic.test',
        displayName: 'Dr Doc',
        role: 'clinician',
        password: 'doctor password 1',
      },
      admin.cookie,
    );
    const doc = await postJson(url, '/api/v1/auth/sign-in', {
      email: 'doc@clinic.test',
      password: 'doctor password 1',
    });
    patientId = (
      await postJson(
        url,
        '/api/v1/patients',
        {
          mrn: 'ELG-E2E',
          familyName: 'Resistant',
          givenName: 'Rosa',
          dateOfBirth: '1972-07-07',
          sex: 'female',
        },
        doc.cookie,
      )
    ).json.id;
    browser = await launchChromium(chromiumPath ?? '');
  });
  afterAll(async () => {
    await browser?.close();
    if (server) await killHard(server.proc);
  });

  it('three trials, two adequate failures → TRD with reasons; a relative contraindication → override with reason → clear', async () => {
    const context = await browser.newContext({ viewport: { width: 1180, height: 900 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId('sign-in-email').fill('doc@clinic.test');
    await page.getByTestId('sign-in-password').fill('doctor password 1');
    await page.getByTestId('sign-in-submit').click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.goto(`${server.url}/patients/${patientId}?tab=eligibility`);

    await page.getByTestId('episode-start').fill('2025-03-01');
    await page.getByTestId('episode-severity').selectOption('severe-without-psychosis');
    await page.getByTestId('episode-save').click();
    await page.getByTestId('episode-summary').waitFor();

    const addTrial = async (drug: string, dose: string, weeks: string, improvement: string) => {
      await page.getByTestId('trial-drug').selectOption(drug);
      await page.getByTestId('trial-dose').fill(dose);
      await page.getByTestId('trial-weeks').fill(weeks);
      await page.getByTestId('trial-improvement').fill(improvement);
      const rows = await page
        .getByTestId('trials-table')
        .locator('tbody tr')
        .count()
        .catch(() => 0);
      await page.getByTestId('trial-save').click();
      await expect
        .poll(() => page.getByTestId('trials-table').locator('tbody tr').count())
        .toBe(rows + 1);
    };
    await addTrial('sertraline', '50', '4', '10');
    await addTrial('escitalopram', '20', '8', '30');
    await addTrial('duloxetine', '60', '10', '20');

    await page.getByTestId('trd-evaluate').click();
    await expect
      .poll(() => page.getByTestId('trd-summary').textContent())
      .toContain('Treatment-resistant: 2 failed adequate trials');
    const verdict = (await page.getByTestId('trd-verdict').textContent()) ?? '';
    expect(verdict).toContain('sertraline 50 mg for 4 weeks: not adequate (too short, needs 6)');
    expect(verdict).toContain(
      'escitalopram 20 mg for 8 weeks: adequate and failed (30% better, below 50%)',
    );
    expect(await page.getByTestId('thase-rush').textContent()).toBe('II');

    await page.getByTestId('screen-item-benzodiazepines').check();
    await page.getByTestId('screen-sys').fill('132');
    await page.getByTestId('screen-dia').fill('84');
    await page.getByTestId('screen-hr').fill('76');
    await page.getByTestId('screen-save').click();
    await expect.poll(() => page.getByTestId('screen-status').textContent()).toContain('Caution');

    await page
      .getByTestId('override-reason-benzodiazepines')
      .fill('Lorazepam stopped 10 days ago; sedation risk discussed.');
    await page.getByTestId('override-benzodiazepines').click();
    await expect
      .poll(() => page.getByTestId('screen-status').textContent())
      .toContain('Clear (relative items overridden by a clinician)');
    expect(await page.getByTestId('screen-status').textContent()).toContain(
      'Lorazepam stopped 10 days ago',
    );
    await context.close();
  });
});
