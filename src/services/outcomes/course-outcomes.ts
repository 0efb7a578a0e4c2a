import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import {
  courseOutcomeInputs,
  replaceCourseOutcomes,
  type CourseOutcomeRows,
} from '../../db/repositories/course-outcome.repository.js';
import {
  dosesGivenBy,
  isCompleter,
  isRemission,
  responseStatus,
  selectBaseline,
  selectEndpoint,
  timeToResponse,
  type OutcomeRules,
} from '../../domain/outcomes/outcome-rules.js';
import { INSTRUMENTS } from '../../domain/scales/instruments.js';
import { isInstrumentId, type InstrumentId } from '../../domain/scales/instrument.js';
import type { Settings, SettingKey } from '../../domain/settings/setting-definitions.js';

/** The D4 outcome rules for one instrument, from the settings in force. */
export function outcomeRules(settings: Settings, instrument: InstrumentId): OutcomeRules {
  const def = INSTRUMENTS[instrument];
  return {
    baselineWindowDays: settings['outcome.baselineWindowDays'],
    responseFallPercent: settings['response.minFallPercent'],
    partialFallPercent: settings['response.partialFallPercent'],
    remissionMax: def.remissionSetting
      ? (settings[def.remissionSetting as SettingKey] ?? null)
      : null,
  };
}

/**
 * Raise when the meaning of the stored outcomes changes in code (outcome-rules.ts or
 * the computation below): every stored course outcome then becomes stale.
 */
export const OUTCOME_CODE_VERSION = 1;

/** Everything the stored course outcomes depend on besides the records themselves. */
export interface OutcomeRuleSet {
  readonly perInstrument: Readonly<Record<string, OutcomeRules>>;
  /** Days after the first dose within which baseline suicidal ideation must resolve (D4). */
  readonly siResolutionDays: number;
  /** QIDS-SR16 item 12 value that counts as suicidal ideation at baseline. */
  readonly siItemMin: number;
}

/**
 * The rule set from the settings in force. The refresh below reads only this, so
 * the fingerprint of this object covers exactly what stored outcomes depend on: a
 * change to any other setting (a self-report link's expiry, a vitals threshold)
 * leaves them current.
 */
export function outcomeRuleSet(settings: Settings): OutcomeRuleSet {
  const perInstrument: Record<string, OutcomeRules> = {};
  for (const id of Object.keys(INSTRUMENTS).sort())
    if (isInstrumentId(id)) perInstrument[id] = outcomeRules(settings, id);
  return {
    perInstrument,
    siResolutionDays: settings['outcome.siResolutionDays'],
    siItemMin: settings['si.qidsItem12Min'],
  };
}

/** A short, stable hash of the rule set and the code version. */
export function ruleFingerprint(rules: OutcomeRuleSet): string {
  return createHash('sha256')
    .update(JSON.stringify([OUTCOME_CODE_VERSION, rules]))
    .digest('hex')
    .slice(0, 32);
}

const DAY = 86_400_000;

interface Point {
  at: string;
  t: number;
  total: number;
  si: number | null;
}

/**
 * Recomputes the stored outcomes of these courses (issue 6, ADR 0013) with the
 * pure D4 rules: the course summary (doses, completer, suicidal ideation at
 * baseline and whether it resolved), and per instrument the baseline, endpoint,
 * response, remission, time to response and the trajectory between them.
 * Courses without a dose get no rows. Runs inside the caller's transaction.
 */
export async function refreshCourseOutcomes(
  trx: Kysely<DB>,
  courseIds: readonly string[],
  loaded: { readonly settings: Settings; readonly version: number },
  now: Date,
): Promise<void> {
  const rules = outcomeRuleSet(loaded.settings);
  for (let i = 0; i < courseIds.length; i += 1000) {
    const ids = courseIds.slice(i, i + 1000);
    const rows = await computeCourseOutcomes(trx, ids, rules, loaded.version, now);
    await replaceCourseOutcomes(trx, ids, rows);
  }
}

/**
 * Computes (without writing) the stored-outcome rows of these courses from their
 * records: a read, so it can run in a worker on its own connection.
 */
