import type { InstrumentProgress, ProgressDto } from '../../contracts/outcomes.contract.js';
import { listAssessmentsOf } from '../../db/repositories/assessment.repository.js';
import { datedImportedScoresOfPatient } from '../../db/repositories/import.repository.js';
import { INSTRUMENTS } from '../../domain/scales/instruments.js';
import { isInstrumentId } from '../../domain/scales/instrument.js';
import {
  isCompleter,
  isRemission,
  percentChange,
  relapseAfterResponse,
  responseStatus,
  selectBaseline,
  selectEndpoint,
  timeToRemission,
  timeToResponse,
} from '../../domain/outcomes/outcome-rules.js';
import type { Deps, RequestContext } from '../deps.js';
import { requirePatientInScope } from '../access/site-scope.js';
import { loadSettings } from '../settings/settings.js';
import { outcomeRules } from './course-outcomes.js';
import { inTransaction } from '../unit-of-work.js';

/**
 * One patient's progress on their latest course, per instrument, with the rules
 * used stated alongside (REFERENCE D4).
 */
export async function patientProgress(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
): Promise<ProgressDto> {
  const now = deps.clock.now();
  return inTransaction(deps, ctx, async (trx, audit) => {
    await requirePatientInScope(trx, ctx, patientId);
    audit({ action: 'progress.read', entityType: 'patient', entityId: patientId, patientId });
    const { settings, version } = await loadSettings(trx);
    const course = await trx
      .selectFrom('courses')
      .selectAll()
      .where('patient_id', '=', patientId)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    const sessions = course
      ? await trx
          .selectFrom('sessions')
          .selectAll()
          .where('course_id', '=', course.id)
          .orderBy('number')
          .execute()
      : [];
    const doseTimes = sessions
      .map((s) => s.infusion_started_at)
      .filter((t): t is string => t !== null)
      .sort();
    const firstDose = doseTimes[0] ?? null;
    const lastDose = doseTimes.at(-1) ?? null;
    const assessments = await listAssessmentsOf(trx, patientId);
    // Dated totals imported from another system count too, marked as imported (ADR 0011).
    const points = [
      ...assessments
        .filter((a) => a.total !== null && a.session_id === null)
        .map((a) => ({
          instrument: a.instrument,
          at: a.administered_at,
          total: a.total ?? 0,
          imported: false,
        })),
      ...(await datedImportedScoresOfPatient(trx, patientId)).map((a) => ({
        instrument: a.instrument,
        at: a.administered_at ?? '',
        total: a.total,
        imported: true,
      })),
    ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const instruments: InstrumentProgress[] = [];
    let mocaChange: number | null = null;
    for (const id of [...new Set(points.map((a) => a.instrument))]) {
      if (!isInstrumentId(id)) continue;
      const def = INSTRUMENTS[id];
      const scores = points
        .filter((a) => a.instrument === id)
        .map((a) => ({ at: a.at, total: a.total, imported: a.imported }));
      if (scores.length === 0) continue;
      const rules = outcomeRules(settings, id);
      const baseline = firstDose ? selectBaseline(scores, firstDose, rules) : null;
      const endpoint = baseline && lastDose ? selectEndpoint(scores, baseline, lastDose) : null;
      const latest = scores.at(-1) ?? null;
      const response =
        baseline && def.higherIsWorse
          ? timeToResponse(scores, baseline.total, doseTimes, rules)
          : null;
      instruments.push({
        instrument: id,
        baseline,
        latest,
        endpoint,
        percentChange: baseline && endpoint ? percentChange(baseline.total, endpoint.total) : null,
        status:
          baseline && endpoint && def.higherIsWorse
            ? responseStatus(baseline.total, endpoint.total, rules)
            : null,
        remission:
          endpoint && rules.remissionMax !== null ? isRemission(endpoint.total, rules) : null,
        timeToResponse: response,
        timeToRemission:
          baseline && rules.remissionMax !== null
            ? timeToRemission(scores, doseTimes, rules)
            : null,
        relapse:
          baseline && response ? relapseAfterResponse(scores, baseline.total, response.at) : null,
      });
      if (id === 'moca' && baseline && endpoint) mocaChange = endpoint.total - baseline.total;
    }
    const suicidalIdeation = assessments
      .filter((a) => a.instrument === 'qids-sr16' || a.instrument === 'phq-9')
      .map((a) => {
        const answers = JSON.parse(a.answers) as Record<string, number | null>;
        return {
          at: a.administered_at,
          instrument: a.instrument,
          value: (a.instrument === 'qids-sr16' ? answers['12'] : answers['9']) ?? 0,
        };
      });
    const aes = await trx
      .selectFrom('adverse_events')
      .select('type')
      .where('patient_id', '=', patientId)
      .execute();
    const aeCounts = [...new Set(aes.map((a) => a.type))].map((type) => ({
      type,
      count: aes.filter((a) => a.type === type).length,
    }));
    const bpRiseBySession = sessions
      .filter((x) => x.infusion_started_at !== null)
      .map((x) => ({
        session: x.number,
        systolicRiseMmHg: x.systolic_rise_mmhg,
        diastolicRiseMmHg: x.diastolic_rise_mmhg,
      }));
    return {
      patientId,
      course: course
        ? {
            id: course.id,
            protocol: course.protocol_id,
            firstDoseAt: firstDose,
            lastDoseAt: lastDose,
            dosesGiven: doseTimes.length,
            completer: isCompleter(
              doseTimes.length,
              (JSON.parse(course.protocol) as { completerMinDoses: number }).completerMinDoses,
            ),
          }
        : null,
      instruments,
      mocaChange,
      suicidalIdeation,
      safety: { adverseEvents: aeCounts, bpRiseBySession },
      rules: {
        baselineWindowDays: settings['outcome.baselineWindowDays'],
        responseFallPercent: settings['response.minFallPercent'],
        partialFallPercent: settings['response.partialFallPercent'],
        endpoint: `last score at or before the last dose given (${now.toISOString().slice(0, 10)} view)`,
        settingsVersion: version,
      },
    };
  });
}
