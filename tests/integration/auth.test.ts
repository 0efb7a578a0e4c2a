import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, openTestDatabase, TestClock, testDeps } from '../helpers/test-deps.js';
import {
  buildTestApp,
  PASSWORD,
  sessionCookie,
  startTestApi,
  type TestApi,
} from '../helpers/test-api.js';

describe.each(dialects())('first-run set-up on %s', (dialect) => {
  it('is offered only while no account exists, and two racing requests create exactly one admin', async () => {
    const tdb = await openTestDatabase(dialect);
    const deps = testDeps(tdb.database);
    const app = await buildTestApp(deps, { logger: false, webRoot: null });
    try {
      expect((await app.inject({ url: '/api/v1/setup' })).json()).toEqual({ needsSetup: true });
      const body = (email: string) => ({
        email,
        displayName: 'First Admin',
        password: 'a long enough password',
      });
      const results = await Promise.all([
        app.inject({ method: 'POST', url: '/api/v1/setup', payload: body('one@clinic.test') }),
        app.inject({ method: 'POST', url: '/api/v1/setup', payload: body('two@clinic.test') }),
        app.inject({ method: 'POST', url: '/api/v1/setup', payload: body('three@clinic.test') }),
      ]);
      const codes = results.map((r) => r.statusCode).sort();
      expect(codes).toEqual([201, 409, 409]);
      const users = await tdb.database.db.selectFrom('users').select(['email', 'role']).execute();
      expect(users).toHaveLength(1);
      expect(users[0]!.role).toBe('admin');
      expect((await app.inject({ url: '/api/v1/setup' })).json()).toEqual({ needsSetup: false });
      const again = await app.inject({
        method: 'POST',
        url: '/api/v1/setup',
        payload: body('late@clinic.test'),
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('setup.already_done');
    } finally {
      await app.close();
      await tdb.drop();
    }
  });
});

describe.each(dialects())('sign-in on %s', (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(dialect, {
      KETATRACK_SIGNIN_MAX_FAILURES: '3',
      KETATRACK_SIGNIN_LOCKOUT_MINUTES: '15',
      KETATRACK_SIGNIN_RATE_PER_MINUTE: '1000',
    });
  });
  afterAll(async () => api.close());

  const signIn = (email: string, password: string, totpCode?: string) =>
    api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email, password, ...(totpCode ? { totpCode } : {}) },
    });

  it('sets an HttpOnly, SameSite=Strict cookie and never stores the token itself', async () => {
    const res = await signIn('nurse@test.invalid', PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'kt_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie.secure).toBeFalsy();
    const stored = await api.deps.database.db.selectFrom('auth_sessions').select('id').execute();
    expect(stored.map((s) => s.id)).not.toContain(cookie.value);
    const behindHttps = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'nurse@test.invalid', password: PASSWORD },
      headers: { 'x-forwarded-proto': 'https' },
    });
    // Without KETATRACK_TRUSTED_PROXIES the forwarded header is ignored.
    expect(behindHttps.cookies.find((c) => c.name === 'kt_session')!.secure).toBeFalsy();
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const wrong = await signIn('researcher@test.invalid', 'not the password');
    const unknown = await signIn('nobody@test.invalid', 'not the password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
  });

  it('locks the account after repeated failures, even for the right password, until the lockout passes', async () => {
    await signIn('clinician@test.invalid', 'bad one');
    await signIn('clinician@test.invalid', 'bad two');
    const third = await signIn('clinician@test.invalid', 'bad three');
    expect(third.statusCode).toBe(401);
    const right = await signIn('clinician@test.invalid', PASSWORD);
    // Locked accounts answer like a wrong password (ADR 0024).
    expect(right.statusCode).toBe(401);
    expect(right.json().code).toBe('auth.invalid_credentials');
    api.clock.advance(16 * 60_000);
    expect((await signIn('clinician@test.invalid', PASSWORD)).statusCode).toBe(200);
    const actions = await api.deps.database.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', api.userIds.clinician)
      .execute();
    expect(actions.map((a) => a.action)).toContain('auth.locked');
  });

  it('signs out, after which the cookie no longer works', async () => {
    const cookie = sessionCookie(await signIn('nurse@test.invalid', PASSWORD));
    expect((await api.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(
      200,
    );
    await api.app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: { cookie } });
    expect((await api.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(
      401,
    );
  });

  it('expires idle sessions', async () => {
    const cookie = sessionCookie(await signIn('nurse@test.invalid', PASSWORD));
    api.clock.advance(61 * 60_000);
    expect((await api.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(
      401,
    );
  });

  it('supports an optional TOTP second factor', async () => {
    const cookie = sessionCookie(await signIn('researcher@test.invalid', PASSWORD));
    const setup = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/totp/setup',
      headers: { cookie },
    });
    const { secret, qrSvg, otpauthUri } = setup.json();
    expect(qrSvg).toContain('<svg');
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const totp = new OTPAuth.TOTP({
      secret: OTPAuth.Secret.fromBase32(secret),
      digits: 6,
      period: 30,
    });
    const code = () => totp.generate({ timestamp: api.clock.now().getTime() });
    const bad = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/totp/enable',
      headers: { cookie },
      payload: { code: code() === '000000' ? '111111' : '000000' },
    });
    expect(bad.statusCode).toBe(401);
    const ok = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/totp/enable',
      headers: { cookie },
      payload: { code: code() },
    });
    expect(ok.statusCode).toBe(200);
    const noCode = await signIn('researcher@test.invalid', PASSWORD);
    expect(noCode.json().code).toBe('auth.totp_required');
    // The code that confirmed enrolment is spent; the next one signs in (ADR 0024).
    api.clock.advance(30_000);
    expect((await signIn('researcher@test.invalid', PASSWORD, code())).statusCode).toBe(200);
    const stored = await api.deps.database.db
      .selectFrom('users')
      .select('totp_secret_enc')
      .where('id', '=', api.userIds.researcher)
      .executeTakeFirstOrThrow();
    expect(stored.totp_secret_enc).not.toContain(secret);
  });

  it('ends other sessions when a user changes their password, and requires the current one', async () => {
    const a = sessionCookie(await signIn('nurse@test.invalid', PASSWORD));
    const b = sessionCookie(await signIn('nurse@test.invalid', PASSWORD));
    const wrong = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { cookie: a },
      payload: { currentPassword: 'nope', newPassword: 'another long password' },
    });
    expect(wrong.json().errors[0]).toMatchObject({ field: 'currentPassword' });
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { cookie: a },
      payload: { currentPassword: PASSWORD, newPassword: 'another long password' },
    });
    expect(res.statusCode).toBe(200);
    expect(
      (await api.app.inject({ url: '/api/v1/auth/me', headers: { cookie: a } })).statusCode,
    ).toBe(200);
    expect(
      (await api.app.inject({ url: '/api/v1/auth/me', headers: { cookie: b } })).statusCode,
    ).toBe(401);
  });
});

