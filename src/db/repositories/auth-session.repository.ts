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

// Every signed-in request runs this: one statement, compiled once (prepared-query.ts).
const sessionWithUser = prepareQuery((db, p) =>
  db
    .selectFrom('auth_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('u')
    .select([
      's.id as s_id',
      's.user_id as s_user_id',
      's.created_at as s_created_at',
      's.last_seen_at as s_last_seen_at',
      's.expires_at as s_expires_at',
      's.ip as s_ip',
      's.user_agent as s_user_agent',
    ])
    .where('s.id', '=', p(0)),
);

export async function findSessionWithUser(
  db: Kysely<DB>,
  id: string,
): Promise<{ session: AuthSessionRow; user: UserRow } | undefined> {
  const row = (await sessionWithUser.execute(db, [id])).rows[0];
  if (!row) return undefined;
  const {
    s_id,
    s_user_id,
    s_created_at,
    s_last_seen_at,
    s_expires_at,
    s_ip,
    s_user_agent,
    ...user
  } = row;
  return {
    session: {
      id: s_id,
      user_id: s_user_id,
      created_at: s_created_at,
      last_seen_at: s_last_seen_at,
      expires_at: s_expires_at,
      ip: s_ip,
      user_agent: s_user_agent,
    },
    user,
  };
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
