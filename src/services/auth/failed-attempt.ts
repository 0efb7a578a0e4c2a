import type { UserRow } from '../../db/repositories/user.repository.js';
import { updateUser } from '../../db/repositories/user.repository.js';
import type { Deps, RequestContext } from '../deps.js';
import { inTransaction } from '../unit-of-work.js';

/** Where a password or two-factor code was entered. */
export type TotpPurpose = 'sign-in' | 'enable' | 'disable';

/** What went wrong; never the password or the code itself. */
export type AttemptFailure =
  | { readonly kind: 'password' }
  | { readonly kind: 'totp'; readonly purpose: TotpPurpose; readonly reason: 'wrong' | 'reused' };

/**
 * Audits a refused password or two-factor code taken as attempt number `attempt`
 * (from `claimSignInAttempt`), and locks the account when that was the last attempt
 * allowed. Wrong passwords and wrong codes share one count (ADR 0024).
 * Returns whether the account is now locked.
 */
export async function recordFailedAttempt(
  deps: Deps,
  ctx: RequestContext,
  user: UserRow,
  attempt: number,
  failure: AttemptFailure,
): Promise<boolean> {
  const { maxFailures, lockoutMinutes } = deps.config.signIn;
  const now = deps.clock.now();
  const lock = attempt >= maxFailures;
  await inTransaction(deps, ctx, async (trx, audit) => {
    const details =
      failure.kind === 'password'
        ? { failures: attempt }
        : { failures: attempt, purpose: failure.purpose, reason: failure.reason };
    audit({
      action: failure.kind === 'password' ? 'auth.sign_in_failed' : 'auth.totp_failed',
      entityType: 'user',
      entityId: user.id,
      details,
    });
    if (!lock) return;
    const lockedUntil = new Date(now.getTime() + lockoutMinutes * 60_000).toISOString();
    // The count starts again once the lockout passes (or an administrator unlocks).
    await updateUser(trx, user.id, {
      failed_signins: 0,
      locked_until: lockedUntil,
      updated_at: now.toISOString(),
    });
    audit({
      action: 'auth.locked',
      entityType: 'user',
      entityId: user.id,
      details: { failures: attempt, lockedUntil, cause: failure.kind },
    });
  });
  return lock;
}

/** Audits an attempt refused unchecked because the account is locked. */
export async function recordLockedAttempt(
  deps: Deps,
  ctx: RequestContext,
  user: UserRow,
  purpose: TotpPurpose,
): Promise<void> {
  await inTransaction(deps, ctx, async (_trx, audit) => {
    audit(
      purpose === 'sign-in'
        ? {
            action: 'auth.sign_in_failed',
            entityType: 'user',
            entityId: user.id,
            details: { reason: 'locked' },
          }
        : {
            action: 'auth.totp_failed',
            entityType: 'user',
            entityId: user.id,
            details: { purpose, reason: 'locked' },
          },
    );
  });
}
