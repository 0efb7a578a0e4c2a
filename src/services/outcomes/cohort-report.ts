import {
  cohortAdverseEvents,
  cohortBeforeAfter,
  cohortBpRise,
  cohortCourseRows,
  cohortMeanByDoses,
  outdatedCourseIds,
  staleCourseIds,
  trajectoryPoints,
} from '../../db/repositories/cohort.repository.js';
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
import type { Deps, RequestContext } from '../deps.js';
import { loadSettings } from '../settings/settings.js';
import { inTransaction } from '../unit-of-work.js';
import { outcomeRules, refreshCourseOutcomes } from './course-outcomes.js';

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
  /** One row per analysed course, de-identified (no names, MRNs or dates of birth). */
  readonly rows: {
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
  }[];
}

/** Individual trajectories listed in a report (the mean uses every analysed course). */
export const MAX_TRAJECTORIES = 200;
const REFRESH_SLICE = 500;

/**
 * Brings stale stored outcomes up to date in short transactions of their own, so
 * that at registry size a first report after a rule change never holds the
 * database (SQLite has one writer) while the chairside screens are writing.
 */
async function refreshStaleInSlices(deps: Deps, f: CohortFilter): Promise<void> {
  const db = deps.database.db;
  const loaded = await loadSettings(db);
  const stale = await staleCourseIds(db, f, loaded.version);
  for (let i = 0; i < stale.length; i += REFRESH_SLICE)
    await db
      .transaction()
      .execute((trx) =>
        refreshCourseOutcomes(trx, stale.slice(i, i + REFRESH_SLICE), loaded, deps.clock.now()),
      );
}

/**
 * The cohort outcome table (issue 6): one row per analysed course, the same rules
 * as the patient progress view, statistics from @stdlib. Per-course outcomes are
 * stored and kept current (ADR 0013); courses whose outcomes are missing or were
 * computed under other settings are recomputed here first, in this transaction.
 * The per-course rows carry no identifiers.
 */
export async function cohortReport(
  deps: Deps,
  ctx: RequestContext,
  f: CohortFilter,
): Promise<CohortReport> {
  await refreshStaleInSlices(deps, f);
  return inTransaction(deps, ctx, async (trx, audit) => {
    audit({ action: 'report.cohort', entityType: 'report', details: { filter: f } });
    const loaded = await loadSettings(trx);
    const { settings, version } = loaded;
    const rules = outcomeRules(settings, f.instrument);
    // A rule changed since the slices above? (Missing outcomes cannot appear meanwhile:
    // the write that gives a first dose stores them.)
    const outdated = await outdatedCourseIds(trx, f, version);
    await refreshCourseOutcomes(trx, outdated, loaded, deps.clock.now());

    const all = await cohortCourseRows(trx, f, f.instrument);
    const kept = f.completersOnly ? all.filter((c) => c.completer === 1) : all;
    const rows: CohortReport['rows'][number][] = [];
    // Patients by a pseudonym valid in this report only, so an analyst can group a
    // patient's courses without learning who they are.
    const pseudonyms = new Map<string, string>();
    for (const c of kept) {
      if (c.baseline_total === null || c.endpoint_total === null) continue;
      let subject = pseudonyms.get(c.patient_id);
      if (!subject) {
        subject = `P${pseudonyms.size + 1}`;
        pseudonyms.set(c.patient_id, subject);
      }
      rows.push({
        course: c.course_id,
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
      });
    }
    const km = kept
      .filter((c) => c.baseline_total !== null && c.endpoint_total !== null)
      .map((c) =>
        c.days_to_response !== null
          ? { time: c.days_to_response, event: true }
          : { time: c.censored_days ?? 0, event: false },
      );
    const moca = await cohortBeforeAfter(trx, f, 'moca');
    const shown = rows.slice(0, MAX_TRAJECTORIES).map((r) => r.course);
    const points = await trajectoryPoints(trx, shown, f.instrument);
    const byCourse = new Map<string, TrajectoryPoint[]>();
    for (const p of points)
      byCourse.set(p.course_id, [
        ...(byCourse.get(p.course_id) ?? []),
        { doses: p.doses, day: p.day, total: p.total },
      ]);
    const sessionCount = kept.reduce((sum, c) => sum + c.doses, 0);
    const changes = rows.map((r) => r.percentChange).filter((v): v is number => v !== null);
    const responders = rows.filter((r) => r.response).length;
    const remitters = rows.filter((r) => r.remission).length;
    const siAtBaseline = rows.filter((r) => r.siAtBaseline).length;
    const siResolved = rows.filter((r) => r.siResolved === true).length;
    return {
      filter: f,
      rules: {
        ...rules,
        endpoint: 'last score at or before the last dose given',
        settingsVersion: version,
        siResolutionDays: settings['outcome.siResolutionDays'],
        siItemMin: settings['si.qidsItem12Min'],
      },
      treated: all.length,
      analysed: rows.length,
      baseline: meanCi(rows.map((r) => r.baseline)),
      endpoint: meanCi(rows.map((r) => r.endpoint)),
      percentChange: meanCi(changes),
      response: { count: responders, of: rows.length, ci: wilsonCi(responders, rows.length) },
      remission: { count: remitters, of: rows.length, ci: wilsonCi(remitters, rows.length) },
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
        courses: shown.map((course) => ({ course, points: byCourse.get(course) ?? [] })),
        meanByDoses: await cohortMeanByDoses(trx, f, f.instrument),
      },
      adverseEventsPer100Sessions: (await cohortAdverseEvents(trx, f)).map((a) => ({
        ...a,
        rate: sessionCount === 0 ? 0 : (a.count / sessionCount) * 100,
      })),
      sessions: sessionCount,
      bpRiseByInfusion: (await cohortBpRise(trx, f)).map((b) => ({
        infusion: b.infusion,
        n: b.n,
        systolic: meanCiFromSums(b.n, b.sum, b.sumSq),
      })),
      timeToResponse: kaplanMeier(km),
      rows,
    };
  });
}
