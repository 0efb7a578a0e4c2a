import * as OTPAuth from 'otpauth';
import type { UserRow } from '../../db/repositories/user.repository.js';
import { open } from './secret-box.js';

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

/**
 * The RFC 6238 time step a code belongs to, if it is the code of the current step or
 * of one step either side (clock drift); null when it is none of them. The caller
 * refuses a step at or before the last one the account accepted (one use per code).
 */
export function totpCodeStep(user: UserRow, key: Buffer, code: string, now: Date): number | null {
  if (!user.totp_secret_enc) return null;
  const totp = totpFor(open(key, user.totp_secret_enc), user.email);
  const timestamp = now.getTime();
  const delta = totp.validate({ token: code, timestamp, window: 1 });
  return delta === null ? null : totp.counter({ timestamp }) + delta;
}
