import type { Insertable, Kysely, Selectable } from 'kysely';
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

export async function findSessionWithUser(
  db: Kysely<DB>,
  id: string,
): Promise<{ session: AuthSessionRow; user: UserRow } | undefined> {
  const session = await db
    .selectFrom('auth_sessions')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!session) return undefined;
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', session.user_id)
    .executeTakeFirst();
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
