export interface StudyTable {
  name: string;
  baseline_time_point: string | null;
  created_by: string | null;
  created_at: string;
}

export interface ImportBatchTable {
  id: string;
  study: string;
  file_name: string;
  file_sha256: string;
  /** JSON: the mapping used, kept so the import can be reproduced. */
  mapping: string;
  rows_read: number;
  /** JSON: counts created / unchanged / updated. */
  summary: string;
  imported_by: string | null;
  imported_at: string;
}

export interface StudySubjectTable {
  id: string;
  study: string;
  external_id: string;
  patient_id: string | null;
  attributes: string;
  created_at: string;
}

export interface ImportedScoreTable {
  id: string;
  subject_id: string;
  instrument: string;
  total: number;
  administered_at: string | null;
  time_point: string | null;
  day: number | null;
  arm: string | null;
  occasion: string;
  batch_id: string;
  source_row: number;
}
