import type { Kysely } from 'kysely';

// Issue 10: stored outcomes are replaced course by course (outcome-refresher.ts), but
// the two tables' primary keys begin with the instrument, so deleting a course's rows
// scanned the whole table: at 100k patients, tens of milliseconds on the event loop
// per write of a few courses. Indexes by course make it a lookup.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('course_outcomes_course')
    .on('course_outcomes')
    .column('course_id')
    .execute();
  await db.schema
    .createIndex('course_outcome_points_course')
    .on('course_outcome_points')
    .column('course_id')
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('202612031500_outcome-course-indexes cannot be reverted');
}
