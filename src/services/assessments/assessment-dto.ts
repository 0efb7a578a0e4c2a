import {
  ScoreOptionsSchema,
  type AlertDto,
  type AssessmentDto,
  type InstrumentDto,
  type ScoreResultDto,
} from '../../contracts/instruments.contract.js';
import type {
  AlertRow,
  AssessmentRow,
  OpenAlertRow,
} from '../../db/repositories/assessment.repository.js';
import type {
  Flag,
  InstrumentDefinition,
  InstrumentId,
  ScoreResult,
} from '../../domain/scales/instrument.js';
import type { SettingKey, Settings } from '../../domain/settings/setting-definitions.js';
import { storedJsonReader } from '../stored-json.js';

/** An assessment's stored scorer options, checked against the contract. */
export const readScoreOptions = storedJsonReader(ScoreOptionsSchema, 'assessment options');

export function toInstrumentDto(d: InstrumentDefinition, settings: Settings): InstrumentDto {
  return {
    id: d.id,
    title: d.title,
    version: d.version,
    items: d.items.map((i) => ({
      id: i.id,
      label: i.label,
      options: i.options.map((o) => ({ ...o })),
    })),
    totalRange: d.totalRange ? { ...d.totalRange } : null,
    severityBands: d.severityBands.map((b) => ({ ...b })),
    bandsSource: d.bandsSource,
    remissionMax: d.remissionSetting ? settings[d.remissionSetting as SettingKey] : null,
    higherIsWorse: d.higherIsWorse,
    loinc: {
      ...(d.loinc.panel ? { panel: d.loinc.panel } : {}),
      ...(d.loinc.total ? { total: d.loinc.total } : {}),
      ...(d.loinc.items ? { items: [...d.loinc.items] } : {}),
    },
    licence: d.licence,
    selfReport: d.selfReport,
    options: [...d.options],
  };
}

export function toScoreResultDto(r: ScoreResult): ScoreResultDto {
  return {
    instrument: r.instrument,
    version: r.version,
    total: r.total,
    severity: r.severity,
    subscales: { ...r.subscales },
    flags: r.flags.map((f) => ({ ...f })),
    riskLevel: r.riskLevel ?? null,
  };
}

export function toAssessmentDto(r: AssessmentRow): AssessmentDto {
  return {
    id: r.id,
    instrument: r.instrument as InstrumentId,
    scorerVersion: r.scorer_version,
    administeredAt: r.administered_at,
    respondent: r.respondent,
    enteredBy: r.entered_by,
    source: r.source,
    answers: JSON.parse(r.answers) as Record<string, number | null>,
    options: readScoreOptions(r.options),
    total: r.total,
    severity: r.severity,
    subscales: JSON.parse(r.subscales) as Record<string, number>,
    flags: JSON.parse(r.flags) as Flag[],
    riskLevel: r.risk_level,
    settingsVersion: r.settings_version,
    recordedAt: r.recorded_at,
  };
}

export function toAlertDto(r: AlertRow | OpenAlertRow): AlertDto {
  return {
    id: r.id,
    patientId: r.patient_id,
    ...('mrn' in r
      ? { patient: { mrn: r.mrn, familyName: r.family_name, givenName: r.given_name } }
      : {}),
    kind: r.kind,
    assessmentId: r.assessment_id,
    detail: JSON.parse(r.detail) as AlertDto['detail'],
    raisedAt: r.raised_at,
    acknowledgedAt: r.acknowledged_at,
    acknowledgedBy: r.acknowledged_by,
    acknowledgementNote: r.acknowledgement_note,
  };
}
