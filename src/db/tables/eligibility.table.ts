export interface EpisodeTable {
  id: string;
  patient_id: string;
  started_on: string;
  ended_on: string | null;
  severity: string | null;
  notes: string | null;
  recorded_by: string;
  recorded_at: string;
}

export interface AntidepressantTrialTable {
  id: string;
  patient_id: string;
  episode_id: string;
  drug_id: string;
  /** Daily dose in whole micrograms. */
  dose_per_day_ug: number;
  started_on: string | null;
  ended_on: string | null;
  duration_days: number;
  adherence: string;
  improvement_percent: number | null;
  response_category: string | null;
  augmentation: number;
  augmentation_agent: string | null;
  entered_in_error_at: string | null;
  recorded_by: string;
  recorded_at: string;
}

export interface EctCourseTable {
  id: string;
  patient_id: string;
  episode_id: string;
  started_on: string;
  sessions: number;
  electrode_placement: string;
  outcome: string;
  recorded_by: string;
  recorded_at: string;
}

export interface TrdEvaluationTable {
  id: string;
  patient_id: string;
  episode_id: string;
  evaluated_at: string;
  evaluated_by: string;
  settings_version: number;
  /** JSON snapshot of the trials and episode facts judged. */
  input: string;
  /** JSON: verdict, reasons, Thase–Rush, Maudsley. */
  result: string;
}

export interface ContraindicationScreenTable {
  id: string;
  patient_id: string;
  screened_at: string;
  screened_by: string;
  /** JSON array of item ids present. */
  present: string;
  notes: string | null;
  systolic_mmhg: number;
  diastolic_mmhg: number;
  heart_rate_bpm: number;
  spo2_percent: number | null;
  settings_version: number;
  expires_at: string;
}

export interface ScreenOverrideTable {
  id: string;
  screen_id: string;
  item_id: string;
  reason: string;
  overridden_by: string;
  overridden_at: string;
}
