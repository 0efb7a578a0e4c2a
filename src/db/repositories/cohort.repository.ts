import { sql, type Kysely } from 'kysely';
import type { SiteScope } from '../../domain/auth/site-scope.js';
import type { DB } from '../schema.js';
import { courseIdsInScope } from './site-scope.repository.js';

/**
 * The cohort report's reads: aggregates over the stored per-course outcomes
 * (ADR 0013), a handful of queries whatever the number of courses. Every query
 * takes the same course filter; `completersOnly` keeps completers.
 */
export interface CourseFilter {
  /** Courses given at the reader's sites only, when they are limited to sites (ADR 0027). */
  readonly scope: SiteScope;
  readonly protocolId?: string | undefined;
  readonly siteId?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Patients with a diagnosis whose code starts with this. */
  readonly diagnosis?: string | undefined;
  readonly completersOnly?: boolean | undefined;
}

const hasCourseFilter = (f: CourseFilter) =>
  Boolean(f.scope.kind !== 'all' || f.protocolId || f.siteId || f.from || f.to || f.diagnosis);

function filteredCourseIds(db: Kysely<DB>, f: CourseFilter) {
  let q = db.selectFrom('courses').select('courses.id');
  const inScope = courseIdsInScope(db, f.scope);
  if (inScope) q = q.where('courses.id', 'in', inScope);
  if (f.protocolId) q = q.where('courses.protocol_id', '=', f.protocolId);
  if (f.siteId) q = q.where('courses.site_id', '=', f.siteId);
  if (f.from) q = q.where('courses.start_on', '>=', f.from);
  if (f.to) q = q.where('courses.start_on', '<=', f.to);
  if (f.diagnosis) {
    const prefix = f.diagnosis;
    q = q.where('courses.patient_id', 'in', (eb) =>
      eb.selectFrom('diagnoses').select('diagnoses.patient_id').where('code', 'like', `${prefix}%`),
    );
  }
  return q;
}

/** Every treated course in the filter (completers or not), with its outcome on the instrument if it has one. */
export function cohortCourseRows(db: Kysely<DB>, f: CourseFilter, instrument: string) {
  return db
    .selectFrom('course_summaries as cs')
    .leftJoin('course_outcomes as co', (j) =>
      j.onRef('co.course_id', '=', 'cs.course_id').on('co.instrument', '=', instrument),
    )
    .select([
      'cs.course_id',
      'cs.patient_id',
      'cs.doses',
      'cs.completer',
      'cs.si_at_baseline',
      'cs.si_resolved',
      'co.baseline_total',
      'co.endpoint_total',
      'co.response',
      'co.remission',
      'co.days_to_response',
      'co.censored_days',
    ])
    .$if(hasCourseFilter(f), (q) => q.where('cs.course_id', 'in', filteredCourseIds(db, f)))
    .orderBy('cs.course_id')
    .execute();
}

/**
 * The included courses (filter, and completers when asked), or null when that is
 * every course with stored outcomes, so the query needs no restriction at all.
 */
function included(db: Kysely<DB>, f: CourseFilter) {
  if (!hasCourseFilter(f) && !f.completersOnly) return null;
  let q = db.selectFrom('course_summaries').select('course_summaries.course_id');
  if (hasCourseFilter(f)) q = q.where('course_summaries.course_id', 'in', filteredCourseIds(db, f));
  if (f.completersOnly) q = q.where('course_summaries.completer', '=', 1);
  return q;
}

/** Baseline and endpoint of one instrument (MoCA) for the included courses. */
export function cohortBeforeAfter(db: Kysely<DB>, f: CourseFilter, instrument: string) {
  return db
    .selectFrom('course_outcomes')
    .select(['baseline_total', 'endpoint_total'])
    .where('instrument', '=', instrument)
    .$call((q) => {
      const only = included(db, f);
      return only ? q.where('course_id', 'in', only) : q;
    })
    .orderBy('course_id')
    .execute();
}

/** Mean total by doses given, over every included course's trajectory. */
export async function cohortMeanByDoses(db: Kysely<DB>, f: CourseFilter, instrument: string) {
  const rows = await db
    .selectFrom('course_outcome_points')
    .select([
      'doses',
      (eb) => eb.fn.countAll<string | number>().as('n'),
      (eb) => eb.fn.sum<string | number>('total').as('sum'),
    ])
    .where('instrument', '=', instrument)
    .$call((q) => {
      const only = included(db, f);
      return only ? q.where('course_id', 'in', only) : q;
    })
    .groupBy('doses')
    .orderBy('doses')
    .execute();
  return rows.map((r) => ({ doses: r.doses, n: Number(r.n), mean: Number(r.sum) / Number(r.n) }));
}

export function trajectoryPoints(db: Kysely<DB>, courseIds: readonly string[], instrument: string) {
  if (courseIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('course_outcome_points')
    .select(['course_id', 'doses', 'day', 'total'])
    .where('instrument', '=', instrument)
    .where('course_id', 'in', [...courseIds])
    .orderBy('course_id')
    .orderBy('seq')
    .execute();
}

/** Adverse events in dosed sessions of the included courses, by type. */
export async function cohortAdverseEvents(db: Kysely<DB>, f: CourseFilter) {
  const rows = await db
    .selectFrom('adverse_events')
    .innerJoin('sessions', 'sessions.id', 'adverse_events.session_id')
    .select(['adverse_events.type', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('sessions.infusion_started_at', 'is not', null)
    .$call((q) => {
      const only = included(db, f);
      return only ? q.where('sessions.course_id', 'in', only) : q;
    })
    .groupBy('adverse_events.type')
    .orderBy('adverse_events.type')
    .execute();
  return rows.map((r) => ({ type: r.type, count: Number(r.n) }));
}

/** Systolic rise per infusion number: count, sum and sum of squares (for mean, SD and CI). */
export async function cohortBpRise(db: Kysely<DB>, f: CourseFilter) {
  const rows = await db
    .selectFrom('sessions')
    .select([
      'number',
      (eb) => eb.fn.count<string | number>('systolic_rise_mmhg').as('n'),
      (eb) => eb.fn.sum<string | number>('systolic_rise_mmhg').as('sum'),
      sql<string | number>`sum(systolic_rise_mmhg * systolic_rise_mmhg)`.as('sumSq'),
    ])
    .where('infusion_started_at', 'is not', null)
    .where('systolic_rise_mmhg', 'is not', null)
    .$call((q) => {
      const only = included(db, f);
      return only ? q.where('course_id', 'in', only) : q;
    })
    .groupBy('number')
    .orderBy('number')
    .execute();
  return rows.map((r) => ({
    infusion: r.number,
    n: Number(r.n),
    sum: Number(r.sum),
    sumSq: Number(r.sumSq),
  }));
}
