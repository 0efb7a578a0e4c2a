export interface SettingChangeTable {
  version: number;
  key: string;
  value: string;
  previous_value: string;
  reason: string;
  changed_by: string;
  changed_at: string;
}

export interface SelfReportLinkTable {
  id: string;
  patient_id: string;
  /** SHA-256 of the link token; the token itself is only ever in the link. */
  token_hash: string;
  /** JSON array of instrument ids. */
  instruments: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
}

export interface AssessmentTable {
  id: string;
  patient_id: string;
  instrument: string;
  scorer_version: string;
  administered_at: string;
  /** 'clinician' or 'patient'. */
  respondent: string;
  entered_by: string | null;
  /** 'web', 'self-report' or 'import'. */
  source: string;
  self_report_link_id: string | null;
  /** JSON: raw item answers exactly as given. */
  answers: string;
  /** JSON: scorer options (education years, form version). */
  options: string;
  total: number | null;
  severity: string | null;
  subscales: string;
  flags: string;
  risk_level: string | null;
  settings_version: number;
  recorded_at: string;
  /** The chairside session a rating was given in, if any. */
  session_id: string | null;
  /** The suicidal-ideation item's value (suicidal-ideation-item.ts), for reports. */
  si_item_value: number | null;
}

export interface ClinicalAlertTable {
  id: string;
  patient_id: string;
  kind: string;
  assessment_id: string | null;
  /** JSON: instrument, item, value, rule. */
  detail: string;
  raised_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  acknowledgement_note: string | null;
}
