export interface PatientTable {
  id: string;
  mrn: string;
  family_name: string;
  given_name: string;
  /** Lower-cased "family given" for case-insensitive prefix search on both dialects. */
  name_search: string;
  date_of_birth: string;
  sex: string;
  phone: string | null;
  email: string | null;
  notes: string | null;
  archived_at: string | null;
  archived_reason: string | null;
  /** The patient's home site (sites.id); null when registered before sites were recorded. */
  site_id: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface BodyMeasurementTable {
  id: string;
  patient_id: string;
  measured_on: string;
  weight_g: number | null;
  height_mm: number | null;
  recorded_by: string;
  recorded_at: string;
}

export interface DiagnosisTable {
  id: string;
  patient_id: string;
  code_system: string;
  code: string;
  label: string;
  onset_on: string | null;
  status: string;
  is_primary: number;
  recorded_by: string;
  recorded_at: string;
}

export interface ConsentTable {
  id: string;
  patient_id: string;
  document_title: string;
  document_version: string;
  signed_on: string;
  signer_name: string;
  signer_relation: string;
  expires_on: string | null;
  withdrawn_on: string | null;
  recorded_by: string;
  recorded_at: string;
}
