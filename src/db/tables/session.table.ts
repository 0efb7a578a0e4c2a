import type { Generated } from 'kysely';

export interface ProtocolTable {
  id: string;
  name: string;
  drug: string;
  route: string;
  dose_ug_per_kg: number | null;
  fixed_dose_ug: number | null;
  duration_min: number;
  sessions_planned: number;
  per_week: number;
  /** JSON array of µg/kg steps for escalating protocols. */
  escalation_steps: string;
  completer_min_doses: number;
  active: number;
  updated_at: string;
}

export interface CourseTable {
  id: string;
  patient_id: string;
  protocol_id: string;
  /** JSON snapshot of the protocol as it was when the course started. */
  protocol: string;
  start_on: string;
  planned_sessions: number;
  status: string;
  /** JSON: the start gates as they stood (TRD verdict, screen, consent, overrides). */
  gates: string;
  created_by: string;
  created_at: string;
  /** Where the course is given (sites.id), when the clinic records sites. */
  site_id: string | null;
}

export interface SiteTable {
  id: string;
  name: string;
  created_at: string;
}

export interface SessionTable {
  id: string;
  course_id: string;
  patient_id: string;
  number: number;
  scheduled_for: string;
  state: string;
  /** Incremented on every change; a write must name the version it read. */
  version: number;
  dose: string | null;
  readiness: string | null;
  readiness_confirmed_by: string | null;
  escort_present: number;
  last_food_at: string | null;
  last_liquid_at: string | null;
  infusion_started_at: string | null;
  infusion_ended_at: string | null;
  phase_started_at: string | null;
  abort_reason: string | null;
  updated_at: string;
  /** Largest rise over the last pre-dose reading, refreshed with every reading (bp-rise.ts). */
  systolic_rise_mmhg: number | null;
  diastolic_rise_mmhg: number | null;
}

export interface SessionEventTable {
  id: string;
  session_id: string;
  at: string;
  by: string | null;
  kind: string;
  detail: string;
}

export interface VitalsTable {
  id: string;
  session_id: string;
  patient_id: string;
  taken_at: string;
  /** 'predose', 'infusing' or 'observing'. */
  phase: string;
  systolic_mmhg: number | null;
  diastolic_mmhg: number | null;
  heart_rate_bpm: number | null;
  spo2_percent: number | null;
  respiratory_rate: number | null;
  rhythm: string | null;
  recorded_by: string | null;
  recorded_at: string;
}

export interface SessionAlertTable {
  id: string;
  session_id: string;
  patient_id: string;
  rule: string;
  level: string;
  value: string;
  action: string;
  source: string;
  source_id: string | null;
  raised_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
}

export interface AdverseEventTable {
  id: string;
  session_id: string;
  patient_id: string;
  type: string;
  severity: string;
  onset_at: string;
  action_taken: string;
  outcome: string;
  notes: string | null;
  recorded_by: string | null;
  recorded_at: string;
}

export interface CourseSummaryTable {
  course_id: string;
  patient_id: string;
  settings_version: number;
  doses: number;
  completer: number;
  first_dose_at: string;
  last_dose_at: string;
  si_at_baseline: number;
  si_resolved: number | null;
  computed_at: string;
  /** Fingerprint of the outcome rules these rows were computed under ('' = unknown, stale). */
  rules_fingerprint: Generated<string>;
}

/** Courses given a dose whose stored outcomes are missing; drained in the background. */
export interface OutcomeRefreshQueueTable {
  course_id: string;
  queued_at: string;
}

export interface CourseOutcomeTable {
  course_id: string;
  instrument: string;
  baseline_at: string;
  baseline_total: number;
  endpoint_at: string;
  endpoint_total: number;
  response: number;
  remission: number;
  days_to_response: number | null;
  censored_days: number;
}

export interface CourseOutcomePointTable {
  course_id: string;
  instrument: string;
  seq: number;
  doses: number;
  day: number;
  total: number;
}
