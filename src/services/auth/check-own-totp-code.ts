import {
  acceptTotpStep,
  claimSignInAttempt,
  releaseSignInAttempt,
} from '../../db/repositories/sign-in-attempt.repository.js';
import type { UserRow } from '../../db/repositories/user.repository.js';
import { DomainError } from '../../domain/errors/domain-error.js';
import type { Deps, RequestContext } from '../deps.js';
import { TOTP_INVALID_MESSAGE, tooManyAttemptsMessage } from './auth-messages.js';
import { recordFailedAttempt, recordLockedAttempt } from './failed-attempt.js';
import { totpCodeStep } from './totp.js';

/**
 * Checks a two-factor code the signed-in user entered to turn the second factor on or
 * off. Like a code at sign-in it is counted (a wrong one counts towards the lockout and
 * is audited) and good once: the code that confirmed enrolment cannot then open a
 * session. Throws `auth.totp_invalid`.
 */
export async function checkOwnTotpCode(
  deps: Deps,
  ctx: RequestContext,
  user: UserRow,
  code: string,
  purpose: 'enable' | 'disable',
): Promise<void> {
  const { maxFailures, lockoutMinutes } = deps.config.signIn;
  const db = deps.database.db;
  const now = deps.clock.now();
  const attempt = await claimSignInAttempt(db, user.id, now.toISOString());
  if (attempt === undefined || attempt > maxFailures) {
    await recordLockedAttempt(deps, ctx, user, purpose);
    throw new DomainError('auth.totp_invalid', tooManyAttemptsMessage(lockoutMinutes));
  }
  const step = totpCodeStep(user, deps.config.secretKey, code, now);
  const spent = step !== null && !(await acceptTotpStep(db, user.id, step));
  if (step === null || spent) {
    const locked = await recordFailedAttempt(deps, ctx, user, attempt, {
      kind: 'totp',
      purpose,
      reason: spent ? 'reused' : 'wrong',
    });
    throw new DomainError(
      'auth.totp_invalid',
      locked ? tooManyAttemptsMessage(lockoutMinutes) : TOTP_INVALID_MESSAGE,
    );
  }
  // A right code proves the second factor, not the password: it gives back only its own
  // attempt and leaves earlier failures counted.
  await releaseSignInAttempt(db, user.id);
}
