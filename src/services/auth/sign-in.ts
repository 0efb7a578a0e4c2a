import { createHash, randomBytes } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import type { Me, SignInBody } from '../../contracts/auth.contract.js';
import {
  deleteAuthSession,
  deleteExpiredSessions,
  findSessionWithUser,
  insertAuthSession,
  touchAuthSession,
} from '../../db/repositories/auth-session.repository.js';
import {
  findUserByEmail,
  updateUser,
  type UserRow,
} from '../../db/repositories/user.repository.js';
import { DomainError } from '../../domain/errors/domain-error.js';
import type { Actor, Deps, RequestContext } from '../deps.js';
import { inTransaction } from '../unit-of-work.js';
import { roleOf, toMeDto } from '../users/user-dto.js';
import { burnPasswordCheck, verifyPassword } from './passwords.js';
import { open } from './secret-box.js';

export const hashToken = (token: string): string =>
  createHash('sha256').update(token).digest('hex');

export function totpFor(secretBase32: string, label: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: 'ketatrack',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: OTPAuth.Secret.fromBase32(secretBase32),
  });
}

/** Accepts the current code and one step either side for clock drift. */
export function totpCodeValid(user: UserRow, key: Buffer, code: string, now: Date): boolean {
  if (!user.totp_secret_enc) return false;
  const totp = totpFor(open(key, user.totp_secret_enc), user.email);
  return totp.validate({ token: code, timestamp: now.getTime(), window: 1 }) !== null;
}

export interface SignInResult {
  token: string;
  expiresAt: Date;
  me: Me;
}

/**
 * Checks credentials (and the second factor when enabled), counts failures,
 * locks the account for a while after too many, and opens a session.
 */
export async function signIn(
  deps: Deps,
  ctx: RequestContext,
  body: SignInBody,
  userAgent: string | null,
): Promise<SignInResult> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const { maxFailures, lockoutMinutes } = deps.config.signIn;
  const user = await findUserByEmail(deps.database.db, body.email);

  if (!user || user.disabled_at !== null) {
    await burnPasswordCheck(body.password);
    await inTransaction(deps, ctx, async (_trx, audit) => {
      audit({
        action: 'auth.sign_in_failed',
        entityType: 'user',
        details: { email: body.email.toLowerCase(), reason: user ? 'disabled' : 'unknown-email' },
      });
    });
    throw new DomainError('auth.invalid_credentials', 'Email or password is wrong.');
  }
  if (user.locked_until !== null && user.locked_until > nowIso) {
    throw new DomainError(
      'auth.locked',
      `Too many failed sign-ins. Try again after ${user.locked_until}.`,
    );
  }

  const passwordOk = await verifyPassword(user.password_hash, body.password);
  const actorCtx: RequestContext = {
    ...ctx,
    actor: { userId: user.id, email: user.email, role: roleOf(user) },
  };
  if (!passwordOk) {
    const failures = user.failed_signins + 1;
    const lock = failures >= maxFailures;
    const lockedUntil = lock
      ? new Date(now.getTime() + lockoutMinutes * 60_000).toISOString()
      : null;
    await inTransaction(deps, actorCtx, async (trx, audit) => {
      await updateUser(trx, user.id, {
        failed_signins: lock ? 0 : failures,
        locked_until: lockedUntil,
        updated_at: nowIso,
      });
      audit({
        action: lock ? 'auth.locked' : 'auth.sign_in_failed',
        entityType: 'user',
        entityId: user.id,
        details: { failures },
      });
    });
    if (lock) {
      throw new DomainError(
        'auth.locked',
        `Too many failed sign-ins. Try again after ${lockedUntil}.`,
      );
    }
    throw new DomainError('auth.invalid_credentials', 'Email or password is wrong.');
  }

  if (user.totp_enabled === 1) {
    if (body.totpCode === undefined) {
      throw new DomainError(
        'auth.totp_required',
        'Enter the 6-digit code from your authenticator app.',
      );
    }
    if (!totpCodeValid(user, deps.config.secretKey, body.totpCode, now)) {
      throw new DomainError(
        'auth.totp_invalid',
        'That code is not valid; check the time on your device.',
      );
    }
  }

  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + deps.config.session.ttlHours * 3_600_000);
  await inTransaction(deps, actorCtx, async (trx, audit) => {
    await deleteExpiredSessions(trx, nowIso);
    await insertAuthSession(trx, {
      id: hashToken(token),
      user_id: user.id,
      created_at: nowIso,
      last_seen_at: nowIso,
      expires_at: expiresAt.toISOString(),
      ip: ctx.ip,
      user_agent: userAgent?.slice(0, 300) ?? null,
    });
    await updateUser(trx, user.id, { failed_signins: 0, locked_until: null, updated_at: nowIso });
    audit({ action: 'auth.sign_in', entityType: 'user', entityId: user.id });
  });
  return { token, expiresAt, me: toMeDto(user) };
}

export interface ResolvedSession {
  sessionId: string;
  actor: Actor;
  user: UserRow;
}

/** Finds the live session for a cookie token, enforcing absolute and idle expiry. */
export async function resolveSession(deps: Deps, token: string): Promise<ResolvedSession | null> {
  const id = hashToken(token);
  const found = await findSessionWithUser(deps.database.db, id);
  if (!found) return null;
  const now = deps.clock.now();
  const { session, user } = found;
  const idleLimit = new Date(
    now.getTime() - deps.config.session.idleMinutes * 60_000,
  ).toISOString();
  if (
    session.expires_at <= now.toISOString() ||
    session.last_seen_at < idleLimit ||
    user.disabled_at !== null
  ) {
    await deleteAuthSession(deps.database.db, id);
    return null;
  }
  // Write last-seen at most once a minute to keep reads cheap.
  if (now.getTime() - Date.parse(session.last_seen_at) > 60_000) {
    await touchAuthSession(deps.database.db, id, now.toISOString());
  }
  return { sessionId: id, user, actor: { userId: user.id, email: user.email, role: roleOf(user) } };
}

export async function signOut(deps: Deps, ctx: RequestContext, sessionId: string): Promise<void> {
  await inTransaction(deps, ctx, async (trx, audit) => {
    await deleteAuthSession(trx, sessionId);
    audit({ action: 'auth.sign_out', entityType: 'user', entityId: ctx.actor?.userId ?? null });
  });
}
