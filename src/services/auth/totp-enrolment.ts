import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import type { TotpSetup } from '../../contracts/auth.contract.js';
import { findUserById, updateUser } from '../../db/repositories/user.repository.js';
import { DomainError } from '../../domain/errors/domain-error.js';
import type { Deps, RequestContext } from '../deps.js';
import { inTransaction } from '../unit-of-work.js';
import { checkOwnTotpCode } from './check-own-totp-code.js';
import { seal } from './secret-box.js';
import { totpFor } from './totp.js';

async function loadSelf(deps: Deps, ctx: RequestContext) {
  const user = ctx.actor ? await findUserById(deps.database.db, ctx.actor.userId) : undefined;
  if (!user) throw new DomainError('auth.unauthenticated', 'Sign in first.');
  return user;
}

/**
 * Starts enrolment: a fresh secret, stored sealed, not yet required at sign-in.
 * Refused while the second factor is on: a new secret would turn it off without the
 * current code that turning it off requires.
 */
export async function beginTotpEnrolment(deps: Deps, ctx: RequestContext): Promise<TotpSetup> {
  const user = await loadSelf(deps, ctx);
  if (user.totp_enabled === 1) {
    throw new DomainError(
      'auth.totp_already_enabled',
      'Two-step sign-in is already on. To set up a new device, turn it off with a current code first.',
    );
  }
  const secret = new OTPAuth.Secret({ size: 20 }).base32;
  const otpauthUri = totpFor(secret, user.email).toString();
  await inTransaction(deps, ctx, async (trx, audit) => {
    await updateUser(trx, user.id, {
      totp_secret_enc: seal(deps.config.secretKey, secret),
      totp_enabled: 0,
      // Codes of the old secret are worthless now; the new one's steps start afresh.
      totp_last_step: null,
      updated_at: deps.clock.now().toISOString(),
    });
    audit({ action: 'auth.totp_enrolment_started', entityType: 'user', entityId: user.id });
  });
  const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', margin: 1 });
  return { secret, otpauthUri, qrSvg };
}

/** Turns the second factor on once the user proves the app works. */
export async function confirmTotp(deps: Deps, ctx: RequestContext, code: string): Promise<void> {
  const user = await loadSelf(deps, ctx);
  if (user.totp_enabled === 1) {
    throw new DomainError('auth.totp_already_enabled', 'Two-step sign-in is already on.');
  }
  if (!user.totp_secret_enc) {
    throw new DomainError('auth.totp_invalid', 'Start setting up two-step sign-in first.');
  }
  await checkOwnTotpCode(deps, ctx, user, code, 'enable');
  await inTransaction(deps, ctx, async (trx, audit) => {
    await updateUser(trx, user.id, { totp_enabled: 1, updated_at: deps.clock.now().toISOString() });
    audit({ action: 'auth.totp_enabled', entityType: 'user', entityId: user.id });
  });
}

/** Turning the second factor off needs a current code. */
export async function disableTotp(deps: Deps, ctx: RequestContext, code: string): Promise<void> {
  const user = await loadSelf(deps, ctx);
  if (user.totp_enabled !== 1) {
    throw new DomainError('auth.totp_invalid', 'Two-step sign-in is not on.');
  }
  await checkOwnTotpCode(deps, ctx, user, code, 'disable');
  await inTransaction(deps, ctx, async (trx, audit) => {
    await updateUser(trx, user.id, {
      totp_enabled: 0,
      totp_secret_enc: null,
      totp_last_step: null,
      updated_at: deps.clock.now().toISOString(),
    });
    audit({ action: 'auth.totp_disabled', entityType: 'user', entityId: user.id });
  });
}
