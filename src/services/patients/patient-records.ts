import type {
  ConsentBody,
  ConsentDto,
  DiagnosisBody,
  DiagnosisDto,
  DiagnosisStatusBody,
  MeasurementBody,
  MeasurementDto,
} from '../../contracts/patients.contract.js';
import {
  clearPrimaryDiagnosis,
  findConsent,
  findDiagnosis,
  insertConsent,
  insertDiagnosis,
  insertMeasurement,
  listConsents as listConsentRows,
  listDiagnoses as listDiagnosisRows,
  listMeasurements as listMeasurementRows,
  updateConsent,
  updateDiagnosis,
} from '../../db/repositories/patient.repository.js';
import { isCalendarDate, utcDate } from '../../domain/dates.js';
import { DomainError, validationError } from '../../domain/errors/domain-error.js';
import { checkConsent } from '../../domain/patients/consent-rules.js';
import { checkDiagnosis } from '../../domain/patients/diagnosis-rules.js';
import {
  checkBodyMeasurement,
  checkMeasuredOn,
  cmToMm,
  kgToGrams,
} from '../../domain/patients/patient-rules.js';
import { type Deps, type RequestContext, requireActor } from '../deps.js';
import { newId } from '../ids.js';
import { inTransaction } from '../unit-of-work.js';
import { assertNotArchived } from './manage-patients.js';
import { requirePatientInScope } from '../access/site-scope.js';
import { toConsentDto, toDiagnosisDto, toMeasurementDto } from './patient-dto.js';

export async function listMeasurements(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
): Promise<MeasurementDto[]> {
  return inTransaction(deps, ctx, async (trx, audit) => {
    await requirePatientInScope(trx, ctx, patientId);
    audit({ action: 'measurement.list', entityType: 'body_measurement', patientId });
    return (await listMeasurementRows(trx, patientId)).map(toMeasurementDto);
  });
}

export async function addMeasurement(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
  body: MeasurementBody,
): Promise<MeasurementDto> {
  const now = deps.clock.now();
  return inTransaction(deps, ctx, async (trx, audit) => {
    const patient = await requirePatientInScope(trx, ctx, patientId);
    assertNotArchived(patient);
    const problems = [
      ...checkMeasuredOn(body.measuredOn, patient.date_of_birth, now),
      ...checkBodyMeasurement(body),
    ];
    if (problems.length > 0) throw validationError(problems);
    const row = {
      id: newId(),
      patient_id: patientId,
      measured_on: body.measuredOn,
      weight_g: body.weightKg === undefined ? null : kgToGrams(body.weightKg),
      height_mm: body.heightCm === undefined ? null : cmToMm(body.heightCm),
      recorded_by: requireActor(ctx).userId,
      recorded_at: now.toISOString(),
    };
    await insertMeasurement(trx, row);
    audit({
      action: 'measurement.create',
      entityType: 'body_measurement',
      entityId: row.id,
      patientId,
      details: { after: row },
    });
    return toMeasurementDto(row);
  });
}

export async function listDiagnoses(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
): Promise<DiagnosisDto[]> {
  return inTransaction(deps, ctx, async (trx, audit) => {
    await requirePatientInScope(trx, ctx, patientId);
    audit({ action: 'diagnosis.list', entityType: 'diagnosis', patientId });
    return (await listDiagnosisRows(trx, patientId)).map(toDiagnosisDto);
  });
}

export async function addDiagnosis(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
  body: DiagnosisBody,
): Promise<DiagnosisDto> {
  const now = deps.clock.now();
  const code = body.code.trim().toUpperCase();
  const problems = checkDiagnosis({ ...body, code }, now);
  if (problems.length > 0) throw validationError(problems);
  return inTransaction(deps, ctx, async (trx, audit) => {
    assertNotArchived(await requirePatientInScope(trx, ctx, patientId));
    if (body.isPrimary) await clearPrimaryDiagnosis(trx, patientId);
    const row = {
      id: newId(),
      patient_id: patientId,
      code_system: body.codeSystem,
      code,
      label: body.label.trim(),
      onset_on: body.onsetOn ?? null,
      status: body.status ?? 'active',
      is_primary: body.isPrimary ? 1 : 0,
      recorded_by: requireActor(ctx).userId,
      recorded_at: now.toISOString(),
    };
    await insertDiagnosis(trx, row);
    audit({
      action: 'diagnosis.create',
      entityType: 'diagnosis',
      entityId: row.id,
      patientId,
      details: { after: row },
    });
    return toDiagnosisDto(row);
  });
}

