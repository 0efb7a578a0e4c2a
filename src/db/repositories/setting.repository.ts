import type { Insertable, Kysely, Selectable } from 'kysely';
import type { DB } from '../schema.js';
import type { SettingChangeTable } from '../tables/assessment.table.js';

export type SettingChangeRow = Selectable<SettingChangeTable>;

/** Every change in order; the current value of a key is its last change. */
export function listSettingChanges(db: Kysely<DB>): Promise<SettingChangeRow[]> {
  return db.selectFrom('setting_changes').selectAll().orderBy('version').execute();
}

export async function latestSettingVersion(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('setting_changes')
    .select((eb) => eb.fn.max('version').as('v'))
    .executeTakeFirst();
  return Number(row?.v ?? 0);
}

export async function insertSettingChange(
  db: Kysely<DB>,
  row: Insertable<SettingChangeTable>,
): Promise<void> {
  await db.insertInto('setting_changes').values(row).execute();
}
