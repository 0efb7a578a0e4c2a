import type { Insertable, Kysely, Selectable } from 'kysely';
import { prepareQuery } from '../prepared-query.js';
import type { DB } from '../schema.js';
import type { AuthSessionTable } from '../tables/auth-session.table.js';
import type { UserRow } from './user.repository.js';

export type AuthSessionRow = Selectable<AuthSessionTable>;

export async function insertAuthSession(
  db: Kysely<DB>,
  row: Insertable<AuthSessionTable>,
): Promise<void> {
  await db.insertInto('auth_sessions').values(row).execute();
}

// Every signed-in request runs these two (ADR 0017's bench: compiled once, not per request).
const sessionById = prepareQuery((db, p) =>
  db.selectFrom('auth_sessions').selectAll().where('id', '=', p(0)),
);
const userById = prepareQuery((db, p) => db.selectFrom('users').selectAll().where('id', '=', p(0)));

export async function findSessionWithUser(
  db: Kysely<DB>,
  id: string,
): Promise<{ session: AuthSessionRow; user: UserRow } | undefined> {
  const session = (await sessionById.execute(db, [id])).rows[0];
  if (!session) return undefined;
  const user = (await userById.execute(db, [session.user_id])).rows[0];
  return user ? { session, user } : undefined;
}

export async function touchAuthSession(db: Kysely<DB>, id: string, at: string): Promise<void> {
  await db.updateTable('auth_sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
}

export async function deleteAuthSession(db: Kysely<DB>, id: string): Promise<void> {
  await db.deleteFrom('auth_sessions').where('id', '=', id).execute();
}

export async function deleteSessionsOfUser(
  db: Kysely<DB>,
  userId: string,
  exceptId?: string,
): Promise<void> {
  let q = db.deleteFrom('auth_sessions').where('user_id', '=', userId);
  if (exceptId) q = q.where('id', '!=', exceptId);
  await q.execute();
}

export async function deleteExpiredSessions(db: Kysely<DB>, now: string): Promise<void> {
  await db.deleteFrom('auth_sessions').where('expires_at', '<=', now).execute();
}
