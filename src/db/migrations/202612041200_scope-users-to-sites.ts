import type { Kysely } from 'kysely';

// Issue 11 item 13 (ADR 0027): a user can be limited to one or more sites, and a
// patient has a home site. A user with no rows in user_sites is unrestricted, so
// installs that have sites but never scoped anyone keep working as before; patients
// registered before this have no home site and are seen by scoped users only through
// a course at one of their sites.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('user_sites')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addPrimaryKeyConstraint('user_sites_pk', ['user_id', 'site_id'])
    .execute();
  await db.schema
    .alterTable('patients')
    .addColumn('site_id', 'text', (c) => c.references('sites.id'))
    .execute();
  await db.schema.createIndex('patients_site').on('patients').column('site_id').execute();
  // The scope filter asks "which patients have a course at these sites".
  await db.schema
    .createIndex('courses_site_patient')
    .on('courses')
    .columns(['site_id', 'patient_id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('202612041200_scope-users-to-sites cannot be reverted');
}
