import '../helpers/provided-context.js';
import type { ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { killHard, startServer } from '../helpers/cli.js';
import { postJson } from '../helpers/running-server.js';
import { tempDir } from '../helpers/test-deps.js';

const chromiumPath = inject('chromiumPath');

describe.skipIf(!chromiumPath)('the audit page in the browser', () => {
  let browser: Browser;
  let server: { proc: ChildProcess; url: string };

  beforeAll(async () => {
    server = await startServer({ KETATRACK_DATA_DIR: tempDir(), DATABASE_URL: '' });
    const { url } = server;
    await postJson(url, '/api/v1/setup', {
      email: 'admin@clinic.test',
      displayName: 'Admin',
      password: 'admin password 123',
    });
    const admin = (
      await postJson(url, '/api/v1/auth/sign-in', {
        email: 'admin@clinic.test',
        password: 'admin password 123',
      })
    ).cookie;
    await postJson(
      url,
      '/api/v1/users',
      {
        email: 'nurse@clinic.test',
        displayName: 'Nora',
        role: 'nurse',
        password: 'nurse password 12',
      },
      admin,
    );
    const nurse = (
      await postJson(url, '/api/v1/auth/sign-in', {
        email: 'nurse@clinic.test',
        password: 'nurse password 12',
      })
    ).cookie;
    const created = await postJson(
      url,
      '/api/v1/patients',
      {
        mrn: 'AUDIT-E2E-7731',
        familyName: 'Wolstenholme',
        givenName: 'Perpetua',
        dateOfBirth: '1958-11-02',
        sex: 'female',
      },
      nurse,
    );
    expect(created.status).toBe(201);
    browser = await launchChromium(chromiumPath ?? '');
  });
  afterAll(async () => {
    await browser?.close();
    if (server) await killHard(server.proc);
  });

  it('shows an administrator actions in words, filters them, and opens an event without patient data', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId('sign-in-email').fill('admin@clinic.test');
    await page.getByTestId('sign-in-password').fill('admin password 123');
    await page.getByTestId('sign-in-submit').click();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Audit log' })
      .click();
    await page.getByTestId('audit-table').waitFor();

    const actions = () => page.getByTestId('audit-action').allTextContents();
    await expect.poll(actions).toContain('Created a patient record');
    // Words, not codes.
    expect((await actions()).filter((a) => /^[a-z_]+\.[a-z_-]+$/.test(a))).toEqual([]);

    await page
      .getByTestId('audit-action-filter')
      .selectOption({ label: 'Created a patient record' });
    await expect.poll(actions).toEqual(['Created a patient record']);

    await page.getByRole('button', { name: /Show details of event/ }).click();
    const details = page.getByTestId('audit-details');
    await details.waitFor();
    expect(await page.getByTestId('audit-hidden').textContent()).toBe(
      'Details hidden: you may not read patient records.',
    );
    const text = (await page.locator('main').textContent()) ?? '';
    for (const secret of ['Wolstenholme', 'Perpetua', 'AUDIT-E2E-7731', '1958-11-02'])
      expect(text).not.toContain(secret);

    // An account event shows its details in words.
    await page.getByTestId('audit-action-filter').selectOption({ label: 'Created an account' });
    await expect.poll(actions).toEqual(['Created an account']);
    await page.getByRole('button', { name: /Show details of event/ }).click();
    await expect.poll(() => details.textContent()).toContain('After: emailnurse@clinic.test');

    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toMatch(/^Intact: \d+ events verified\./);
    await context.close();
  });
});
