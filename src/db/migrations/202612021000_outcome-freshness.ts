import { sql, type Kysely } from 'kysely';

// Issue 10: stored course outcomes (ADR 0013) go stale only when an outcome rule
// changes, not on every settings change. Each summary records the fingerprint of
// the rules it was computed under (indexed, so stale rows are found without a
// scan), and courses that have a dose but no stored outcomes yet (written by
// bulk loads, or before this migration) wait in a queue that the background
// refresher drains.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('course_summaries')
    .addColumn('rules_fingerprint', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .createIndex('course_summaries_fingerprint')
    .on('course_summaries')
    .column('rules_fingerprint')
    .execute();
  await db.schema
    .createTable('outcome_refresh_queue')
    .addColumn('course_id', 'text', (c) => c.primaryKey().references('courses.id'))
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .execute();
  // One scan, once: courses given a dose whose outcomes were never stored.
  await sql`
    insert into outcome_refresh_queue (course_id, queued_at)
    select distinct s.course_id, ${new Date().toISOString()}
    from sessions s
    where s.infusion_started_at is not null
      and not exists (select 1 from course_summaries cs where cs.course_id = s.course_id)
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('202612021000_outcome-freshness cannot be reverted');
}
