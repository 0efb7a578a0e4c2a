import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import {
  type OutcomeRules,
  isRemission,
  percentChange,
  responseStatus,
} from '../../domain/outcomes/outcome-rules.js';
import type { InstrumentId } from '../../domain/scales/instrument.js';
import {
  mean,
  meanCi,
  pairedComparison,
  wilsonCi,
  type MeanCi,
  type PairedComparison,
} from '../../domain/statistics/descriptive.js';
import { DomainError } from '../../domain/errors/domain-error.js';
import {
  findVisibleStudy,
  pendingBatchIds,
  type StudyViewer,
} from '../../db/repositories/import.repository.js';
import { studyViewer } from '../imports/study-access.js';
import { patientIdsInScope } from '../../db/repositories/site-scope.repository.js';
import type { SiteScope } from '../../domain/auth/site-scope.js';
import { siteScopeOf } from '../access/site-scope.js';
import type { Deps, RequestContext } from '../deps.js';
import { loadSettings } from '../settings/settings.js';
import { outcomeRules } from './course-outcomes.js';
import { inTransaction } from '../unit-of-work.js';

export interface StudyFilter {
  readonly study: string;
  readonly instrument: InstrumentId;
  /** Keep subjects whose attribute has one of these values, e.g. group ∈ {MDD, BP}. */
  readonly attribute?: { readonly name: string; readonly values: string[] } | undefined;
}

export interface Proportion {
  readonly count: number;
  readonly of: number;
  readonly ci: { readonly p: number; readonly low: number; readonly high: number } | null;
}

export interface StudyReport {
  readonly filter: StudyFilter;
  readonly rules: OutcomeRules & {
    readonly baselineTimePoint: string | null;
    readonly settingsVersion: number;
    readonly method: string;
  };
  readonly subjects: number;
  readonly timePoints: {
    readonly arm: string | null;
    readonly timePoint: string;
    readonly day: number | null;
    readonly n: number;
    readonly mean: number | null;
    readonly summary: MeanCi | null;
  }[];
  readonly changeFromBaseline: {
    readonly arm: string | null;
    readonly timePoint: string;
    readonly n: number;
    readonly change: MeanCi | null;
    readonly percentChange: MeanCi | null;
    readonly response: Proportion;
    /** Null when the instrument has no remission threshold. */
    readonly remission: Proportion | null;
  }[];
  /** Within-subject comparison of two arms at the same time point: difference = arm − versus. */
  readonly armComparisons: {
    readonly timePoint: string;
    readonly arm: string;
    readonly versus: string;
    readonly comparison: PairedComparison | null;
  }[];
  /** How many rows the whole analysis dataset has. */
  readonly rowsTotal: number;
  /**
   * The analysis dataset: one row per subject and time point; subjects by a pseudonym
   * made for this report (S1, S2, …), never by name, MRN or stored id. The API gives the
   * first STUDY_REPORT_ROWS; the command line's `--format csv` writes them all.
   */
  readonly rows: {
    readonly subject: string;
    readonly arm: string | null;
    readonly timePoint: string;
    readonly day: number | null;
    readonly total: number;
    readonly baseline: number | null;
  }[];
}

/** Rows of the analysis dataset the API's study report carries (the CLI's CSV has them all). */
export const STUDY_REPORT_ROWS = 200;

const proportion = (count: number, of: number): Proportion => ({
  count,
  of,
  ci: wilsonCi(count, of),
});
const cellKey = (arm: string | null, timePoint: string) => `${arm ?? ''}\u0000${timePoint}`;

/**
 * Outcomes of an imported study by time point and arm (issue 6): the table a
 * trial reports, from imported totals only. Change is measured from the
 * study's baseline time point; response and remission use the same settings as
 * the cohort report. De-identified: subjects are counted, never named.
 */
export async function studyReport(
  deps: Deps,
  ctx: RequestContext,
  f: StudyFilter,
  opts: { maxRows?: number } = {},
): Promise<StudyReport> {
  // Computed off the event loop (ADR 0014), then audited once it was given.
  const report = await deps.jobs.run('studyReport', {
    filter: f,
    scope: await siteScopeOf(deps.database.db, ctx),
    viewer: studyViewer(ctx, 'read'),
    ...(opts.maxRows === undefined ? {} : { maxRows: opts.maxRows }),
  });
  await inTransaction(deps, ctx, async (_trx, audit) => {
    audit({
      action: 'report.study',
      entityType: 'study',
      entityId: f.study,
      details: { filter: f },
    });
  });
  return report;
}

