import type {
  AssessmentTable,
  ClinicalAlertTable,
  SelfReportLinkTable,
  SettingChangeTable,
} from './tables/assessment.table.js';
import type {
  AntidepressantTrialTable,
  ContraindicationScreenTable,
  EctCourseTable,
  EpisodeTable,
  ScreenOverrideTable,
  TrdEvaluationTable,
} from './tables/eligibility.table.js';
import type {
  AdverseEventTable,
  CourseOutcomePointTable,
  OutcomeRefreshQueueTable,
  CourseOutcomeTable,
  CourseSummaryTable,
  CourseTable,
  ProtocolTable,
  SessionAlertTable,
  SessionEventTable,
  SessionTable,
  SiteTable,
  VitalsTable,
} from './tables/session.table.js';
import type {
  ImportBatchTable,
  ImportedScoreTable,
  StudyMemberTable,
  StudySubjectTable,
  StudyTable,
} from './tables/import.table.js';
import type { AuditEventTable } from './tables/audit-event.table.js';
import type { AuthSessionTable } from './tables/auth-session.table.js';
import type { InstallStateTable } from './tables/install-state.table.js';
import type {
  BodyMeasurementTable,
  ConsentTable,
  DiagnosisTable,
  PatientTable,
} from './tables/patient.table.js';
import type { UserSiteTable, UserTable } from './tables/user.table.js';

export interface DB {
  users: UserTable;
  user_sites: UserSiteTable;
  auth_sessions: AuthSessionTable;
  install_state: InstallStateTable;
  patients: PatientTable;
  body_measurements: BodyMeasurementTable;
  diagnoses: DiagnosisTable;
  consents: ConsentTable;
  audit_events: AuditEventTable;
  setting_changes: SettingChangeTable;
  self_report_links: SelfReportLinkTable;
  assessments: AssessmentTable;
  clinical_alerts: ClinicalAlertTable;
  episodes: EpisodeTable;
  antidepressant_trials: AntidepressantTrialTable;
  ect_courses: EctCourseTable;
  trd_evaluations: TrdEvaluationTable;
  contraindication_screens: ContraindicationScreenTable;
  screen_overrides: ScreenOverrideTable;
  protocols: ProtocolTable;
  courses: CourseTable;
  sessions: SessionTable;
  session_events: SessionEventTable;
  vitals: VitalsTable;
  session_alerts: SessionAlertTable;
  studies: StudyTable;
  study_members: StudyMemberTable;
  import_batches: ImportBatchTable;
  study_subjects: StudySubjectTable;
  imported_scores: ImportedScoreTable;
  adverse_events: AdverseEventTable;
  course_summaries: CourseSummaryTable;
  course_outcomes: CourseOutcomeTable;
  course_outcome_points: CourseOutcomePointTable;
  outcome_refresh_queue: OutcomeRefreshQueueTable;
  sites: SiteTable;
}
