import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import {
  dosesGivenBy,
  isCompleter,
  isRemission,
  percentChange,
  responseStatus,
  selectBaseline,
  selectEndpoint,
  timeToResponse,
  type OutcomeRules,
} from '../../domain/outcomes/outcome-rules.js';
import { INSTRUMENTS } from '../../domain/scales/instruments.js';
import type { InstrumentId } from '../../domain/scales/instrument.js';
import type { SettingKey } from '../../domain/settings/setting-definitions.js';
import {
  kaplanMeier,
  meanCi,
  pairedComparison,
  wilsonCi,
  type KmStep,
  type MeanCi,
  type PairedComparison,
} from '../../domain/statistics/descriptive.js';
import type { Deps, RequestContext } from '../deps.js';
import { loadSettings } from '../settings/settings.js';
import { inTransaction } from '../unit-of-work.js';

export interface CohortFilter {
  readonly instrument: InstrumentId;
  readonly protocolId?: string | undefined;
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

function meanByDoses(
  courses: readonly { readonly points: readonly TrajectoryPoint[] }[],
): CohortReport['trajectories']['meanByDoses'] {
  const by = new Map<number, number[]>();
  for (const c of courses)
    for (const p of c.points) by.set(p.doses, [...(by.get(p.doses) ?? []), p.total]);
  return [...by]
    .sort((a, b) => a[0] - b[0])
    .map(([doses, totals]) => ({
      doses,
      n: totals.length,
      mean: totals.reduce((s, x) => s + x, 0) / totals.length,
    }));
}

async function coursesFor(trx: Kysely<DB>, f: CohortFilter) {
  let q = trx.selectFrom('courses').select(['id', 'patient_id', 'protocol', 'protocol_id']);
  if (f.protocolId) q = q.where('protocol_id', '=', f.protocolId);
  if (f.from) q = q.where('start_on', '>=', f.from);
  if (f.to) q = q.where('start_on', '<=', f.to);
  if (f.diagnosis) {
    const prefix = f.diagnosis;
    q = q.where('patient_id', 'in', (eb) =>
      eb.selectFrom('diagnoses').select('patient_id').where('code', 'like', `${prefix}%`),
    );
  }
  return q.orderBy('id').execute();
}

/**
 * The cohort outcome table (issue 6): one course per patient row, the same rules
 * as the patient progress view, statistics from @stdlib. Aggregates only; the
 * per-course rows carry no identifiers.
 */
export async function cohortReport(
  deps: Deps,
  ctx: RequestContext,
  f: CohortFilter,
): Promise<CohortReport> {
  return inTransaction(deps, ctx, async (trx, audit) => {
    audit({ action: 'report.cohort', entityType: 'report', details: { filter: f } });
    const { settings, version } = await loadSettings(trx);
    const def = INSTRUMENTS[f.instrument];
    const rules: OutcomeRules = {
      baselineWindowDays: settings['outcome.baselineWindowDays'],
      responseFallPercent: settings['response.minFallPercent'],
      partialFallPercent: settings['response.partialFallPercent'],
      remissionMax: def.remissionSetting
        ? (settings[def.remissionSetting as SettingKey] ?? null)
        : null,
    };
    const siDays = settings['outcome.siResolutionDays'];
    const siMin = settings['si.qidsItem12Min'];
    const trajectories: CohortReport['trajectories']['courses'][number][] = [];
    const courses = await coursesFor(trx, f);
    const rows: CohortReport['rows'][number][] = [];
    const mocaBefore: number[] = [];
    const mocaAfter: number[] = [];
    const km: { time: number; event: boolean }[] = [];
    const riseByInfusion = new Map<number, number[]>();
    let treated = 0;
    let sessionCount = 0;
    const aeCounts = new Map<string, number>();
    for (const c of courses) {
      const sessions = await trx
        .selectFrom('sessions')
        .select(['id', 'number', 'infusion_started_at'])
        .where('course_id', '=', c.id)
        .orderBy('number')
        .execute();
      const doses = sessions
        .map((s) => s.infusion_started_at)
        .filter((t): t is string => t !== null)
        .sort();
      if (doses.length === 0) continue;
      treated += 1;
      const minDoses = (JSON.parse(c.protocol) as { completerMinDoses: number }).completerMinDoses;
      const completer = isCompleter(doses.length, minDoses);
      if (f.completersOnly && !completer) continue;
      sessionCount += doses.length;
      for (const s of sessions.filter((x) => x.infusion_started_at !== null)) {
        for (const ae of await trx
          .selectFrom('adverse_events')
          .select('type')
          .where('session_id', '=', s.id)
          .execute())
          aeCounts.set(ae.type, (aeCounts.get(ae.type) ?? 0) + 1);
        const vitals = await trx
          .selectFrom('vitals')
          .select(['phase', 'systolic_mmhg'])
          .where('session_id', '=', s.id)
          .execute();
        const pre = vitals
          .filter((v) => v.phase === 'predose' && v.systolic_mmhg !== null)
          .at(-1)?.systolic_mmhg;
        const post = vitals
          .filter((v) => v.phase !== 'predose' && v.systolic_mmhg !== null)
          .map((v) => v.systolic_mmhg ?? 0);
        if (pre != null && post.length > 0)
          riseByInfusion.set(s.number, [
            ...(riseByInfusion.get(s.number) ?? []),
            Math.max(...post) - pre,
          ]);
      }
      const all = await trx
        .selectFrom('assessments')
        .select(['instrument', 'administered_at', 'total', 'answers'])
        .where('patient_id', '=', c.patient_id)
        .where('session_id', 'is', null)
        .where('total', 'is not', null)
        .execute();
      const scores = all
        .filter((a) => a.instrument === f.instrument)
        .map((a) => ({ at: a.administered_at, total: a.total ?? 0 }));
      const firstDose = doses[0] ?? '';
      const lastDose = doses.at(-1) ?? '';
      const baseline = selectBaseline(scores, firstDose, rules);
      const endpoint = baseline ? selectEndpoint(scores, baseline, lastDose) : null;
      // Suicidal ideation (QIDS-SR16 item 12 answers), whatever instrument the report is on.
      const qids = all
        .filter((a) => a.instrument === 'qids-sr16')
        .map((a) => ({
          at: a.administered_at,
          total: a.total ?? 0,
          item12: (JSON.parse(a.answers) as Record<string, number | null>)['12'] ?? null,
        }));
      const qidsBaseline = selectBaseline(qids, firstDose, rules);
      const siAtBaseline = qidsBaseline?.item12 != null && qidsBaseline.item12 >= siMin;
      const first = Date.parse(firstDose);
      const siResolved = siAtBaseline
        ? qids.some(
            (q) =>
              q.item12 === 0 &&
              Date.parse(q.at) > first &&
              Date.parse(q.at) <= first + siDays * 86_400_000,
          )
        : null;
      if (baseline && endpoint) {
        const response = timeToResponse(scores, baseline.total, doses, rules);
        rows.push({
          course: c.id,
          doses: doses.length,
          completer,
          baseline: baseline.total,
          endpoint: endpoint.total,
          percentChange: percentChange(baseline.total, endpoint.total),
          response: responseStatus(baseline.total, endpoint.total, rules) === 'response',
          remission: isRemission(endpoint.total, rules),
          daysToResponse: response?.days ?? null,
          siAtBaseline,
          siResolved,
        });
        const start = Date.parse(firstDose);
        trajectories.push({
          course: c.id,
          points: [...scores]
            .filter(
              (p) =>
                Date.parse(p.at) >= Date.parse(baseline.at) &&
                Date.parse(p.at) <= Date.parse(endpoint.at),
            )
            .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
            .map((p) => ({
              doses: dosesGivenBy(doses, p.at),
              day: (Date.parse(p.at) - start) / 86_400_000,
              total: p.total,
            })),
        });
        km.push(
          response
            ? { time: response.days, event: true }
            : { time: (Date.parse(lastDose) - Date.parse(firstDose)) / 86_400_000, event: false },
        );
      }
      const moca = all
        .filter((a) => a.instrument === 'moca')
        .map((a) => ({ at: a.administered_at, total: a.total ?? 0 }));
      const mb = selectBaseline(moca, firstDose, rules);
      const me = mb ? selectEndpoint(moca, mb, lastDose) : null;
      if (mb && me) {
        mocaBefore.push(mb.total);
        mocaAfter.push(me.total);
      }
    }
    const changes = rows.map((r) => r.percentChange).filter((v): v is number => v !== null);
    const responders = rows.filter((r) => r.response).length;
    const remitters = rows.filter((r) => r.remission).length;
    return {
      filter: f,
      rules: {
        ...rules,
        endpoint: 'last score at or before the last dose given',
        settingsVersion: version,
        siResolutionDays: siDays,
        siItemMin: siMin,
      },
      treated,
      analysed: rows.length,
      baseline: meanCi(rows.map((r) => r.baseline)),
      endpoint: meanCi(rows.map((r) => r.endpoint)),
      percentChange: meanCi(changes),
      response: { count: responders, of: rows.length, ci: wilsonCi(responders, rows.length) },
      remission: { count: remitters, of: rows.length, ci: wilsonCi(remitters, rows.length) },
      moca: pairedComparison(mocaBefore, mocaAfter),
      suicidalIdeation: {
        atBaseline: rows.filter((r) => r.siAtBaseline).length,
        resolved: rows.filter((r) => r.siResolved === true).length,
        ci: wilsonCi(
          rows.filter((r) => r.siResolved === true).length,
          rows.filter((r) => r.siAtBaseline).length,
        ),
      },
      trajectories: { courses: trajectories, meanByDoses: meanByDoses(trajectories) },
      adverseEventsPer100Sessions: [...aeCounts].map(([type, count]) => ({
        type,
        count,
        rate: sessionCount === 0 ? 0 : (count / sessionCount) * 100,
      })),
      sessions: sessionCount,
      bpRiseByInfusion: [...riseByInfusion]
        .sort((a, b) => a[0] - b[0])
        .map(([infusion, values]) => ({ infusion, n: values.length, systolic: meanCi(values) })),
      timeToResponse: kaplanMeier(km),
      rows,
    };
  });
}
