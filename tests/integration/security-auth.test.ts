import type { LightMyRequestResponse } from 'fastify';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/services/auth/passwords.js';
import { cliContext } from '../../src/services/deps.js';
import { createUser } from '../../src/services/users/manage-users.js';
import { runCli } from '../helpers/cli.js';
import {
  buildTestApp,
  PASSWORD,
  sessionCookie,
  startTestApi,
  type TestApi,
} from '../helpers/test-api.js';
import { dialects, openTestDatabase, tempDir, TestClock, testDeps } from '../helpers/test-deps.js';

// Issue 11, items 7, 8 and 10 (ADR 0024): the sign-in answer tells nothing about the
// account, two-factor codes cannot be guessed or replayed, and forwarded headers are
// believed only from the proxies an operator listed.

const MAX_FAILURES = 5;

/** Everything a caller sees of a refusal, but the request id (random per request). */
function refusal(res: LightMyRequestResponse) {
  const { requestId: _requestId, ...body } = res.json<Record<string, unknown>>();
  return { status: res.statusCode, contentType: res.headers['content-type'], body };
}

async function auditOf(api: TestApi, userId: string) {
  const rows = await api.deps.database.db
    .selectFrom('audit_events')
    .select(['action', 'details', 'ip'])
    .where('entity_id', '=', userId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    action: r.action,
    details: JSON.parse(r.details) as Record<string, unknown>,
    ip: r.ip,
  }));
}

describe.each(dialects())('sign-in refusals on %s', (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(dialect, { KETATRACK_SIGNIN_MAX_FAILURES: String(MAX_FAILURES) });
  });
  afterAll(async () => api.close());

  let n = 0;
  const newUser = async (role: 'clinician' | 'nurse' = 'clinician') => {
    const email = `refusal-${++n}@test.invalid`;
    const user = await createUser(api.deps, cliContext(), {
      email,
      role,
      displayName: `Refusal ${n}`,
      password: PASSWORD,
    });
    return { id: user.id, email };
  };
  const signIn = (email: string, password: string, totpCode?: string) =>
    api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email, password, ...(totpCode ? { totpCode } : {}) },
    });

  it('answers a locked account exactly like an unknown email or a wrong password, and audits it', async () => {
    const locked = await newUser();
    const other = await newUser();
    const failures: LightMyRequestResponse[] = [];
    for (let i = 1; i <= MAX_FAILURES; i++) failures.push(await signIn(locked.email, `bad ${i}`));
    const lockedRow = await api.deps.database.db
      .selectFrom('users')
      .select('locked_until')
      .where('id', '=', locked.id)
      .executeTakeFirstOrThrow();
    expect(lockedRow.locked_until).not.toBeNull();

    const unknown = refusal(await signIn('nobody-here@test.invalid', PASSWORD));
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('auth.invalid_credentials');
    // The attempt that locks, the right password while locked, a wrong one while locked,
    // and a wrong password of an unlocked account: all the same answer as an unknown email.
    expect(refusal(failures.at(-1)!)).toEqual(unknown);
    expect(refusal(await signIn(locked.email, PASSWORD))).toEqual(unknown);
    expect(refusal(await signIn(locked.email, 'bad again'))).toEqual(unknown);
    expect(refusal(await signIn(other.email, 'bad'))).toEqual(unknown);
    // The locked user learns from it what to do, never the time the lock ends.
    expect(unknown.body.detail).toMatch(/locked for 15 minutes/);
    expect(unknown.body.detail).toMatch(/administrator/);
    expect(String(unknown.body.detail)).not.toContain(lockedRow.locked_until!.slice(0, 16));

    const audit = await auditOf(api, locked.id);
    expect(audit.filter((e) => e.action === 'auth.locked')).toHaveLength(1);
    expect(
      audit.filter((e) => e.action === 'auth.sign_in_failed' && e.details.reason === 'locked'),
    ).toHaveLength(2);
  });

  it('spends a password-hash check on an unknown email and on a locked account', async () => {
    // Lower bounds only (a busy machine makes things slower, never faster): the fastest
    // refusal of each kind takes at least half the fastest argon2 verification.
    const hash = await hashPassword('some other long password');
    const timed = async (work: () => Promise<unknown>) => {
      let best = Infinity;
      for (let i = 0; i < 4; i++) {
        const start = performance.now();
        await work();
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    const locked = await newUser();
    for (let i = 1; i <= MAX_FAILURES; i++) await signIn(locked.email, `bad ${i}`);
    const verify = await timed(() => verifyPassword(hash, PASSWORD));
    const unknownMs = await timed(() => signIn('nobody-timed@test.invalid', PASSWORD));
    const lockedMs = await timed(() => signIn(locked.email, PASSWORD));
    expect(unknownMs).toBeGreaterThan(verify / 2);
    expect(lockedMs).toBeGreaterThan(verify / 2);
  });
});

