import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  cohortAdverseEvents,
  cohortBeforeAfter,
  cohortBpRise,
  cohortCourseRows,
  cohortMeanByDoses,
  trajectoryPoints,
} from '../../db/repositories/cohort.repository.js';
import {
  countStaleCourses,
  staleCourseBatch,
} from '../../db/repositories/course-outcome.repository.js';
import { DomainError } from '../../domain/errors/domain-error.js';
import type { DB } from '../../db/schema.js';
import type { SiteScope } from '../../domain/auth/site-scope.js';
import { percentChange, type OutcomeRules } from '../../domain/outcomes/outcome-rules.js';
import type { InstrumentId } from '../../domain/scales/instrument.js';
import {
  kaplanMeier,
  meanCi,
  meanCiFromSums,
  pairedComparison,
  wilsonCi,
  type KmStep,
  type MeanCi,
  type PairedComparison,
} from '../../domain/statistics/descriptive.js';
import { siteScopeOf } from '../access/site-scope.js';
import type { Deps, RequestContext } from '../deps.js';
import { loadSettings } from '../settings/settings.js';
import { inTransaction } from '../unit-of-work.js';
import { outcomeRuleSet, outcomeRules, ruleFingerprint } from './course-outcomes.js';
import { datasetCsv } from './dataset-csv.js';

export interface CohortFilter {
  readonly instrument: InstrumentId;
  readonly protocolId?: string | undefined;
  readonly siteId?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Patients with a recorded diagnosis whose code starts with this (e.g. F33 for recurrent MDD). */
  readonly diagnosis?: string | undefined;
  readonly completersOnly: boolean;
}

export interface TrajectoryPoint {
  /** Doses given before the score (0 = the baseline). */
  readonly doses: number;
  readonly day: number;
  readonly total: number;
}

export interface CohortReport {
  readonly filter: CohortFilter;
  readonly rules: OutcomeRules & {
    readonly endpoint: string;
    readonly settingsVersion: number;
    readonly siResolutionDays: number;
    readonly siItemMin: number;
  };
  readonly treated: number;
  readonly analysed: number;
  readonly baseline: MeanCi | null;
  readonly endpoint: MeanCi | null;
  readonly percentChange: MeanCi | null;
  readonly response: {
    readonly count: number;
    readonly of: number;
    readonly ci: { p: number; low: number; high: number } | null;
  };
  readonly remission: {
    readonly count: number;
    readonly of: number;
    readonly ci: { p: number; low: number; high: number } | null;
  };
  readonly moca: PairedComparison | null;
  /**
   * Among analysed courses (rows) whose baseline QIDS-SR16 had suicidal ideation (item 12 at or
   * above the flag setting), how many had a QIDS-SR16 with item 12 = 0 within
   * `rules.siResolutionDays` after the first dose.
   */
  readonly suicidalIdeation: {
    readonly atBaseline: number;
    readonly resolved: number;
    readonly ci: { p: number; low: number; high: number } | null;
  };
  /** Each analysed course's scores from baseline to endpoint, and the mean by doses given. */
  readonly trajectories: {
    readonly courses: {
      readonly course: string;
      readonly points: TrajectoryPoint[];
    }[];
    readonly meanByDoses: {
      readonly doses: number;
      readonly n: number;
      readonly mean: number;
    }[];
  };
  readonly adverseEventsPer100Sessions: {
    readonly type: string;
    readonly rate: number;
    readonly count: number;
  }[];
  readonly sessions: number;
  readonly bpRiseByInfusion: {
    readonly infusion: number;
    readonly systolic: MeanCi | null;
    readonly n: number;
  }[];
  readonly timeToResponse: KmStep[];
  /**
   * Whether every course's stored outcomes were computed under the rules in force.
   * After a change to an outcome rule they are recomputed in the background; a
   * report asked for meanwhile is given at once and says so here.
   */
  readonly freshness: {
    readonly current: boolean;
    /** Courses whose outcomes are still to be (re)computed under the current rules. */
    readonly coursesPending: number;
  };
}

/** One analysed course in the analysis dataset, de-identified (no names, MRNs or dates of birth). */
export interface CohortRow {
  readonly course: string;
  /** The patient, by a pseudonym valid within this report (P1, P2, …). */
  readonly subject: string;
  readonly doses: number;
  readonly completer: boolean;
  readonly baseline: number;
  readonly endpoint: number;
  readonly percentChange: number | null;
  readonly response: boolean;
  readonly remission: boolean;
  readonly daysToResponse: number | null;
  readonly siAtBaseline: boolean;
  /** Null when there was no ideation at baseline. */
  readonly siResolved: boolean | null;
}

/** The dataset's columns, in order: a dataset with no analysed course still has its header. */
const COHORT_COLUMNS = [
  'course',
  'subject',
  'doses',
  'completer',
  'baseline',
  'endpoint',
  'percentChange',
  'response',
  'remission',
  'daysToResponse',
  'siAtBaseline',
  'siResolved',
] as const satisfies readonly (keyof CohortRow)[];
// Every field of a row is a column (a field added to CohortRow and not here fails to compile).
const EVERY_FIELD: Exclude<keyof CohortRow, (typeof COHORT_COLUMNS)[number]> extends never
  ? true
  : never = true;

