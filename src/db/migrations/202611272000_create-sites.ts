import type { Kysely } from 'kysely';

// Sites (PRODUCT: administrators manage sites): where a course is given, so
// cohort reports can be filtered by site (issue 6). Scoping users to sites is a
// later step; this table is what it will build on.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .alterTable('courses')
    .addColumn('site_id', 'text', (c) => c.references('sites.id'))
    .execute();
  await db.schema.createIndex('courses_site').on('courses').column('site_id').execute();
}

export async function down(): Promise<void> {
  throw new Error('202611272000_create-sites cannot be reverted');
}
