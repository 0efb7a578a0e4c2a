/**
 * What a person signing in is told. One answer for a wrong email, a wrong password, a
 * disabled account and a locked one, so the answer never tells whether an email has an
 * account (ADR 0024); it names the lockout length, which is the same for everyone.
 */
export function invalidCredentialsMessage(lockoutMinutes: number): string {
  return (
    'The email or password is wrong, or the account is locked for ' +
    `${lockoutMinutes} minutes after too many failed attempts. ` +
    'Check them and try again; if it keeps failing, wait or ask an administrator to unlock your account.'
  );
}

export const TOTP_INVALID_MESSAGE =
  'That code is not valid or was already used. Wait for the next code from your ' +
  'authenticator app, and check the time on your device.';

/** For a signed-in user's own account: they may know it is locked. */
export function tooManyAttemptsMessage(lockoutMinutes: number): string {
  return (
    `Too many wrong codes or passwords: your account is locked for ${lockoutMinutes} ` +
    'minutes. Wait, or ask an administrator to unlock it.'
  );
}
