import { sql, type Kysely } from 'kysely';

// Issue 11 (hostile test): any user who could import could import into, report on and
// list every study, so a researcher reached a study whose subjects a clinician had linked
// to patients by MRN. A study now has an owner (who made it by importing first) and
// members; ADR 0026 has the rules. Studies made before this migration keep no owner:
// roles that read patient records see them as before, researchers must be added.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('studies')
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .execute();
  await db.schema
    .createTable('study_members')
    .addColumn('study', 'text', (c) => c.notNull().references('studies.name'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('added_by', 'text', (c) => c.references('users.id'))
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('study_members_pk', ['study', 'user_id'])
    .execute();
  await db.schema.createIndex('study_members_user').on('study_members').column('user_id').execute();
  // "Is any subject of this study a patient?" is asked on every study read: a lookup,
  // not a scan of the study's subjects.
  await db.schema
    .createIndex('study_subjects_linked')
    .on('study_subjects')
    .column('study')
    .where(sql<boolean>`patient_id is not null`)
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('202612041100_add-study-owners cannot be reverted');
}
