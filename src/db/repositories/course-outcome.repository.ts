import type { Insertable, Kysely } from 'kysely';
import type { DB } from '../schema.js';
import type {
  CourseOutcomePointTable,
  CourseOutcomeTable,
  CourseSummaryTable,
} from '../tables/session.table.js';

/** Rows per insert statement, well under both dialects' bind-parameter limits. */
const CHUNK = 1000;

export interface CourseOutcomeRows {
  summaries: Insertable<CourseSummaryTable>[];
  outcomes: Insertable<CourseOutcomeTable>[];
  points: Insertable<CourseOutcomePointTable>[];
}

/** What the outcome rules need for these courses: the courses, their doses, their patients' scores. */
export async function courseOutcomeInputs(db: Kysely<DB>, courseIds: readonly string[]) {
  if (courseIds.length === 0) return { courses: [], doses: [], scores: [] };
  const ids = [...courseIds];
  const courses = await db
    .selectFrom('courses')
    .select(['id', 'patient_id', 'protocol'])
    .where('id', 'in', ids)
    .execute();
  const doses = (
    await db
      .selectFrom('sessions')
      .select(['course_id', 'infusion_started_at'])
      .where('course_id', 'in', ids)
      .where('infusion_started_at', 'is not', null)
      .execute()
  ).map((d) => ({ course_id: d.course_id, at: d.infusion_started_at ?? '' }));
  const patients = [...new Set(courses.map((c) => c.patient_id))];
  const scores = await db
    .selectFrom('assessments')
    .select(['patient_id', 'instrument', 'administered_at', 'total', 'si_item_value'])
    .where('patient_id', 'in', patients)
    .where('session_id', 'is', null)
    .where('total', 'is not', null)
    .execute();
  return {
    courses,
    doses,
    scores: scores.map((s) => ({ ...s, total: s.total ?? 0 })),
  };
}

/** Replaces the stored outcomes of these courses with freshly computed ones. */
export async function replaceCourseOutcomes(
  db: Kysely<DB>,
  courseIds: readonly string[],
  rows: CourseOutcomeRows,
): Promise<void> {
  if (courseIds.length === 0) return;
  const ids = [...courseIds];
  await db.deleteFrom('course_outcome_points').where('course_id', 'in', ids).execute();
  await db.deleteFrom('course_outcomes').where('course_id', 'in', ids).execute();
  await db.deleteFrom('course_summaries').where('course_id', 'in', ids).execute();
  for (let i = 0; i < rows.summaries.length; i += CHUNK)
    await db
      .insertInto('course_summaries')
      .values(rows.summaries.slice(i, i + CHUNK))
      .execute();
  for (let i = 0; i < rows.outcomes.length; i += CHUNK)
    await db
      .insertInto('course_outcomes')
      .values(rows.outcomes.slice(i, i + CHUNK))
      .execute();
  for (let i = 0; i < rows.points.length; i += CHUNK)
    await db
      .insertInto('course_outcome_points')
      .values(rows.points.slice(i, i + CHUNK))
      .execute();
}
