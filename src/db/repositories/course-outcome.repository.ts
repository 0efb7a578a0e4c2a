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
  await db.deleteFrom('outcome_refresh_queue').where('course_id', 'in', ids).execute();
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

/**
 * Up to `limit` courses whose stored outcomes need computing: queued ones (a dose
 * given, nothing stored yet), then summaries made under other rules. Both come
 * from indexes (the queue's key, the fingerprint index's two ranges), never a scan.
 */
export async function staleCourseBatch(
  db: Kysely<DB>,
  fingerprint: string,
  limit: number,
): Promise<string[]> {
  const queued = await db
    .selectFrom('outcome_refresh_queue')
    .select('course_id')
    .orderBy('course_id')
    .limit(limit)
    .execute();
  const ids = queued.map((r) => r.course_id);
  if (ids.length >= limit) return ids;
  const outdated = await db
    .selectFrom('course_summaries')
    .select('course_id')
    .where((eb) =>
      eb.or([eb('rules_fingerprint', '<', fingerprint), eb('rules_fingerprint', '>', fingerprint)]),
    )
    .limit(limit - ids.length)
    .execute();
  return [...ids, ...outdated.map((r) => r.course_id)];
}

/** How many courses' stored outcomes are missing or were computed under other rules. */
export async function countStaleCourses(db: Kysely<DB>, fingerprint: string): Promise<number> {
  const queued = await db
    .selectFrom('outcome_refresh_queue')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const outdated = await db
    .selectFrom('course_summaries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) =>
      eb.or([eb('rules_fingerprint', '<', fingerprint), eb('rules_fingerprint', '>', fingerprint)]),
    )
    .executeTakeFirstOrThrow();
  return Number(queued.n) + Number(outdated.n);
}

/** Of these courses, the ones still stale (a write may have refreshed some meanwhile). */
export async function stillStale(
  db: Kysely<DB>,
  courseIds: readonly string[],
  fingerprint: string,
): Promise<Set<string>> {
  if (courseIds.length === 0) return new Set();
  const ids = [...courseIds];
  const queued = await db
    .selectFrom('outcome_refresh_queue')
    .select('course_id')
    .where('course_id', 'in', ids)
    .execute();
  const outdated = await db
    .selectFrom('course_summaries')
    .select('course_id')
    .where('course_id', 'in', ids)
    .where('rules_fingerprint', '<>', fingerprint)
    .execute();
  return new Set([...queued, ...outdated].map((r) => r.course_id));
}

/** Marks courses as needing their outcomes computed (bulk loads that bypass the refresh). */
export async function queueOutcomeRefresh(
  db: Kysely<DB>,
  courseIds: readonly string[],
  at: string,
): Promise<void> {
  for (let i = 0; i < courseIds.length; i += CHUNK)
    await db
      .insertInto('outcome_refresh_queue')
      .values(courseIds.slice(i, i + CHUNK).map((course_id) => ({ course_id, queued_at: at })))
      .onConflict((oc) => oc.column('course_id').doNothing())
      .execute();
}