describe.each(dialects())('two-factor codes on %s', (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(dialect, { KETATRACK_SIGNIN_MAX_FAILURES: String(MAX_FAILURES) });
  });
  afterAll(async () => api.close());

  let n = 0;
  /** A fresh signed-in user with two-step sign-in on, and their authenticator. */
  const userWithTotp = async () => {
    const email = `totp-${++n}@test.invalid`;
    const user = await createUser(api.deps, cliContext(), {
      email,
      role: 'nurse',
      displayName: `Totp ${n}`,
      password: PASSWORD,
    });
    const cookie = sessionCookie(
      await api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email, password: PASSWORD },
      }),
    );
    const setup = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/totp/setup',
      headers: { cookie },
    });
    const secret: string = setup.json().secret;
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), period: 30 });
    const enableCode = code(totp);
    const enabled = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/totp/enable',
      headers: { cookie },
      payload: { code: enableCode },
    });
    expect(enabled.statusCode, enabled.body).toBe(200);
    return { id: user.id, email, cookie, secret, totp, enableCode };
  };
  const code = (totp: OTPAuth.TOTP) => totp.generate({ timestamp: api.clock.now().getTime() });
  /** `count` distinct codes, none valid now or a step either side. */
  const wrongCodes = (totp: OTPAuth.TOTP, count: number): string[] => {
    const at = api.clock.now().getTime();
    const valid = new Set([-1, 0, 1].map((d) => totp.generate({ timestamp: at + d * 30_000 })));
    const out: string[] = [];
    for (let i = 0; out.length < count; i++) {
      const c = String(i).padStart(6, '0');
      if (!valid.has(c)) out.push(c);
    }
    return out;
  };
  const signIn = (email: string, totpCode?: string) =>
    api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email, password: PASSWORD, ...(totpCode ? { totpCode } : {}) },
    });

  it('locks the account after wrong codes with the right password, auditing each without the secret', async () => {
    const user = await userWithTotp();
    const answers: string[] = [];
    for (const wrong of wrongCodes(user.totp, 30)) {
      const res = await signIn(user.email, wrong);
      expect(res.statusCode).toBe(401);
      answers.push(res.json().code);
    }
    // Each wrong code counts; once locked, the answer is the one an unknown email gets.
    expect(answers.slice(0, MAX_FAILURES)).toEqual(Array(MAX_FAILURES).fill('auth.totp_invalid'));
    expect(new Set(answers.slice(MAX_FAILURES))).toEqual(new Set(['auth.invalid_credentials']));
    api.clock.advance(30_000);
    const right = await signIn(user.email, code(user.totp));
    expect(right.statusCode).toBe(401);
    expect(right.json().code).toBe('auth.invalid_credentials');

    const audit = await auditOf(api, user.id);
    const totpFailed = audit.filter((e) => e.action === 'auth.totp_failed');
    expect(totpFailed.map((e) => e.details)).toEqual(
      Array.from({ length: MAX_FAILURES }, (_, i) => ({
        failures: i + 1,
        purpose: 'sign-in',
        reason: 'wrong',
      })),
    );
    expect(audit.filter((e) => e.action === 'auth.locked')).toHaveLength(1);
    const refusedWhileLocked = audit.filter(
      (e) => e.action === 'auth.sign_in_failed' && e.details.reason === 'locked',
    );
    expect(refusedWhileLocked).toHaveLength(30 - MAX_FAILURES + 1);
    expect(JSON.stringify(audit)).not.toContain(user.secret);

    // After the lockout the right code works again.
    api.clock.advance(16 * 60_000);
    expect((await signIn(user.email, code(user.totp))).statusCode).toBe(200);
  });

  it('accepts a code once: not again, not after it confirmed enrolment, not twice at once', async () => {
    const user = await userWithTotp();
    // The code that turned two-step sign-in on cannot also open a session.
    const replayedEnrolment = await signIn(user.email, user.enableCode);
    expect(replayedEnrolment.statusCode).toBe(401);
    expect(replayedEnrolment.json().code).toBe('auth.totp_invalid');

    api.clock.advance(30_000);
    const fresh = code(user.totp);
    expect((await signIn(user.email, fresh)).statusCode).toBe(200);
    const again = await signIn(user.email, fresh);
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('auth.totp_invalid');

    api.clock.advance(30_000);
    const next = code(user.totp);
    const racing = await Promise.all([signIn(user.email, next), signIn(user.email, next)]);
    expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 401]);

    const reused = (await auditOf(api, user.id)).filter(
      (e) => e.action === 'auth.totp_failed' && e.details.reason === 'reused',
    );
    expect(reused).toHaveLength(3);
  });

  it('counts wrong codes when turning two-step off, and a new enrolment cannot turn it off', async () => {
    const user = await userWithTotp();
    const setupAgain = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/totp/setup',
      headers: { cookie: user.cookie },
    });
    expect(setupAgain.statusCode).toBe(409);
    expect(setupAgain.json().code).toBe('auth.totp_already_enabled');
    const me = await api.app.inject({ url: '/api/v1/auth/me', headers: { cookie: user.cookie } });
    expect(me.json().totpEnabled).toBe(true);

    const disable = (c: string) =>
      api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/totp/disable',
        headers: { cookie: user.cookie },
        payload: { code: c },
      });
    for (const wrong of wrongCodes(user.totp, MAX_FAILURES))
      expect((await disable(wrong)).statusCode).toBe(401);
    api.clock.advance(30_000);
    // Locked now: even the right code is refused, here and at sign-in.
    const right = await disable(code(user.totp));
    expect(right.statusCode).toBe(401);
    expect(right.json().detail).toMatch(/locked/);
    expect((await signIn(user.email, code(user.totp))).statusCode).toBe(401);
    const audit = await auditOf(api, user.id);
    expect(
      audit.filter((e) => e.action === 'auth.totp_failed' && e.details.purpose === 'disable'),
    ).toHaveLength(MAX_FAILURES + 1);
    expect(audit.filter((e) => e.action === 'auth.locked')).toHaveLength(1);
    const stillOn = await api.app.inject({
      url: '/api/v1/auth/me',
      headers: { cookie: user.cookie },
    });
    expect(stillOn.json().totpEnabled).toBe(true);
  });
});

