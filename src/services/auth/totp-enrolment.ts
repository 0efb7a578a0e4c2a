import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import type { TotpSetup } from '../../contracts/auth.contract.js';
import { findUserById, updateUser } from '../../db/repositories/user.repository.js';
import { DomainError } from '../../domain/errors/domain-error.js';
import type { Deps, RequestContext } from '../deps.js';
import { inTransaction } from '../unit-of-work.js';
import { seal } from './secret-box.js';
import { totpCodeValid, totpFor } from './sign-in.js';

async function loadSelf(deps: Deps, ctx: RequestContext) {
  const user = ctx.actor ? await findUserById(deps.database.db, ctx.actor.userId) : undefined;
  if (!user) throw new DomainError('auth.unauthenticated', 'Sign in first.');
  return user;
}

/** Starts enrolment: a fresh secret, stored sealed, not yet required at sign-in. */
export async function beginTotpEnrolment(deps: Deps, ctx: RequestContext): Promise<TotpSetup> {
  const user = await loadSelf(deps, ctx);
  const secret = new OTPAuth.Secret({ size: 20 }).base32;
  const otpauthUri = totpFor(secret, user.email).toString();
  await inTransaction(deps, ctx, async (trx, audit) => {
    await updateUser(trx, user.id, {
      totp_secret_enc: seal(deps.config.secretKey, secret),
      totp_enabled: 0,
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
  if (!totpCodeValid(user, deps.config.secretKey, code, deps.clock.now())) {
    throw new DomainError(
      'auth.totp_invalid',
      'That code is not valid; scan the QR code again and retry.',
    );
  }
  await inTransaction(deps, ctx, async (trx, audit) => {
    await updateUser(trx, user.id, { totp_enabled: 1, updated_at: deps.clock.now().toISOString() });
    audit({ action: 'auth.totp_enabled', entityType: 'user', entityId: user.id });
  });
}

/** Turning the second factor off needs a current code. */
export async function disableTotp(deps: Deps, ctx: RequestContext, code: string): Promise<void> {
  const user = await loadSelf(deps, ctx);
  if (
    user.totp_enabled !== 1 ||
    !totpCodeValid(user, deps.config.secretKey, code, deps.clock.now())
  ) {
    throw new DomainError('auth.totp_invalid', 'That code is not valid.');
  }
  await inTransaction(deps, ctx, async (trx, audit) => {
    await updateUser(trx, user.id, {
      totp_enabled: 0,
      totp_secret_enc: null,
      updated_at: deps.clock.now().toISOString(),
    });
    audit({ action: 'auth.totp_disabled', entityType: 'user', entityId: user.id });
  });
}
