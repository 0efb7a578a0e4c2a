import type { Insertable, Kysely, Selectable } from 'kysely';
import { prepareQuery } from '../prepared-query.js';
import type { DB } from '../schema.js';
import type { SettingChangeTable } from '../tables/assessment.table.js';

export type SettingChangeRow = Selectable<SettingChangeTable>;

/** Every change in order; the current value of a key is its last change. */
// Every session write loads the settings (compiled once: prepared-query.ts).
const allChanges = prepareQuery((db) =>
  db.selectFrom('setting_changes').selectAll().orderBy('version'),
);

export async function listSettingChanges(db: Kysely<DB>): Promise<SettingChangeRow[]> {
  return (await allChanges.execute(db, [])).rows;
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