describe.each(dialects())('user management on %s', (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(dialect);
  });
  afterAll(async () => api.close());

  it('lets an admin create, change and disable accounts, never removing the last admin', async () => {
    const created = await api.as('admin', {
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        email: 'New.Nurse@Clinic.test',
        displayName: 'New Nurse',
        role: 'nurse',
        password: 'a long enough password',
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ email: 'new.nurse@clinic.test', role: 'nurse' });
    const dup = await api.as('admin', {
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        email: 'new.nurse@clinic.test',
        displayName: 'X',
        role: 'nurse',
        password: 'a long enough password',
      },
    });
    expect(dup.statusCode).toBe(409);
    const cookie = sessionCookie(
      await api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: 'new.nurse@clinic.test', password: 'a long enough password' },
      }),
    );
    const disabled = await api.as('admin', {
      method: 'PATCH',
      url: `/api/v1/users/${created.json().id}`,
      payload: { disabled: true },
    });
    expect(disabled.json().disabled).toBe(true);
    expect((await api.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(
      401,
    );
    const demote = await api.as('admin', {
      method: 'PATCH',
      url: `/api/v1/users/${api.userIds.admin}`,
      payload: { role: 'nurse' },
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().code).toBe('user.last_admin');
  });
});

describe('the sign-in rate limit', () => {
  it('answers 429 once an address exceeds its attempts per minute', async () => {
    const tdb = await openTestDatabase('sqlite');
    const deps = testDeps(tdb.database, new TestClock(), { KETATRACK_SIGNIN_RATE_PER_MINUTE: '3' });
    const app = await buildTestApp(deps, { logger: false, webRoot: null });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          payload: { email: 'x@y.z', password: 'whatever' },
        });
        codes.push(res.statusCode);
      }
      expect(codes).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await app.close();
      await tdb.drop();
    }
  });
});
