import type { Kysely } from 'kysely';
import type {
  AssessmentDto,
  InstrumentDto,
  RecordAssessmentBody,
  ScoreBody,
  ScoreResultDto,
} from '../../contracts/instruments.contract.js';
import { refreshPatientCourseOutcomes } from '../outcomes/course-outcomes.js';
import { suicidalIdeationValue } from '../../domain/scales/suicidal-ideation-item.js';
import {
  insertAlert,
  insertAssessment,
  listAssessmentsOf,
} from '../../db/repositories/assessment.repository.js';
import type { DB } from '../../db/schema.js';
import { DomainError } from '../../domain/errors/domain-error.js';
import type {
  Answers,
  InstrumentId,
  ScoreOptions,
  ScoreResult,
} from '../../domain/scales/instrument.js';
import { INSTRUMENTS } from '../../domain/scales/instruments.js';
import { scoreInstrument } from '../../domain/scales/score-instrument.js';
import type { Settings } from '../../domain/settings/setting-definitions.js';
import type { Deps, RequestContext } from '../deps.js';
import { newId } from '../ids.js';
import { assertNotArchived } from '../patients/manage-patients.js';
import { requirePatientInScope } from '../access/site-scope.js';
import { loadSettings } from '../settings/settings.js';
import { inTransaction, type Audit } from '../unit-of-work.js';
import { toAssessmentDto, toInstrumentDto, toScoreResultDto } from './assessment-dto.js';

export async function listInstruments(deps: Deps): Promise<InstrumentDto[]> {
  const { settings } = await loadSettings(deps.database.db);
  return Object.values(INSTRUMENTS).map((d) => toInstrumentDto(d, settings));
}

/** Scores or explains, naming each bad item as `answers.<item>` (or the option). */
export function scoreOrThrow(
  id: InstrumentId,
  answers: Answers,
  options: ScoreOptions,
  settings: Settings,
  prefix = 'answers',
): ScoreResult {
  const out = scoreInstrument(id, answers, options, settings);
  if (out.ok) return out.result;
  const fields = out.errors.map((e) => ({
    field:
      e.item === 'educationYears' || e.item === 'formVersion'
        ? `options.${e.item}`
        : `${prefix}.${e.item}`,
    rule: e.rule,
    message: e.message,
  }));
  throw new DomainError(
    'assessment.invalid',
    fields.map((f) => `${f.field}: ${f.message}`).join('; '),
    fields,
  );
}

/** Score without saving (a calculator, no patient data). */
export async function scoreOnly(
  deps: Deps,
  id: InstrumentId,
  body: ScoreBody,
): Promise<ScoreResultDto> {
  const { settings } = await loadSettings(deps.database.db);
  return toScoreResultDto(scoreOrThrow(id, body.answers, body.options ?? {}, settings));
}

export interface NewAssessment {
  patientId: string;
  instrument: InstrumentId;
  answers: Answers;
  options: ScoreOptions;
  administeredAt: string;
  respondent: 'clinician' | 'patient';
  enteredBy: string | null;
  source: 'web' | 'self-report' | 'import';
  selfReportLinkId: string | null;
  /** The chairside session, for ratings given during one. */
  sessionId?: string | null;
}

/**
 * Inside the caller's transaction: rescore from the raw answers, store both,
 * raise an alert for each safety flag, and audit. A submitted total never wins.
 */
export async function storeAssessment(
  trx: Kysely<DB>,
  audit: Audit,
  input: NewAssessment,
  loaded: { settings: Settings; version: number },
  now: Date,
  fieldPrefix = 'answers',
): Promise<AssessmentDto> {
  const result = scoreOrThrow(
    input.instrument,
    input.answers,
    input.options,
    loaded.settings,
    fieldPrefix,
  );
  const row = {
    id: newId(),
    patient_id: input.patientId,
    instrument: input.instrument,
    scorer_version: result.version,
    administered_at: input.administeredAt,
    respondent: input.respondent,
    entered_by: input.enteredBy,
    source: input.source,
    self_report_link_id: input.selfReportLinkId,
    answers: JSON.stringify(input.answers),
    options: JSON.stringify(input.options),
    total: result.total,
    severity: result.severity,
    subscales: JSON.stringify(result.subscales),
    flags: JSON.stringify(result.flags),
    risk_level: result.riskLevel ?? null,
    settings_version: loaded.version,
    recorded_at: now.toISOString(),
    session_id: input.sessionId ?? null,
    si_item_value: suicidalIdeationValue(input.instrument, input.answers),
  };
  await insertAssessment(trx, row);
  // A score outside a session can move a course's baseline, endpoint or response.
  if (row.session_id === null)
    await refreshPatientCourseOutcomes(trx, [input.patientId], loaded, now);
  audit({
    action: 'assessment.create',
    entityType: 'assessment',
    entityId: row.id,
    patientId: input.patientId,
    details: {
      after: {
        instrument: row.instrument,
        total: row.total,
        severity: row.severity,
        source: row.source,
      },
    },
  });
  for (const flag of result.flags) {
    const alert = {
      id: newId(),
      patient_id: input.patientId,
      kind: flag.id,
      assessment_id: row.id,
      detail: JSON.stringify({
        instrument: input.instrument,
        item: flag.item,
        value: flag.value,
        rule: flag.rule,
      }),
      raised_at: now.toISOString(),
      acknowledged_at: null,
      acknowledged_by: null,
      acknowledgement_note: null,
    };
    await insertAlert(trx, alert);
    audit({
      action: 'alert.raise',
      entityType: 'clinical_alert',
      entityId: alert.id,
      patientId: input.patientId,
      details: { after: { kind: flag.id, rule: flag.rule, value: flag.value } },
    });
  }
  return toAssessmentDto(row);
}

export async function recordAssessment(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
  body: RecordAssessmentBody,
): Promise<AssessmentDto> {
  const now = deps.clock.now();
  const administeredAt = body.administeredAt ? new Date(body.administeredAt) : now;
  if (
    Number.isNaN(administeredAt.getTime()) ||
    administeredAt.getTime() > now.getTime() + 5 * 60_000
  ) {
    throw new DomainError(
      'validation.failed',
      'administeredAt: must be a real time, not in the future',
      [
        {
          field: 'administeredAt',
          rule: 'not-in-future',
          message: 'must be a real time, not in the future',
        },
      ],
    );
  }
  return inTransaction(deps, ctx, async (trx, audit) => {
    assertNotArchived(await requirePatientInScope(trx, ctx, patientId));
    const loaded = await loadSettings(trx);
    return storeAssessment(
      trx,
      audit,
      {
        patientId,
        instrument: body.instrument,
        answers: body.answers,
        options: body.options ?? {},
        administeredAt: administeredAt.toISOString(),
        respondent: 'clinician',
        enteredBy: ctx.actor?.userId ?? null,
        source: 'web',
        selfReportLinkId: null,
      },
      loaded,
      now,
    );
  });
}

export async function listAssessments(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
  instrument?: InstrumentId,
): Promise<AssessmentDto[]> {
  return inTransaction(deps, ctx, async (trx, audit) => {
    await requirePatientInScope(trx, ctx, patientId);
    audit({
      action: 'assessment.list',
      entityType: 'assessment',
      patientId,
      details: { instrument: instrument ?? null },
    });
    return (await listAssessmentsOf(trx, patientId, instrument)).map(toAssessmentDto);
  });
}
