import type { Insertable, Kysely, Selectable } from 'kysely';
import type { DB } from '../schema.js';
import type { SiteTable } from '../tables/session.table.js';

export type SiteRow = Selectable<SiteTable>;

export function listSiteRows(db: Kysely<DB>): Promise<SiteRow[]> {
  return db.selectFrom('sites').selectAll().orderBy('name').execute();
}

/** The sites among these ids that exist. */
export function findSiteRows(db: Kysely<DB>, ids: readonly string[]): Promise<SiteRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('sites')
    .selectAll()
    .where('id', 'in', [...ids])
    .orderBy('name')
    .execute();
}

export async function insertSite(db: Kysely<DB>, row: Insertable<SiteTable>): Promise<void> {
  await db.insertInto('sites').values(row).execute();
}
