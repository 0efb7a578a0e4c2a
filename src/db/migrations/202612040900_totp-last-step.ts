import type { Kysely } from 'kysely';

// Issue 11: a two-factor code is good for one use. Each account keeps the RFC 6238
// time step (Unix seconds / 30) of the last code it accepted; a code from that step
// or an earlier one is refused, so a code seen over a shoulder or replayed from a
// log cannot open a second session. Null until a code is first accepted.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute();
}

export async function down(): Promise<void> {
  throw new Error('202612040900_totp-last-step cannot be reverted');
}
