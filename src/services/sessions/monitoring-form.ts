import { toCsv } from '../csv.js';
import type { SessionDto } from '../../contracts/sessions.contract.js';
import { DomainError } from '../../domain/errors/domain-error.js';
import type { Deps, RequestContext } from '../deps.js';
import { screensOf } from '../eligibility/screening.js';
import { loadSettings } from '../settings/settings.js';
import { inTransaction } from '../unit-of-work.js';
import { siteScopeOf } from '../access/site-scope.js';
import { buildSessionDto, loadSessionRow } from './session-view.js';

/**
 * The esketamine REMS patient monitoring form fields (REFERENCE A.3) as one CSV
 * row. The lot number (set with the dose) and the minutes until the patient would
 * have been ready (given at discharge) are left empty when not recorded, never guessed.
 */
export const MONITORING_FORM_COLUMNS = [
  'patient_mrn',
  'date_of_birth',
  'sex',
  'first_treatment',
  'benzodiazepines',
  'other_sedative_hypnotics',
  'stimulants',
  'maois',
  'monitoring_clinician',
  'setting',
  'treatment_date',
  'dose_mg',
  'lot_number',
  'total_minutes_monitored',
  'minutes_until_ready_without_2h_rule',
  'vitals_acceptable_before_dosing',
  'vitals_acceptable_before_discharge',
  'bp_before_dose',
  'bp_about_40_min',
  'bp_before_discharge',
  'sedation',
  'dissociation',
  'respiratory_depression',
  'adverse_events',
] as const;

const bp = (v: SessionDto['vitals'][number] | undefined) =>
  v && v.systolicMmHg !== null ? `${v.systolicMmHg}/${v.diastolicMmHg ?? ''}` : '';
const yesNo = (b: boolean) => (b ? 'yes' : 'no');

export async function monitoringFormCsv(
  deps: Deps,
  ctx: RequestContext,
  sessionId: string,
): Promise<string> {
  const now = deps.clock.now();
  return inTransaction(deps, ctx, async (trx, audit) => {
    const row = await loadSessionRow(trx, await siteScopeOf(trx, ctx), sessionId);
    const s = await buildSessionDto(trx, row, (await loadSettings(trx)).settings, now);
    if (s.protocol.drug !== 'esketamine')
      throw new DomainError(
        'validation.failed',
        'The monitoring form is for esketamine sessions.',
        [{ field: 'id', rule: 'esketamine-only', message: 'is not an esketamine session' }],
      );
    audit({
      action: 'session.monitoring_form',
      entityType: 'session',
      entityId: sessionId,
      patientId: row.patient_id,
    });
    const patient = await trx
      .selectFrom('patients')
      .select(['mrn', 'date_of_birth', 'sex'])
      .where('id', '=', row.patient_id)
      .executeTakeFirstOrThrow();
    const screen = (await screensOf(trx, row.patient_id, now.toISOString()))[0];
    const present = new Set(screen?.present ?? []);
    const discharged = s.events.find((e) => e.kind === 'discharge');
    const dischargedBy = discharged?.by
      ? await trx
          .selectFrom('users')
          .select('display_name')
          .where('id', '=', discharged.by)
          .executeTakeFirst()
      : undefined;
    const start = s.infusionStartedAt ? Date.parse(s.infusionStartedAt) : null;
    const post = s.vitals.filter((v) => v.phase !== 'predose' && v.systolicMmHg !== null);
    const near40 =
      start === null
        ? undefined
        : [...post].sort(
            (a, b) =>
              Math.abs(Date.parse(a.takenAt) - start - 40 * 60_000) -
              Math.abs(Date.parse(b.takenAt) - start - 40 * 60_000),
          )[0];
    const firstCourse = await trx
      .selectFrom('courses')
      .select('id')
      .where('patient_id', '=', row.patient_id)
      .orderBy('created_at')
      .executeTakeFirst();
    const { dose, readiness } = s;
    const rules = new Set(s.alerts.map((a) => a.rule));
    const record = {
      patient_mrn: patient.mrn,
      date_of_birth: patient.date_of_birth,
      sex: patient.sex,
      first_treatment: yesNo(firstCourse?.id === row.course_id && row.number === 1),
      benzodiazepines: yesNo(present.has('benzodiazepines')),
      other_sedative_hypnotics: yesNo(present.has('benzodiazepines')),
      stimulants: yesNo(present.has('stimulants')),
      maois: yesNo(present.has('maoi')),
      monitoring_clinician: dischargedBy?.display_name ?? '',
      setting: 'outpatient',
      treatment_date: s.infusionStartedAt?.slice(0, 10) ?? s.scheduledFor,
      dose_mg: dose?.doseMg ?? '',
      lot_number: dose && 'lotNumber' in dose ? (dose.lotNumber ?? '') : '',
      total_minutes_monitored:
        start !== null && discharged
          ? Math.round((Date.parse(discharged.at) - start) / 60_000)
          : '',
      minutes_until_ready_without_2h_rule: discharged?.detail.minutesUntilReady ?? '',
      vitals_acceptable_before_dosing: readiness ? yesNo(readiness.level !== 'not-cleared') : '',
      vitals_acceptable_before_discharge: discharged ? 'yes' : '',
      bp_before_dose: bp(s.vitals.filter((v) => v.phase === 'predose').at(-1)),
      bp_about_40_min: bp(near40),
      bp_before_discharge: bp(post.at(-1)),
      sedation: yesNo(rules.has('sedation') || rules.has('sedation-deep')),
      dissociation: yesNo(rules.has('dissociation')),
      respiratory_depression: yesNo(rules.has('spo2-low')),
      adverse_events: s.adverseEvents.map((a) => `${a.type} (${a.severity})`).join('; '),
    };
    return toCsv([record], { header: true, columns: MONITORING_FORM_COLUMNS });
  });
}
