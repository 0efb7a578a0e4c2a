import '../helpers/provided-context.js';
import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { killHard, startServer } from '../helpers/cli.js';
import { tempDir } from '../helpers/test-deps.js';

const chromiumPath = inject('chromiumPath');

describe.skipIf(!chromiumPath)('foundation in the browser', () => {
  let browser: Browser;
  let server: { proc: ChildProcess; url: string };

  beforeAll(async () => {
    server = await startServer({ KETATRACK_DATA_DIR: tempDir(), DATABASE_URL: '' });
    browser = await launchChromium(chromiumPath ?? '');
  });
  afterAll(async () => {
    await browser?.close();
    if (server) await killHard(server.proc);
  });

  async function signIn(page: Page, email: string, password: string) {
    await page.getByTestId('sign-in-email').fill(email);
    await page.getByTestId('sign-in-password').fill(password);
    await page.getByTestId('sign-in-submit').click();
  }

  it('first-run admin → create a nurse → nurse signs in → creates a patient → finds it → signs out', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    await page.goto(server.url);

    // First visitor creates the administrator.
    await expect
      .poll(() => page.getByRole('heading', { name: 'Welcome to ketatrack' }).isVisible())
      .toBe(true);
    await page.getByTestId('setup-name').fill('Ada Admin');
    await page.getByTestId('setup-email').fill('admin@clinic.test');
    await page.getByTestId('setup-password').fill('admin password 123');
    await page.getByTestId('setup-confirm').fill('admin password 123');
    await page.getByTestId('setup-submit').click();

    // The admin lands on user management and adds a nurse.
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.getByTestId('user-name').fill('Nora Nurse');
    await page.getByTestId('user-email').fill('nurse@clinic.test');
    await page.getByTestId('user-role').selectOption('nurse');
    await page.getByTestId('user-password').fill('nurse password 123');
    await page.getByTestId('user-create').click();
    await page.getByTestId('users-table').getByText('nurse@clinic.test').waitFor();
    await page.getByTestId('sign-out').click();

    // The nurse signs in and registers a patient.
    await signIn(page, 'nurse@clinic.test', 'nurse password 123');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Patients' })
      .click();
    await page.getByTestId('new-patient').click();
    await page.getByTestId('patient-family-name').fill('Lindqvist');
    await page.getByTestId('patient-given-name').fill('Maja');
    await page.getByTestId('patient-mrn').fill('E2E-0001');
    await page.getByTestId('patient-dob').fill('1979-03-14');
    await page.getByTestId('patient-sex').selectOption('female');
    await page.getByTestId('patient-weight').fill('64.5');
    await page.getByTestId('patient-save').click();
    await expect
      .poll(() => page.getByTestId('patient-name').textContent())
      .toContain('Lindqvist, Maja');
    expect(await page.getByTestId('patient-mrn-value').textContent()).toBe('E2E-0001');

    // Back at the list, a search finds the patient by part of the name and by MRN.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Patients' })
      .click();
    await page.getByTestId('patient-search').fill('lindq');
    await expect.poll(() => page.getByTestId('patient-count').textContent()).toBe('1 patient');
    await expect
      .poll(() => page.getByTestId('patient-table').textContent())
      .toContain('Lindqvist, Maja');
    await page.getByTestId('patient-search').fill('nobody-by-this-name');
    await expect.poll(() => page.getByTestId('patient-count').textContent()).toBe('0 patients');
    await page.getByTestId('patient-search').fill('E2E-0001');
    await expect.poll(() => page.getByTestId('patient-count').textContent()).toBe('1 patient');

    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-email').waitFor();
    // Signed out for real: the API refuses the old session.
    const status = await page.evaluate(async () => (await fetch('/api/v1/patients')).status);
    expect(status).toBe(401);
    await context.close();
  });

  it('shows a tablet-sized patient list usable from the keyboard', async () => {
    const context = await browser.newContext({
      viewport: { width: 800, height: 1280 },
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(server.url);
    await signIn(page, 'nurse@clinic.test', 'nurse password 123');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.goto(`${server.url}/patients`);
    await page.getByRole('heading', { name: 'Patients' }).waitFor();
    // Every form control on the page has an accessible name.
    const unlabelled = await page.evaluate(
      () =>
        [...document.querySelectorAll('input, select, textarea, button')].filter((el) => {
          const e = el as HTMLInputElement;
          return !(e.labels?.length || e.getAttribute('aria-label') || e.textContent?.trim());
        }).length,
    );
    expect(unlabelled).toBe(0);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await context.close();
  });
});