/** Individual trajectories listed in a report (the mean uses every analysed course). */
export const MAX_TRAJECTORIES = 200;

type CourseRow = Awaited<ReturnType<typeof cohortCourseRows>>[number];

function analysed(
  c: CourseRow,
): c is CourseRow & { baseline_total: number; endpoint_total: number } {
  return c.baseline_total !== null && c.endpoint_total !== null;
}

/**
 * The order in which a report lists its analysed courses, and so numbers them: by a digest
 * of the report's filter and the stored course id. Stored ids are time-ordered, so listing
 * (and numbering) courses in id order told the reader which course was made before which,
 * and which patient came first; this order follows neither time nor outcome, yet the same
 * filter on the same records gives the same file (the CLI's and the API's agree). Another
 * filter orders the courses afresh, so numbers do not carry over between reports.
 */
function reportOrder(courses: readonly CourseRow[], f: CohortFilter): CourseRow[] {
  // The filter's fields in name order, whoever built it (the CLI and the API alike).
  const scope = JSON.stringify(
    Object.entries(f)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  const key = (id: string) =>
    createHash('sha256').update(scope).update('\u0000').update(id).digest('hex');
  return courses
    .map((c) => ({ c, key: key(c.course_id) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ c }) => c);
}

/**
 * The analysed courses as dataset rows in report order (`reportOrder`), courses and
 * patients named by pseudonyms valid in this report only (C1, C2, … and P1, P2, … in that
 * order), so an analyst can group a patient's courses without learning who they are or
 * when the record was made (stored ids are time-ordered and the same in every report).
 * `id` is the stored course id, for this module's own reads; it never leaves the report.
 */
function* datasetRows(
  kept: readonly CourseRow[],
  f: CohortFilter,
): Generator<{ id: string; row: CohortRow }> {
  const pseudonyms = new Map<string, string>();
  let courses = 0;
  for (const c of reportOrder(kept, f)) {
    if (!analysed(c)) continue;
    let subject = pseudonyms.get(c.patient_id);
    if (!subject) {
      subject = `P${pseudonyms.size + 1}`;
      pseudonyms.set(c.patient_id, subject);
    }
    courses += 1;
    yield {
      id: c.course_id,
      row: {
        course: `C${courses}`,
        subject,
        doses: c.doses,
        completer: c.completer === 1,
        baseline: c.baseline_total,
        endpoint: c.endpoint_total,
        percentChange: percentChange(c.baseline_total, c.endpoint_total),
        response: c.response === 1,
        remission: c.remission === 1,
        daysToResponse: c.days_to_response,
        siAtBaseline: c.si_at_baseline === 1,
        siResolved: c.si_resolved === null ? null : c.si_resolved === 1,
      },
    };
  }
}

async function keptCourses(
  db: Kysely<DB>,
  f: CohortFilter & { readonly scope: SiteScope },
): Promise<{ all: CourseRow[]; kept: CourseRow[] }> {
  const all = await cohortCourseRows(db, f, f.instrument);
  return { all, kept: f.completersOnly ? all.filter((c) => c.completer === 1) : all };
}

/**
 * The cohort outcome table (issues 6 and 10), computed from the stored per-course
 * outcomes (ADR 0013) by reads alone, so it runs in a worker thread on its own
 * connection (ADR 0014) and never holds the event loop or the writer. The same
 * rules as the patient progress view; statistics from @stdlib.
 */
export async function computeCohortReport(
  db: Kysely<DB>,
  filter: CohortFilter,
  scope: SiteScope,
): Promise<CohortReport> {
  const f = { ...filter, scope };
  const { settings, version } = await loadSettings(db);
  const rules = outcomeRules(settings, f.instrument);
  const pending = await countStaleCourses(db, ruleFingerprint(outcomeRuleSet(settings)));
  const { all, kept } = await keptCourses(db, f);
  let n = 0;
  let responders = 0;
  let remitters = 0;
  let siAtBaseline = 0;
  let siResolved = 0;
  const baselines: number[] = [];
  const endpoints: number[] = [];
  const changes: number[] = [];
  /** The courses whose trajectories are listed: stored id and report pseudonym. */
  const shown: { id: string; course: string }[] = [];
  const km: { time: number; event: boolean }[] = [];
  for (const { id, row: r } of datasetRows(kept, f)) {
    n += 1;
    baselines.push(r.baseline);
    endpoints.push(r.endpoint);
    if (r.percentChange !== null) changes.push(r.percentChange);
    if (r.response) responders += 1;
    if (r.remission) remitters += 1;
    if (r.siAtBaseline) siAtBaseline += 1;
    if (r.siResolved === true) siResolved += 1;
    if (shown.length < MAX_TRAJECTORIES) shown.push({ id, course: r.course });
  }
  for (const c of kept)
    if (analysed(c))
      km.push(
        c.days_to_response !== null
          ? { time: c.days_to_response, event: true }
          : { time: c.censored_days ?? 0, event: false },
      );
  const moca = await cohortBeforeAfter(db, f, 'moca');
  const points = await trajectoryPoints(
    db,
    shown.map((c) => c.id),
    f.instrument,
  );
  const byCourse = new Map<string, TrajectoryPoint[]>();
  for (const p of points) {
    const list = byCourse.get(p.course_id) ?? [];
    list.push({ doses: p.doses, day: p.day, total: p.total });
    byCourse.set(p.course_id, list);
  }
  const sessionCount = kept.reduce((sum, c) => sum + c.doses, 0);
  return {
    filter,
    rules: {
      ...rules,
      endpoint: 'last score at or before the last dose given',
      settingsVersion: version,
      siResolutionDays: settings['outcome.siResolutionDays'],
      siItemMin: settings['si.qidsItem12Min'],
    },
    treated: all.length,
    analysed: n,
    baseline: meanCi(baselines),
    endpoint: meanCi(endpoints),
    percentChange: meanCi(changes),
    response: { count: responders, of: n, ci: wilsonCi(responders, n) },
    remission: { count: remitters, of: n, ci: wilsonCi(remitters, n) },
    moca: pairedComparison(
      moca.map((m) => m.baseline_total),
      moca.map((m) => m.endpoint_total),
    ),
    suicidalIdeation: {
      atBaseline: siAtBaseline,
      resolved: siResolved,
      ci: wilsonCi(siResolved, siAtBaseline),
    },
    trajectories: {
      courses: shown.map(({ id, course }) => ({ course, points: byCourse.get(id) ?? [] })),
      meanByDoses: await cohortMeanByDoses(db, f, f.instrument),
    },
    adverseEventsPer100Sessions: (await cohortAdverseEvents(db, f)).map((a) => ({
      ...a,
      rate: sessionCount === 0 ? 0 : (a.count / sessionCount) * 100,
    })),
    sessions: sessionCount,
    bpRiseByInfusion: (await cohortBpRise(db, f)).map((b) => ({
      infusion: b.infusion,
      n: b.n,
      systolic: meanCiFromSums(b.n, b.sum, b.sumSq),
    })),
    timeToResponse: kaplanMeier(km),
    freshness: { current: pending === 0, coursesPending: pending },
  };
}

/** Rows per CSV chunk of a streamed dataset download. */
const DATASET_CHUNK = 5000;

/**
 * The analysis dataset (one de-identified row per analysed course) as CSV text in
 * chunks, each awaited by the reader before the next is made (bounded memory).
 */
export async function streamCohortDataset(
  db: Kysely<DB>,
  f: CohortFilter,
  scope: SiteScope,
  emit: (text: string) => Promise<void>,
  chunkRows: number = DATASET_CHUNK,
): Promise<void> {
  const { kept } = await keptCourses(db, { ...f, scope });
  let batch: CohortRow[] = [];
  let first = true;
  const flush = async () => {
    await emit(datasetCsv(batch, { header: first && EVERY_FIELD, columns: COHORT_COLUMNS }));
    first = false;
    batch = [];
  };
  for (const { row } of datasetRows(kept, f)) {
    batch.push(row);
    if (batch.length >= chunkRows) await flush();
  }
  if (batch.length > 0 || first) await flush();
}

/** The cohort report for a user: audited, then computed off the event loop. */
export async function cohortReport(
  deps: Deps,
  ctx: RequestContext,
  f: CohortFilter,
): Promise<CohortReport> {
  const scope = await inTransaction(deps, ctx, async (trx, audit) => {
    audit({ action: 'report.cohort', entityType: 'report', details: { filter: f } });
    return siteScopeOf(trx, ctx);
  });
  return deps.jobs.run('cohortReport', { filter: f, scope });
}

/** The analysis dataset download for a user: audited, then streamed from a worker. */
export async function cohortDataset(
  deps: Deps,
  ctx: RequestContext,
  f: CohortFilter,
): Promise<AsyncIterable<string>> {
  // A dataset is analysed elsewhere, where no banner follows it: while stored outcomes
  // are being recomputed after a rule change it would mix two sets of rules, so it is
  // refused until they are final (the report on screen shows its progress).
  const { settings } = await loadSettings(deps.database.db);
  const fingerprint = ruleFingerprint(outcomeRuleSet(settings));
  if ((await staleCourseBatch(deps.database.db, fingerprint, 1)).length > 0)
    throw new DomainError(
      'report.provisional',
      'The outcome rules changed recently and stored outcomes are still being recomputed, so the analysis dataset would mix old and new rules. Download it again in a minute or two, once the cohort report says its figures are final.',
    );
  const scope = await inTransaction(deps, ctx, async (trx, audit) => {
    audit({ action: 'report.cohort_dataset', entityType: 'report', details: { filter: f } });
    return siteScopeOf(trx, ctx);
  });
  return deps.jobs.stream('cohortDataset', { filter: f, scope });
}
