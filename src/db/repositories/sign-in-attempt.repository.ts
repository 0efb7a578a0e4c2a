import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';

/*
 * The per-account guessing guard (ADR 0024). Each statement is one atomic update, so
 * requests racing on one account cannot lose a count or accept one code twice.
 */

/**
 * Takes an attempt on an account that is not locked at `nowIso`: adds one to its
 * failure count before the password or code is checked, and returns the new count.
 * Undefined when the account is locked. Counting first bounds the guesses that
 * concurrent requests can make: a request holding a count above the limit is refused
 * unchecked. A success resets the count; `releaseSignInAttempt` gives one back.
 */
export async function claimSignInAttempt(
  db: Kysely<DB>,
  userId: string,
  nowIso: string,
): Promise<number | undefined> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({ failed_signins: eb('failed_signins', '+', 1) }))
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', nowIso)]))
    .returning('failed_signins')
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.failed_signins);
}

/** Gives back an attempt that turned out not to be a guess (a password awaiting its code). */
export async function releaseSignInAttempt(db: Kysely<DB>, userId: string): Promise<void> {
  await db
    .updateTable('users')
    .set((eb) => ({ failed_signins: eb('failed_signins', '-', 1) }))
    .where('id', '=', userId)
    .where('failed_signins', '>', 0)
    .execute();
}

/**
 * Records that a two-factor code of time step `step` was accepted, if no code of that
 * step or a later one was accepted before. False when it was: the code is spent.
 */
export async function acceptTotpStep(
  db: Kysely<DB>,
  userId: string,
  step: number,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
