import type {
  ConsentDto,
  DiagnosisDto,
  MeasurementDto,
  PatientDto,
  PatientSummary,
} from '../../contracts/patients.contract.js';
import type {
  ConsentRow,
  DiagnosisRow,
  MeasurementRow,
  PatientRow,
} from '../../db/repositories/patient.repository.js';
import { utcDate, ageInYears } from '../../domain/dates.js';
import { consentInForce, type SignerRelation } from '../../domain/patients/consent-rules.js';
import type { CodeSystem, DiagnosisStatus } from '../../domain/patients/diagnosis-rules.js';
import { bmi, gramsToKg, mmToCm, type Sex } from '../../domain/patients/patient-rules.js';

export function toPatientSummary(r: PatientRow): PatientSummary {
  return {
    id: r.id,
    mrn: r.mrn,
    familyName: r.family_name,
    givenName: r.given_name,
    dateOfBirth: r.date_of_birth,
    sex: r.sex as Sex,
    archived: r.archived_at !== null,
  };
}

export function toPatientDto(
  r: PatientRow,
  latest: { weightG: number | null; heightMm: number | null },
  now: Date,
  site: { id: string; name: string } | null,
): PatientDto {
  return {
    ...toPatientSummary(r),
    site,
    ageYears: ageInYears(r.date_of_birth, utcDate(now)),
    phone: r.phone,
    email: r.email,
    notes: r.notes,
    archivedAt: r.archived_at,
    archivedReason: r.archived_reason,
    latestWeightKg: latest.weightG === null ? null : gramsToKg(latest.weightG),
    latestHeightCm: latest.heightMm === null ? null : mmToCm(latest.heightMm),
    bmi:
      latest.weightG !== null && latest.heightMm !== null
        ? bmi(latest.weightG, latest.heightMm)
        : null,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toMeasurementDto(r: MeasurementRow): MeasurementDto {
  return {
    id: r.id,
    measuredOn: r.measured_on,
    weightKg: r.weight_g === null ? null : gramsToKg(r.weight_g),
    heightCm: r.height_mm === null ? null : mmToCm(r.height_mm),
    recordedBy: r.recorded_by,
    recordedAt: r.recorded_at,
  };
}

export function toDiagnosisDto(r: DiagnosisRow): DiagnosisDto {
  return {
    id: r.id,
    codeSystem: r.code_system as CodeSystem,
    code: r.code,
    label: r.label,
    onsetOn: r.onset_on,
    status: r.status as DiagnosisStatus,
    isPrimary: r.is_primary === 1,
    recordedBy: r.recorded_by,
    recordedAt: r.recorded_at,
  };
}

export function toConsentDto(r: ConsentRow, now: Date): ConsentDto {
  return {
    id: r.id,
    documentTitle: r.document_title,
    documentVersion: r.document_version,
    signedOn: r.signed_on,
    signerName: r.signer_name,
    signerRelation: r.signer_relation as SignerRelation,
    expiresOn: r.expires_on,
    withdrawnOn: r.withdrawn_on,
    inForce: consentInForce(
      { signedOn: r.signed_on, expiresOn: r.expires_on, withdrawnOn: r.withdrawn_on },
      utcDate(now),
    ),
    recordedBy: r.recorded_by,
    recordedAt: r.recorded_at,
  };
}
