import '../helpers/provided-context.js';
import type { ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { killHard, startServer } from '../helpers/cli.js';
import { postJson } from '../helpers/running-server.js';
import { tempDir } from '../helpers/test-deps.js';

const chromiumPath = inject('chromiumPath');

describe.skipIf(!chromiumPath)(
  'self-report link and suicidal-ideation alert in the browser',
  () => {
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
      expect(
        (
          await postJson(url, '/api/v1/setup', {
            email: 'admin@clinic.test',
            displayName: 'Admin',
            password: 'admin password 123',
          })
        ).status,
      ).toBe(201);
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
      const patient = await postJson(
        url,
        '/api/v1/patients',
        {
          mrn: 'SR-E2E-1',
          familyName: 'Mobile',
          givenName: 'Mia',
          dateOfBirth: '1990-01-01',
          sex: 'female',
        },
        doc.cookie,
      );
      patientId = patient.json.id;
      browser = await launchChromium(chromiumPath ?? '');
    });
    afterAll(async () => {
      await browser?.close();
      if (server) await killHard(server.proc);
    });

    it('clinician creates a link → patient completes QIDS-SR16 on a phone with item 12 = 2 → clinician sees score, severity and alert → acknowledges', async () => {
      const clinic = await browser.newContext({ viewport: { width: 1024, height: 900 } });
      const page = await clinic.newPage();
      await page.goto(server.url);
      await page.getByTestId('sign-in-email').fill('doc@clinic.test');
      await page.getByTestId('sign-in-password').fill('doctor password 1');
      await page.getByTestId('sign-in-submit').click();
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await page.goto(`${server.url}/patients/${patientId}?tab=measurements`);
      await page.getByTestId('create-link').click();
      const link = await page.getByTestId('link-url').inputValue();
      expect(link).toMatch(/\/r\/[A-Za-z0-9_-]{43}$/);
      expect(await page.getByTestId('created-link').locator('svg').count()).toBe(1);

      // The patient, on a phone, with no account: one question at a time.
      const phoneContext = await browser.newContext({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
      });
      const phone = await phoneContext.newPage();
      await phone.goto(link);
      await phone.getByRole('heading', { name: 'Your questionnaires' }).waitFor();
      expect(await phone.content()).not.toContain('Mobile');
      // 14 screens: items 1–5, 10–16 one each, and the appetite and weight pairs as one choice each.
      for (let step = 0; step < 14; step++) {
        const question = phone.locator('fieldset.question');
        const legend = (await question.locator('legend').textContent()) ?? '';
        if (legend.includes('has it changed'))
          await question.getByRole('radio').first().check(); // no change
        else if (legend === 'Thoughts of death or suicide')
          await question.getByRole('radio').nth(2).check();
        else await question.getByRole('radio').nth(1).check();
        if (step < 13) await phone.getByTestId('next').click();
      }
      await phone.getByTestId('self-report-submit').click();
      await phone.getByTestId('self-report-done').waitFor();

      // Opening the used link again gives a clear page and stores nothing more.
      await phone.goto(link);
      await phone.getByTestId('self-report-error').waitFor();
      expect(await phone.getByTestId('self-report-error').textContent()).toContain(
        'already been sent',
      );
      await phoneContext.close();

      // Back at the clinic the alert appears without a reload, with the score and severity.
      await page.getByTestId('si-alert').waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('si-alert').textContent()).toContain(
        'QIDS-SR16 item 12 ≥ 1: answered 2',
      );
      await expect
        .poll(
          () =>
            page.getByTestId('scores-qids-sr16').getByTestId('score-total').first().textContent(),
          { timeout: 15_000 },
        )
        .toBe('9');
      expect(
        await page
          .getByTestId('scores-qids-sr16')
          .getByTestId('score-severity')
          .first()
          .textContent(),
      ).toContain('mild');

      await page.getByTestId('ack-note').fill('Phoned patient, safety plan reviewed, no intent.');
      await page.getByTestId('ack-submit').click();
      await expect.poll(() => page.getByTestId('si-alert').count()).toBe(0);

      // The dashboard no longer lists it, and the acknowledgement is in the audit trail.
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Dashboard' })
        .click();
      await expect.poll(() => page.getByTestId('open-alert-count').textContent()).toBe('0');
      await clinic.close();
    });
  },
);