export async function setDiagnosisStatus(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
  diagnosisId: string,
  body: DiagnosisStatusBody,
): Promise<DiagnosisDto> {
  return inTransaction(deps, ctx, async (trx, audit) => {
    assertNotArchived(await requirePatientInScope(trx, ctx, patientId));
    const row = await findDiagnosis(trx, patientId, diagnosisId);
    if (!row)
      throw new DomainError('record.not_found', `No diagnosis ${diagnosisId} for this patient.`);
    await updateDiagnosis(trx, diagnosisId, { status: body.status });
    audit({
      action: 'diagnosis.update',
      entityType: 'diagnosis',
      entityId: diagnosisId,
      patientId,
      details: { before: { status: row.status }, after: { status: body.status } },
    });
    return toDiagnosisDto({ ...row, status: body.status });
  });
}

export async function listConsents(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
): Promise<ConsentDto[]> {
  const now = deps.clock.now();
  return inTransaction(deps, ctx, async (trx, audit) => {
    await requirePatientInScope(trx, ctx, patientId);
    audit({ action: 'consent.list', entityType: 'consent', patientId });
    return (await listConsentRows(trx, patientId)).map((r) => toConsentDto(r, now));
  });
}

export async function addConsent(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
  body: ConsentBody,
): Promise<ConsentDto> {
  const now = deps.clock.now();
  const problems = checkConsent(body, now);
  if (problems.length > 0) throw validationError(problems);
  return inTransaction(deps, ctx, async (trx, audit) => {
    const patient = await requirePatientInScope(trx, ctx, patientId);
    assertNotArchived(patient);
    if (body.signedOn < patient.date_of_birth) {
      throw validationError([
        { field: 'signedOn', rule: 'after-birth', message: 'must not be before the date of birth' },
      ]);
    }
    const row = {
      id: newId(),
      patient_id: patientId,
      document_title: body.documentTitle.trim(),
      document_version: body.documentVersion.trim(),
      signed_on: body.signedOn,
      signer_name: body.signerName.trim(),
      signer_relation: body.signerRelation,
      expires_on: body.expiresOn ?? null,
      withdrawn_on: null,
      recorded_by: requireActor(ctx).userId,
      recorded_at: now.toISOString(),
    };
    await insertConsent(trx, row);
    audit({
      action: 'consent.create',
      entityType: 'consent',
      entityId: row.id,
      patientId,
      details: { after: row },
    });
    return toConsentDto(row, now);
  });
}

export async function withdrawConsent(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
  consentId: string,
  withdrawnOn: string,
): Promise<ConsentDto> {
  const now = deps.clock.now();
  return inTransaction(deps, ctx, async (trx, audit) => {
    assertNotArchived(await requirePatientInScope(trx, ctx, patientId));
    const row = await findConsent(trx, patientId, consentId);
    if (!row)
      throw new DomainError('record.not_found', `No consent ${consentId} for this patient.`);
    const problems = [];
    if (!isCalendarDate(withdrawnOn) || withdrawnOn > utcDate(now)) {
      problems.push({
        field: 'withdrawnOn',
        rule: 'not-in-future',
        message: 'must be a real date, today or earlier',
      });
    } else if (withdrawnOn < row.signed_on) {
      problems.push({
        field: 'withdrawnOn',
        rule: 'after-signed',
        message: 'must not be before the signing date',
      });
    }
    if (row.withdrawn_on !== null) {
      problems.push({
        field: 'withdrawnOn',
        rule: 'once',
        message: `was already withdrawn on ${row.withdrawn_on}`,
      });
    }
    if (problems.length > 0) throw validationError(problems);
    await updateConsent(trx, consentId, { withdrawn_on: withdrawnOn });
    audit({
      action: 'consent.withdraw',
      entityType: 'consent',
      entityId: consentId,
      patientId,
      details: { before: { withdrawn_on: null }, after: { withdrawn_on: withdrawnOn } },
    });
    return toConsentDto({ ...row, withdrawn_on: withdrawnOn }, now);
  });
}
