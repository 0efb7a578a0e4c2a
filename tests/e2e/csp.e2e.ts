import '../helpers/provided-context.js';
import type { ChildProcess } from 'node:child_process';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { killHard } from '../helpers/cli.js';
import { postJson, startDemoServer } from '../helpers/running-server.js';

// Issue 11 item 4 (ADR 0023): the strict Content-Security-Policy must not break any page.
// Every page of a whole clinical journey is watched for CSP violations, both as the
// browser's `securitypolicyviolation` events and as its console messages, and none may
// occur. A probe first shows the watch sees a violation when there is one (and that the
// policy is there at all: without one, an inline script runs and nothing is reported).

const chromiumPath = inject('chromiumPath');
const DEMO_DOMAIN = 'demo.ketatrack.invalid';

interface Violation {
  page: string;
  directive: string;
  blocked: string;
  sample?: string;
}

/** Runs in every page and frame before its own scripts: reports each violation to the test. */
const WATCH = `
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__ketatrackCsp?.({
      page: location.pathname,
      directive: e.effectiveDirective || e.violatedDirective,
      blocked: e.blockedURI,
      sample: e.sample,
    });
  });
`;

describe.skipIf(!chromiumPath)('the Content-Security-Policy in the browser', () => {
  let browser: Browser;
  let server: { proc: ChildProcess; url: string };
  const passwords: Record<string, string> = {};
  const violations: Violation[] = [];

  beforeAll(async () => {
    const demo = await startDemoServer({ patients: 8, seed: 5 });
    server = demo.server;
    Object.assign(passwords, demo.passwords);
    browser = await launchChromium(chromiumPath ?? '');
  }, 120_000);
  beforeEach(() => {
    violations.length = 0;
  });
  afterAll(async () => {
    await browser?.close();
    if (server) await killHard(server.proc);
  });

  /** A browser context whose every page (tabs it opens too) reports violations. */
  async function watchedContext(): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await context.exposeFunction('__ketatrackCsp', (v: Violation) => {
      violations.push(v);
    });
    await context.addInitScript(WATCH);
    const watch = (page: Page) =>
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text()))
          violations.push({ page: page.url(), directive: 'console', blocked: message.text() });
      });
    context.pages().forEach(watch);
    context.on('page', watch);
    return context;
  }

  async function signIn(context: BrowserContext, role: string): Promise<Page> {
    const page = await context.newPage();
    const response = await page.goto(server.url);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByTestId('sign-in-email').fill(`${role}@${DEMO_DOMAIN}`);
    await page.getByTestId('sign-in-password').fill(passwords[role] ?? '');
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('sign-out').waitFor();
    return page;
  }

  /** Opens a page of the app by its address and waits until its data has arrived. */
  async function visit(page: Page, path: string, heading?: string | RegExp): Promise<void> {
    await page.goto(`${server.url}${path}`);
    if (heading !== undefined) await page.getByRole('heading', { name: heading }).first().waitFor();
    await page.waitForLoadState('networkidle');
  }

  const cookieOf = async (context: BrowserContext) =>
    (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const apiGet = async (path: string, cookie: string): Promise<any> =>
    (await fetch(`${server.url}/api/v1${path}`, { headers: { cookie } })).json();

  it('sees a violation when there is one: an inline script is refused and reported', async () => {
    const context = await watchedContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId('sign-in-email').waitFor();
    const ran = await page.evaluate(async () => {
      const w = window as unknown as { probeRan?: boolean };
      const script = document.createElement('script');
      script.textContent = 'window.probeRan = true';
      document.body.appendChild(script);
      await new Promise((r) => setTimeout(r, 200));
      return w.probeRan === true;
    });
    expect(ran).toBe(false);
    // Seen both ways: the event the page reports, and the browser's console message.
    await expect
      .poll(() => violations.filter((v) => v.directive === 'script-src-elem').length)
      .toBe(1);
    await expect.poll(() => violations.filter((v) => v.directive === 'console').length).toBe(1);
    await context.close();
  });

  it('a clinician: dashboard, patients, every tab of a patient, a session at the chair, protocols, account', async () => {
    const context = await watchedContext();
    const page = await signIn(context, 'clinician');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await visit(page, '/patients', 'Patients');
    await page.getByTestId('patient-search').fill('SYN');
    await page.waitForLoadState('networkidle');

    const cookie = await cookieOf(context);
    const list = await apiGet('/patients?limit=50', cookie);
    expect(list.patients.length).toBeGreaterThan(0);
    let sessionId: string | undefined;
    let patientId: string = list.patients[0].id;
    for (const p of list.patients as { id: string }[]) {
      const courses = await apiGet(`/patients/${p.id}/courses`, cookie);
      const session = courses.courses?.flatMap(
        (c: { sessions: { id: string }[] }) => c.sessions,
      )[0];
      if (session) {
        sessionId = session.id;
        patientId = p.id;
        break;
      }
    }
    for (const tab of ['overview', 'measurements', 'eligibility', 'sessions', 'outcomes'])
      await visit(page, `/patients/${patientId}?tab=${tab}`);
    // A self-report link made on the page (its QR code is drawn there).
    await visit(page, `/patients/${patientId}?tab=measurements`);
    await page.getByTestId('create-link').click();
    await page.getByTestId('link-url').waitFor();
    expect(await page.getByTestId('created-link').locator('svg').count()).toBe(1);

    expect(sessionId, 'the demo clinic has a session').toBeDefined();
    await visit(page, `/sessions/${sessionId}`);
    await page.getByTestId('state-badge').waitFor();
    await visit(page, '/protocols', 'Protocols');
    await visit(page, '/settings', 'Clinical settings');
    await visit(page, '/account', 'Your account');
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-email').waitFor();
    await context.close();
    expect(violations).toEqual([]);
  });

  it('a researcher: cohort report, its printable HTML report in a new tab, studies and import', async () => {
    const context = await watchedContext();
    const page = await signIn(context, 'researcher');
    await visit(page, '/cohort', 'Cohort outcomes');
    await page.getByTestId('cohort-headline').waitFor();
    const [report] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('link', { name: 'Printable report (HTML)' }).click(),
    ]);
    await report.waitForLoadState('load');
    expect(await report.getByRole('heading', { name: 'Cohort outcome report' }).count()).toBe(1);
    // The report's own style applies (allowed by its hash): the table borders are drawn.
    const border = await report
      .locator('td')
      .first()
      .evaluate((td) => getComputedStyle(td).borderTopStyle);
    expect(border).toBe('solid');
    await visit(page, '/studies', 'Imported studies');
    await visit(page, '/import');
    await context.close();
    expect(violations).toEqual([]);
  });

  it('an administrator: users and sites, the audit log, settings', async () => {
    const context = await watchedContext();
    const page = await signIn(context, 'admin');
    await visit(page, '/users', 'Users');
    await page.getByTestId('users-table').waitFor();
    await visit(page, '/audit', 'Audit log');
    await page.getByTestId('audit-table').waitFor();
    await visit(page, '/settings', 'Clinical settings');
    await context.close();
    expect(violations).toEqual([]);
  });

  it("the patient's self-report page on a phone", async () => {
    const signIn = await postJson(server.url, '/api/v1/auth/sign-in', {
      email: `clinician@${DEMO_DOMAIN}`,
      password: passwords.clinician,
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.cookie;
    const patients = await apiGet('/patients?limit=1', cookie);
    const link = await postJson(
      server.url,
      `/api/v1/patients/${patients.patients[0].id}/self-report-links`,
      { instruments: ['phq-9'] },
      cookie,
    );
    expect(link.status).toBe(201);
    const { url } = link.json as { url: string };
    const context = await watchedContext();
    const page = await context.newPage();
    const response = await page.goto(`${server.url}${new URL(url).pathname}`);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await page.getByRole('radio').first().waitFor();
    await page.waitForLoadState('networkidle');
    await context.close();
    expect(violations).toEqual([]);
  });

  it('the API reference (Swagger UI)', async () => {
    const context = await watchedContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/api/docs/`);
    await page.locator('.opblock').first().waitFor();
    await page.waitForLoadState('networkidle');
    await context.close();
    expect(violations).toEqual([]);
  });
});