/** The study report from the stored imported totals: reads only, so it runs in a worker. */
export async function computeStudyReport(
  trx: Kysely<DB>,
  f: StudyFilter,
  scope: SiteScope,
  viewer: StudyViewer | null,
): Promise<StudyReport> {
  {
    // A study the viewer may not see is answered as one that does not exist (ADR 0026).
    const study = await findVisibleStudy(trx, f.study, viewer);
    if (!study)
      throw new DomainError('record.not_found', `No imported study is called ${f.study}.`);
    const { settings, version } = await loadSettings(trx);
    const rules = outcomeRules(settings, f.instrument);
    const rows = await trx
      .selectFrom('imported_scores')
      .innerJoin('study_subjects', 'study_subjects.id', 'imported_scores.subject_id')
      .select([
        'study_subjects.id as subject',
        'study_subjects.attributes',
        'imported_scores.total',
        'imported_scores.time_point',
        'imported_scores.day',
        'imported_scores.arm',
      ])
      .where('study_subjects.study', '=', f.study)
      // Subjects linked to patients count only for readers who may see those patients.
      .$call((q) => {
        const inScope = patientIdsInScope(trx, scope);
        return inScope
          ? q.where((eb) =>
              eb.or([
                eb('study_subjects.patient_id', 'is', null),
                eb('study_subjects.patient_id', 'in', inScope),
              ]),
            )
          : q;
      })
      .where('imported_scores.instrument', '=', f.instrument)
      .where('imported_scores.time_point', 'is not', null)
      // An import still being written is not there yet (ADR 0018).
      .where('imported_scores.batch_id', 'not in', pendingBatchIds(trx))
      .orderBy('study_subjects.external_id')
      .execute();
    const kept = f.attribute
      ? rows.filter((r) => {
          const value = (JSON.parse(r.attributes) as Record<string, string>)[
            f.attribute?.name ?? ''
          ];
          return value !== undefined && (f.attribute?.values ?? []).includes(value);
        })
      : rows;

    const baselineLabel = study.baseline_time_point;
    const baselineOf = new Map<string, number>();
    const cells = new Map<
      string,
      { arm: string | null; timePoint: string; day: number | null; values: Map<string, number> }
    >();
    for (const r of kept) {
      const timePoint = r.time_point ?? '';
      if (timePoint === baselineLabel) baselineOf.set(r.subject, r.total);
      const key = cellKey(r.arm, timePoint);
      const cell = cells.get(key) ?? { arm: r.arm, timePoint, day: r.day, values: new Map() };
      cell.values.set(r.subject, r.total);
      cells.set(key, cell);
    }
    const ordered = [...cells.values()].sort(
      (a, b) =>
        (a.timePoint === baselineLabel ? -1 : 0) - (b.timePoint === baselineLabel ? -1 : 0) ||
        (a.day ?? Infinity) - (b.day ?? Infinity) ||
        (a.arm ?? '').localeCompare(b.arm ?? '') ||
        a.timePoint.localeCompare(b.timePoint),
    );

    const changeFromBaseline = ordered
      .filter((c) => c.timePoint !== baselineLabel && baselineLabel !== null)
      .map((c) => {
        const pairs = [...c.values]
          .filter(([subject]) => baselineOf.has(subject))
          .map(([subject, value]) => ({ baseline: baselineOf.get(subject) ?? 0, value }));
        const changes = pairs.map((p) => p.value - p.baseline);
        const percents = pairs
          .map((p) => percentChange(p.baseline, p.value))
          .filter((v): v is number => v !== null);
        // Response needs a non-zero baseline (a % fall from 0 is undefined); remission does not.
        const rated = pairs.filter((p) => p.baseline !== 0);
        const responders = rated.filter(
          (p) => responseStatus(p.baseline, p.value, rules) === 'response',
        ).length;
        const remitters = pairs.filter((p) => isRemission(p.value, rules)).length;
        return {
          arm: c.arm,
          timePoint: c.timePoint,
          n: pairs.length,
          change: meanCi(changes),
          percentChange: meanCi(percents),
          response: proportion(responders, rated.length),
          remission: rules.remissionMax === null ? null : proportion(remitters, pairs.length),
        };
      });

    const armComparisons: StudyReport['armComparisons'][number][] = [];
    const byTimePoint = new Map<string, typeof ordered>();
    for (const c of ordered)
      if (c.arm !== null)
        byTimePoint.set(c.timePoint, [...(byTimePoint.get(c.timePoint) ?? []), c]);
    for (const [timePoint, arms] of byTimePoint) {
      const sorted = [...arms].sort((a, b) => (a.arm ?? '').localeCompare(b.arm ?? ''));
      for (let i = 0; i < sorted.length; i++)
        for (let j = i + 1; j < sorted.length; j++) {
          const a = sorted[i];
          const b = sorted[j];
          if (!a || !b) continue;
          const both = [...a.values.keys()].filter((s) => b.values.has(s));
          armComparisons.push({
            timePoint,
            arm: a.arm ?? '',
            versus: b.arm ?? '',
            comparison: pairedComparison(
              both.map((s) => b.values.get(s) ?? 0),
              both.map((s) => a.values.get(s) ?? 0),
            ),
          });
        }
    }

    // Per-report pseudonyms in order of first appearance: stored subject ids are
    // time-ordered and would link rows across reports and to the import's audit events.
    const pseudonyms = new Map<string, string>();
    const pseudonym = (subject: string) => {
      let p = pseudonyms.get(subject);
      if (p === undefined) {
        p = `S${pseudonyms.size + 1}`;
        pseudonyms.set(subject, p);
      }
      return p;
    };
    return {
      filter: f,
      rules: {
        ...rules,
        baselineTimePoint: baselineLabel,
        settingsVersion: version,
        method:
          'imported totals only (not rescored); change from the baseline time point within each subject; arm comparisons pair each subject with themself',
      },
      subjects: new Set(kept.map((r) => r.subject)).size,
      timePoints: ordered.map((c) => {
        const values = [...c.values.values()];
        return {
          arm: c.arm,
          timePoint: c.timePoint,
          day: c.day,
          n: values.length,
          mean: values.length > 0 ? mean(values) : null,
          summary: meanCi(values),
        };
      }),
      changeFromBaseline,
      armComparisons,
      rowsTotal: kept.length,
      rows: kept.map((r) => ({
        subject: pseudonym(r.subject),
        arm: r.arm,
        timePoint: r.time_point ?? '',
        day: r.day,
        total: r.total,
        baseline: baselineOf.get(r.subject) ?? null,
      })),
    };
  }
}
