import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { SiteScope } from '../../domain/auth/site-scope.js';
import type { DB } from '../schema.js';

/**
 * The one translation of a site scope into SQL (ADR 0027). Every query that finds
 * patients, or records reached through a patient, by anything but a patient id the
 * caller has already been allowed takes a `SiteScope` and narrows itself here.
 */

/** Matches nothing (a scope limited to no site at all, which `scopeOfSites` never makes). */
const nothing = sql<SqlBool>`1 = 0`;

/**
 * For a query over `patients`: the rows within the scope (home site among the scope's
 * sites, or a course at one of them), or null when the scope is unrestricted.
 */
export function patientRowInScope(
  scope: SiteScope,
): ((eb: ExpressionBuilder<DB, 'patients'>) => Expression<SqlBool>) | null {
  if (scope.kind === 'all') return null;
  const ids = [...scope.siteIds];
  return (eb) =>
    ids.length === 0
      ? nothing
      : eb.or([
          eb('patients.site_id', 'in', ids),
          eb(
            'patients.id',
            'in',
            eb
              .selectFrom('courses')
              .select('courses.patient_id')
              .where('courses.site_id', 'in', ids),
          ),
        ]);
}

/** The ids of the patients within a restricted scope, as a subquery; null when unrestricted. */
export function patientIdsInScope(db: Kysely<DB>, scope: SiteScope) {
  const condition = patientRowInScope(scope);
  return condition === null
    ? null
    : db.selectFrom('patients').select('patients.id').where(condition);
}

/** The ids of the courses given at the scope's sites; null when unrestricted. */
export function courseIdsInScope(db: Kysely<DB>, scope: SiteScope) {
  if (scope.kind === 'all') return null;
  const ids = [...scope.siteIds];
  return db
    .selectFrom('courses')
    .select('courses.id')
    .where(ids.length === 0 ? nothing : (eb) => eb('courses.site_id', 'in', ids));
}

/** Whether one patient is within the scope (one indexed probe). */
export async function patientInScope(
  db: Kysely<DB>,
  scope: SiteScope,
  patientId: string,
): Promise<boolean> {
  const condition = patientRowInScope(scope);
  if (condition === null) return true;
  const row = await db
    .selectFrom('patients')
    .select('patients.id')
    .where('patients.id', '=', patientId)
    .where(condition)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Whether a study holds a subject linked to a patient outside the scope (one probe; never
 * for an unrestricted scope). An import compares and updates existing subjects by their
 * study id alone, so such a study is closed to the scope (ADR 0027).
 */
export async function studyReachesBeyondScope(
  db: Kysely<DB>,
  scope: SiteScope,
  study: string,
): Promise<boolean> {
  const inScope = patientIdsInScope(db, scope);
  if (inScope === null) return false;
  const row = await db
    .selectFrom('study_subjects')
    .select('study_subjects.id')
    .where('study_subjects.study', '=', study)
    .where('study_subjects.patient_id', 'is not', null)
    .where('study_subjects.patient_id', 'not in', inScope)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
