import type { ColumnType } from 'kysely';

export interface StudyTable {
  name: string;
  baseline_time_point: string | null;
  created_by: string | null;
  created_at: string;
  /**
   * Who may add and remove its members: the user whose import made it. Null for a study
   * made before owners existed or by the command line (ADR 0026).
   */
  owner_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Users an owner (or an administrator) let into a study besides its owner (ADR 0026). */
export interface StudyMemberTable {
  study: string;
  user_id: string;
  added_by: string | null;
  added_at: string;
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
  /** When it became visible; while pending, when its writer last wrote a chunk. */
  imported_at: string;
  /** 'pending' while its rows are being written (invisible to every reader), then 'committed'. */
  state: ColumnType<ImportBatchState, ImportBatchState | undefined, ImportBatchState>;
}

export type ImportBatchState = 'pending' | 'committed';

export interface StudySubjectTable {
  id: string;
  study: string;
  external_id: string;
  patient_id: string | null;
  attributes: string;
  created_at: string;
  /** The import that created the subject (invisible while that import is pending); null before ADR 0018. */
  batch_id: ColumnType<string | null, string | null | undefined, string | null>;
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
