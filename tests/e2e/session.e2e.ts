import '../helpers/provided-context.js';
import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { APP_HEADERS } from '../helpers/app-headers.js';
import { launchChromium } from '../helpers/browser.js';
import { killHard, startServer } from '../helpers/cli.js';
import { tempDir } from '../helpers/test-deps.js';

const chromiumPath = inject('chromiumPath');

async function call(
  url: string,
  method: string,
  path: string,
  body: unknown,
  cookie = '',
): Promise<{ status: number; json: any; cookie: string }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...APP_HEADERS, 'content-type': 'application/json', cookie },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: res.status,
    json: await res.json(),
    cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
  };
}

describe.skipIf(!chromiumPath)('a whole chairside session in the browser', () => {
  let browser: Browser;
  let server: { proc: ChildProcess; url: string };
  let sessionId: string;
  let patientId: string;
  let adminCookie: string;

  beforeAll(async () => {
    server = await startServer({
      KETATRACK_DATA_DIR: tempDir(),
      DATABASE_URL: '',
      KETATRACK_SIGNIN_RATE_PER_MINUTE: '1000',
    });
    const { url } = server;
    await call(url, 'POST', '/api/v1/setup', {
      email: 'admin@clinic.test',
      displayName: 'Admin',
      password: 'admin password 123',
    });
    adminCookie = (
      await call(url, 'POST', '/api/v1/auth/sign-in', {
        email: 'admin@clinic.test',
        password: 'admin password 123',
      })
    ).cookie;
    await call(
      url,
      'POST',
      '/api/v1/users',
      {
        email: 'doc@clinic.test',
        displayName: 'Dr Doc',
        role: 'clinician',
        password: 'doctor password 1',
      },
      adminCookie,
    );
    await call(
      url,
      'POST',
      '/api/v1/users',
      {
        email: 'nurse@clinic.test',
        displayName: 'Nora',
        role: 'nurse',
        password: 'nurse password 12',
      },
      adminCookie,
    );
    // The test cannot wait 30 minutes: the site sets its IV observation minimum to 0 (a setting change, audited).
    await call(
      url,
      'PATCH',
      '/api/v1/settings/discharge.ivMinMinutes',
      { value: 0, reason: 'browser test: no waiting' },
      adminCookie,
    );
    const doc = (
      await call(url, 'POST', '/api/v1/auth/sign-in', {
        email: 'doc@clinic.test',
        password: 'doctor password 1',
      })
    ).cookie;
    patientId = (
      await call(
        url,
        'POST',
        '/api/v1/patients',
        {
          mrn: 'CHAIR-1',
          familyName: 'Session',
          givenName: 'Sam',
          dateOfBirth: '1985-02-02',
          sex: 'male',
          weightKg: 80,
          heightCm: 180,
        },
        doc,
      )
    ).json.id;
    await call(
      url,
      'POST',
      `/api/v1/patients/${patientId}/screens`,
      { present: [], systolicMmHg: 128, diastolicMmHg: 80, heartRateBpm: 70 },
      doc,
    );
    await call(
      url,
      'POST',
      `/api/v1/patients/${patientId}/consents`,
      {
        documentTitle: 'Consent',
        documentVersion: '1',
        signedOn: '2026-01-01',
        signerName: 'Sam Session',
        signerRelation: 'patient',
      },
      doc,
    );
    const course = await call(
      url,
      'POST',
      `/api/v1/patients/${patientId}/courses`,
      {
        protocolId: 'iv-standard',
        startOn: new Date().toISOString().slice(0, 10),
        trdOverrideReason: 'TRD documented by referring team',
      },
      doc,
    );
    sessionId = course.json.sessions[0].id;
    browser = await launchChromium(chromiumPath ?? '');
  });
  afterAll(async () => {
    await browser?.close();
    if (server) await killHard(server.proc);
  });

  async function signedIn(email: string, password: string, width: number): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width, height: 1000 } });
    const page = await ctx.newPage();
    await page.goto(server.url);
    await page.getByTestId('sign-in-email').fill(email);
    await page.getByTestId('sign-in-password').fill(password);
    await page.getByTestId('sign-in-submit').click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.goto(`${server.url}/sessions/${sessionId}`);
    await page.getByTestId('state-badge').waitFor();
    return page;
  }
  const vitals = async (page: Page, sys: string, dia: string, hr: string) => {
    await page.getByTestId('vitals-sys').fill(sys);
    await page.getByTestId('vitals-dia').fill(dia);
    await page.getByTestId('vitals-hr').fill(hr);
    await page.getByTestId('vitals-spo2').fill('98');
    await page.getByTestId('vitals-save').click();
  };
  const within2s = { timeout: 2000, interval: 100 };

  it('check in → caution at 145/92 confirmed by a clinician → start → 182/104 red alert → acknowledge → pause → resume → end → observe → discharge, two screens in step', async () => {
    const nurse = await signedIn('nurse@clinic.test', 'nurse password 12', 1024);
    const doctor = await signedIn('doc@clinic.test', 'doctor password 1', 1280);

    await nurse.getByTestId('escort').check();
    await nurse.getByTestId('action-check-in').click();
    await expect.poll(() => nurse.getByTestId('state-badge').textContent()).toBe('checked-in');
    await vitals(nurse, '145', '92', '78');
    // The clinician's screen shows the nurse's reading within 2 s, without a reload.
    await expect
      .poll(() => doctor.getByTestId('vitals-table').textContent(), within2s)
      .toContain('145/92');

    await nurse.getByTestId('action-clear').click();
    await nurse.getByTestId('readiness-caution').waitFor();
    expect(await nurse.getByTestId('readiness-caution').textContent()).toContain(
      'A clinician must confirm',
    );
    await doctor.getByTestId('action-clear').click();
    await doctor.getByTestId('confirm-caution').click();
    await expect.poll(() => doctor.getByTestId('state-badge').textContent()).toBe('cleared');
    await expect
      .poll(() => nurse.getByTestId('state-badge').textContent(), within2s)
      .toBe('cleared');

    await nurse.getByTestId('dose-set').click();
    await expect
      .poll(() => nurse.getByTestId('dose-summary').textContent())
      .toContain('40 mg (0.5 mg/kg × 80 kg, actual) · 40 mL at 60 mL/h');
    await nurse.getByTestId('action-start').click();
    await expect.poll(() => nurse.getByTestId('state-badge').textContent()).toBe('infusing');
    expect(await nurse.getByTestId('next-vitals').textContent()).toContain('Vitals due in 10 min');

    await vitals(nurse, '150', '90', '84');
    await expect.poll(() => nurse.getByTestId('vitals-table').locator('tbody tr').count()).toBe(2);
    expect(await nurse.getByTestId('session-alert').count()).toBe(0);
    await vitals(nurse, '182', '104', '96');
    await nurse.getByTestId('session-alert').waitFor();
    const banner = (await nurse.getByTestId('session-alert').textContent()) ?? '';
    expect(banner).toContain('RED');
    expect(banner).toContain('182/104');
    expect(banner).toContain('Pause the infusion, recheck in 5 min, stop if it persists.');
    await expect.poll(() => doctor.getByTestId('session-alert').count(), within2s).toBe(1);
    await nurse.getByTestId('ack-session-alert').click();
    await expect.poll(() => nurse.getByTestId('session-alert').count()).toBe(0);

    await nurse.getByTestId('action-pause').click();
    await expect.poll(() => nurse.getByTestId('state-badge').textContent()).toBe('paused');
    await nurse.getByTestId('action-resume').click();
    await expect.poll(() => nurse.getByTestId('state-badge').textContent()).toBe('infusing');
    await nurse.getByTestId('action-end-infusion').click();
    await expect.poll(() => nurse.getByTestId('state-badge').textContent()).toBe('observing');
    await vitals(nurse, '132', '84', '74');
    await nurse.getByTestId('moaas-5').click();
    // The screen opened afresh (another nurse, a reload) discharges with the escort
    // recorded at check-in, which its box shows ticked.
    await nurse.reload();
    await expect.poll(() => nurse.getByTestId('escort').isChecked()).toBe(true);
    await nurse.getByTestId('discharge-ready').waitFor();
    await nurse.getByTestId('action-discharge').click();
    await expect.poll(() => nurse.getByTestId('state-badge').textContent()).toBe('discharged');
    await expect
      .poll(() => doctor.getByTestId('state-badge').textContent(), within2s)
      .toBe('discharged');

    // The audit log holds the session's timeline.
    const audit = await fetch(`${server.url}/api/v1/audit?patientId=${patientId}&limit=500`, {
      headers: { cookie: adminCookie },
    }).then((r) => r.json());
    const actions = (audit.events as { action: string }[]).map((e) => e.action).reverse();
    const timeline = actions.filter((a) =>
      /^session\.(check-in|clear|start|alert|alert_acknowledge|pause|resume|end-infusion|discharge)$/.test(
        a,
      ),
    );
    expect(timeline).toEqual([
      'session.check-in',
      'session.clear',
      'session.start',
      'session.alert',
      'session.alert_acknowledge',
      'session.pause',
      'session.resume',
      'session.end-infusion',
      'session.discharge',
    ]);
  });
});
