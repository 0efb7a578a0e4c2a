import { createHash, randomBytes } from 'node:crypto';
import type { Me, SignInBody } from '../../contracts/auth.contract.js';
import {
  deleteAuthSession,
  deleteExpiredSessions,
  findSessionWithUser,
  insertAuthSession,
  touchAuthSession,
} from '../../db/repositories/auth-session.repository.js';
import {
  acceptTotpStep,
  claimSignInAttempt,
  releaseSignInAttempt,
} from '../../db/repositories/sign-in-attempt.repository.js';
import {
  findUserByEmail,
  updateUser,
  type UserRow,
} from '../../db/repositories/user.repository.js';
import { DomainError } from '../../domain/errors/domain-error.js';
import type { Actor, Deps, RequestContext } from '../deps.js';
import { inTransaction } from '../unit-of-work.js';
import { roleOf, toMeDto } from '../users/user-dto.js';
import { invalidCredentialsMessage, TOTP_INVALID_MESSAGE } from './auth-messages.js';
import { recordFailedAttempt, recordLockedAttempt } from './failed-attempt.js';
import { burnPasswordCheck, verifyPassword } from './passwords.js';
import { totpCodeStep } from './totp.js';

export const hashToken = (token: string): string =>
  createHash('sha256').update(token).digest('hex');

export interface SignInResult {
  token: string;
  expiresAt: Date;
  me: Me;
}

/**
 * Checks credentials (and the second factor when enabled), counts failures,
 * locks the account for a while after too many, and opens a session.
 *
 * An unknown email, a disabled account, a locked account and a wrong password get
 * one answer (401, `auth.invalid_credentials`, one wording) after the same password
 * hash work, so the answer does not tell whether an email has an account (ADR 0024).
 * Wrong two-factor codes count towards the same lockout as wrong passwords, and a code
 * is good once.
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
  const db = deps.database.db;
  const refused = () =>
    new DomainError('auth.invalid_credentials', invalidCredentialsMessage(lockoutMinutes));
  const user = await findUserByEmail(db, body.email);

  if (!user || user.disabled_at !== null) {
    await burnPasswordCheck(body.password);
    await inTransaction(deps, ctx, async (_trx, audit) => {
      audit({
        action: 'auth.sign_in_failed',
        entityType: 'user',
        details: { email: body.email.toLowerCase(), reason: user ? 'disabled' : 'unknown-email' },
      });
    });
    throw refused();
  }

  const actorCtx: RequestContext = {
    ...ctx,
    actor: { userId: user.id, email: user.email, role: roleOf(user) },
  };
  // Counted before anything is checked, so racing guesses cannot outrun the limit.
  const attempt = await claimSignInAttempt(db, user.id, nowIso);
  if (attempt === undefined || attempt > maxFailures) {
    // Locked: the password is not checked, but its hash work is spent all the same.
    await burnPasswordCheck(body.password);
    await recordLockedAttempt(deps, actorCtx, user, 'sign-in');
    throw refused();
  }

  if (!(await verifyPassword(user.password_hash, body.password))) {
    await recordFailedAttempt(deps, actorCtx, user, attempt, { kind: 'password' });
    throw refused();
  }

  if (user.totp_enabled === 1) {
    if (body.totpCode === undefined) {
      // The right password, asked for its code: not a guess, so the attempt is given back.
      await releaseSignInAttempt(db, user.id);
      throw new DomainError(
        'auth.totp_required',
        'Enter the 6-digit code from your authenticator app.',
      );
    }
    const step = totpCodeStep(user, deps.config.secretKey, body.totpCode, now);
    const spent = step !== null && !(await acceptTotpStep(db, user.id, step));
    if (step === null || spent) {
      await recordFailedAttempt(deps, actorCtx, user, attempt, {
        kind: 'totp',
        purpose: 'sign-in',
        reason: spent ? 'reused' : 'wrong',
      });
      throw new DomainError('auth.totp_invalid', TOTP_INVALID_MESSAGE);
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