describe('forwarded headers from proxies', () => {
  const PROXY = '10.0.0.1';
  const PUBLIC_URL = 'https://ketatrack.clinic.example';
  const proxyEnv = { KETATRACK_TRUSTED_PROXIES: PROXY, KETATRACK_PUBLIC_URL: PUBLIC_URL };

  it('keeps an untrusted peer to its own sign-in budget however it rotates X-Forwarded-For', async () => {
    const tdb = await openTestDatabase('sqlite');
    const deps = testDeps(tdb.database, new TestClock(), {
      ...proxyEnv,
      KETATRACK_SIGNIN_RATE_PER_MINUTE: '3',
    });
    const app = await buildTestApp(deps, { logger: false, webRoot: null });
    const attempt = (remoteAddress: string, forwardedFor: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        remoteAddress,
        headers: { 'x-forwarded-for': forwardedFor },
        payload: { email: 'x@y.z', password: 'whatever' },
      });
    try {
      const spoofed: number[] = [];
      for (let i = 1; i <= 5; i++)
        spoofed.push((await attempt('203.0.113.9', `198.51.100.${i}`)).statusCode);
      expect(spoofed).toEqual([401, 401, 401, 429, 429]);

      // Behind the listed proxy each client has its own budget, and what a client
      // prepends to the header it sends the proxy does not make it someone else.
      const behindProxy: number[] = [];
      for (let i = 1; i <= 4; i++)
        behindProxy.push((await attempt(PROXY, `192.0.2.${i}, 198.51.100.50`)).statusCode);
      expect(behindProxy).toEqual([401, 401, 401, 429]);
      expect((await attempt(PROXY, '198.51.100.51')).statusCode).toBe(401);

      const ips = await tdb.database.db
        .selectFrom('audit_events')
        .select('ip')
        .where('action', '=', 'auth.sign_in_failed')
        .execute();
      expect(new Set(ips.map((r) => r.ip))).toEqual(
        new Set(['203.0.113.9', '198.51.100.50', '198.51.100.51']),
      );
    } finally {
      await app.close();
      await tdb.drop();
    }
  });

  it('marks the cookie Secure only when the listed proxy says the request came over https', async () => {
    const api = await startTestApi('sqlite', proxyEnv);
    try {
      const signIn = (remoteAddress: string) =>
        api.app.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          remoteAddress,
          headers: { 'x-forwarded-proto': 'https' },
          payload: { email: 'nurse@test.invalid', password: PASSWORD },
        });
      const secure = async (remoteAddress: string) =>
        (await signIn(remoteAddress)).cookies.find((c) => c.name === 'kt_session')!.secure;
      expect(await secure(PROXY)).toBe(true);
      expect(await secure('203.0.113.9')).toBeFalsy();
    } finally {
      await api.close();
    }
  });

  for (const [name, env, origin] of [
    ['behind a listed proxy', proxyEnv, PUBLIC_URL],
    ['with no proxy listed', {}, 'http://ketatrack.local:3000'],
  ] as const) {
    it(`builds self-report links that X-Forwarded-Host cannot redirect, ${name}`, async () => {
      const api = await startTestApi('sqlite', env);
      try {
        const patient = await api.as('nurse', {
          method: 'POST',
          url: '/api/v1/patients',
          payload: {
            mrn: 'PROXY-1',
            familyName: 'Link',
            givenName: 'Pat',
            dateOfBirth: '1980-01-01',
            sex: 'female',
          },
        });
        for (const remoteAddress of [PROXY, '203.0.113.9']) {
          const link = await api.as('clinician', {
            method: 'POST',
            url: `/api/v1/patients/${patient.json().id}/self-report-links`,
            remoteAddress,
            headers: {
              host: 'ketatrack.local:3000',
              'x-forwarded-host': 'evil.example',
              'x-forwarded-proto': 'http',
            },
            payload: { instruments: ['phq-9'] },
          });
          expect(link.statusCode, link.body).toBe(201);
          expect(new URL(link.json().url).origin).toBe(origin);
        }
      } finally {
        await api.close();
      }
    });
  }

  it('will not start with the old trust-everyone switch, or with proxies but no public URL', () => {
    const dataDir = tempDir();
    const old = runCli(['serve'], { KETATRACK_DATA_DIR: dataDir, KETATRACK_TRUST_PROXY: 'true' });
    expect(old.status).toBe(2);
    expect(old.stderr).toMatch(/KETATRACK_TRUST_PROXY is no longer supported/);
    expect(old.stderr).toMatch(/KETATRACK_TRUSTED_PROXIES=/);
    const noUrl = runCli(['serve'], {
      KETATRACK_DATA_DIR: dataDir,
      KETATRACK_TRUSTED_PROXIES: PROXY,
      KETATRACK_PUBLIC_URL: '',
    });
    expect(noUrl.status).toBe(2);
    expect(noUrl.stderr).toMatch(/KETATRACK_PUBLIC_URL is required/);
  });
});
