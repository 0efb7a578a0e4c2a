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
  const { settings, version } = loaded;
  const siDays = settings['outcome.siResolutionDays'];
  const siMin = settings['si.qidsItem12Min'];
  for (let i = 0; i < courseIds.length; i += 1000) {
    const ids = courseIds.slice(i, i + 1000);
    const inputs = await courseOutcomeInputs(trx, ids);
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
    const out: CourseOutcomeRows = { summaries: [], outcomes: [], points: [] };
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
      const qidsBaseline = selectBaseline(qids, firstDose, outcomeRules(settings, 'qids-sr16'));
      const siAtBaseline = qidsBaseline?.si != null && qidsBaseline.si >= siMin;
      const siResolved = siAtBaseline
        ? qids.some((q) => q.si === 0 && q.t > first && q.t <= first + siDays * DAY)
        : null;
      out.summaries.push({
        course_id: c.id,
        patient_id: c.patient_id,
        settings_version: version,
        doses: doses.length,
        completer: isCompleter(doses.length, minDoses) ? 1 : 0,
        first_dose_at: firstDose,
        last_dose_at: lastDose,
        si_at_baseline: siAtBaseline ? 1 : 0,
        si_resolved: siResolved === null ? null : siResolved ? 1 : 0,
        computed_at: now.toISOString(),
      });
      for (const [instrument, scores] of patientScores) {
        if (!isInstrumentId(instrument)) continue;
        const rules = outcomeRules(settings, instrument);
        const baseline = selectBaseline(scores, firstDose, rules);
        const endpoint = baseline ? selectEndpoint(scores, baseline, lastDose) : null;
        if (!baseline || !endpoint) continue;
        const response = timeToResponse(scores, baseline.total, doses, rules);
        out.outcomes.push({
          course_id: c.id,
          instrument,
          baseline_at: baseline.at,
          baseline_total: baseline.total,
          endpoint_at: endpoint.at,
          endpoint_total: endpoint.total,
          response: responseStatus(baseline.total, endpoint.total, rules) === 'response' ? 1 : 0,
          remission: isRemission(endpoint.total, rules) ? 1 : 0,
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
    await replaceCourseOutcomes(trx, ids, out);
  }
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
