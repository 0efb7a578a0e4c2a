import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import { prepareQuery } from '../prepared-query.js';
import type { DB } from '../schema.js';
import type { UserTable } from '../tables/user.table.js';

export type UserRow = Selectable<UserTable>;

export function findUserByEmail(db: Kysely<DB>, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
}

export function findUserById(db: Kysely<DB>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listUsers(db: Kysely<DB>): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('email').execute();
}

export async function countUsers(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countActiveAdmins(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertUser(db: Kysely<DB>, row: Insertable<UserTable>): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function updateUser(
  db: Kysely<DB>,
  id: string,
  patch: Updateable<UserTable>,
): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', id).execute();
}

const sitesOfUser = prepareQuery((db, p) =>
  db.selectFrom('user_sites').select('site_id').where('user_id', '=', p(0)).orderBy('site_id'),
);

/** The sites a user is limited to (none: unrestricted). Read on every scoped use case. */
export async function siteIdsOfUser(db: Kysely<DB>, userId: string): Promise<string[]> {
  return (await sitesOfUser.execute(db, [userId])).rows.map((r) => r.site_id);
}

/** Every user's sites with their names, for the users page. */
export function listUserSites(
  db: Kysely<DB>,
): Promise<{ user_id: string; site_id: string; name: string }[]> {
  return db
    .selectFrom('user_sites')
    .innerJoin('sites', 'sites.id', 'user_sites.site_id')
    .select(['user_sites.user_id', 'user_sites.site_id', 'sites.name'])
    .orderBy('sites.name')
    .execute();
}

/** Replaces a user's sites with these (none: unrestricted). */
export async function replaceUserSites(
  db: Kysely<DB>,
  userId: string,
  siteIds: readonly string[],
): Promise<void> {
  await db.deleteFrom('user_sites').where('user_id', '=', userId).execute();
  if (siteIds.length > 0)
    await db
      .insertInto('user_sites')
      .values(siteIds.map((site_id) => ({ user_id: userId, site_id })))
      .execute();
}