export async function computeCourseOutcomes(
  db: Kysely<DB>,
  courseIds: readonly string[],
  rules: OutcomeRuleSet,
  settingsVersion: number,
  now: Date,
): Promise<CourseOutcomeRows> {
  const fingerprint = ruleFingerprint(rules);
  const siDays = rules.siResolutionDays;
  const siMin = rules.siItemMin;
  const rulesFor = (instrument: string): OutcomeRules | undefined =>
    rules.perInstrument[instrument];
  const qidsRules = rulesFor('qids-sr16');
  if (!qidsRules) throw new Error('outcome rules lack QIDS-SR16');
  const out: CourseOutcomeRows = { summaries: [], outcomes: [], points: [] };
  for (let i = 0; i < courseIds.length; i += 1000) {
    const ids = courseIds.slice(i, i + 1000);
    const inputs = await courseOutcomeInputs(db, ids);
    const dosesOf = new Map<string, string[]>();
    for (const d of inputs.doses)
      dosesOf.set(d.course_id, [...(dosesOf.get(d.course_id) ?? []), d.at]);
    const scoresOf = new Map<string, Map<string, Point[]>>();
    for (const a of inputs.scores) {
      const byInstrument = scoresOf.get(a.patient_id) ?? new Map<string, Point[]>();
      const list = byInstrument.get(a.instrument) ?? [];
      list.push({
        at: a.administered_at,
        t: Date.parse(a.administered_at),
        total: a.total,
        si: a.si_item_value,
      });
      byInstrument.set(a.instrument, list);
      scoresOf.set(a.patient_id, byInstrument);
    }
    for (const c of inputs.courses) {
      const doses = (dosesOf.get(c.id) ?? []).sort();
      const firstDose = doses[0];
      const lastDose = doses.at(-1);
      if (!firstDose || !lastDose) continue;
      const first = Date.parse(firstDose);
      const minDoses = (JSON.parse(c.protocol) as { completerMinDoses: number }).completerMinDoses;
      const patientScores = scoresOf.get(c.patient_id) ?? new Map<string, Point[]>();
      // Suicidal ideation: QIDS-SR16 item 12 at baseline at or above the flag setting, and
      // whether a QIDS-SR16 with item 12 = 0 followed within the set number of days.
      const qids = patientScores.get('qids-sr16') ?? [];
      const qidsBaseline = selectBaseline(qids, firstDose, qidsRules);
      const siAtBaseline = qidsBaseline?.si != null && qidsBaseline.si >= siMin;
      const siResolved = siAtBaseline
        ? qids.some((q) => q.si === 0 && q.t > first && q.t <= first + siDays * DAY)
        : null;
      out.summaries.push({
        course_id: c.id,
        patient_id: c.patient_id,
        settings_version: settingsVersion,
        rules_fingerprint: fingerprint,
        doses: doses.length,
        completer: isCompleter(doses.length, minDoses) ? 1 : 0,
        first_dose_at: firstDose,
        last_dose_at: lastDose,
        si_at_baseline: siAtBaseline ? 1 : 0,
        si_resolved: siResolved === null ? null : siResolved ? 1 : 0,
        computed_at: now.toISOString(),
      });
      for (const [instrument, scores] of patientScores) {
        const instrumentRules = isInstrumentId(instrument) ? rulesFor(instrument) : undefined;
        if (!instrumentRules) continue;
        const baseline = selectBaseline(scores, firstDose, instrumentRules);
        const endpoint = baseline ? selectEndpoint(scores, baseline, lastDose) : null;
        if (!baseline || !endpoint) continue;
        const response = timeToResponse(scores, baseline.total, doses, instrumentRules);
        out.outcomes.push({
          course_id: c.id,
          instrument,
          baseline_at: baseline.at,
          baseline_total: baseline.total,
          endpoint_at: endpoint.at,
          endpoint_total: endpoint.total,
          response:
            responseStatus(baseline.total, endpoint.total, instrumentRules) === 'response' ? 1 : 0,
          remission: isRemission(endpoint.total, instrumentRules) ? 1 : 0,
          days_to_response: response?.days ?? null,
          censored_days: (Date.parse(lastDose) - first) / DAY,
        });
        scores
          .filter((p) => p.t >= baseline.t && p.t <= endpoint.t)
          .sort((a, b) => a.t - b.t)
          .forEach((p, seq) =>
            out.points.push({
              course_id: c.id,
              instrument,
              seq,
              doses: dosesGivenBy(doses, p.at),
              day: (p.t - first) / DAY,
              total: p.total,
            }),
          );
      }
    }
  }
  return out;
}

/** After a patient's scores change: refresh every course of theirs that has begun. */
export async function refreshPatientCourseOutcomes(
  trx: Kysely<DB>,
  patientIds: readonly string[],
  loaded: { readonly settings: Settings; readonly version: number },
  now: Date,
): Promise<void> {
  for (let i = 0; i < patientIds.length; i += 500) {
    const courses = await trx
      .selectFrom('courses')
      .select('id')
      .where('patient_id', 'in', patientIds.slice(i, i + 500))
      .execute();
    await refreshCourseOutcomes(
      trx,
      courses.map((c) => c.id),
      loaded,
      now,
    );
  }
}
