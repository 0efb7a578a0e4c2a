/**
 * Audit actions and record types in words, for people reading the log (the web app's
 * audit page). The stored code stays in the data and the API; only what is shown
 * changes. A code without a label here is still shown in words (`humanizeCode`).
 */
export const AUDIT_ACTION_LABELS: Readonly<Record<string, string>> = {
  // Patients and their records
  'patient.create': 'Created a patient record',
  'patient.read': 'Opened a patient record',
  'patient.list': 'Listed or searched patients',
  'patient.update': "Changed a patient's details",
  'patient.archive': 'Archived a patient record',
  'patient.restore': 'Restored an archived patient record',
  'progress.read': "Viewed a patient's progress",
  'measurement.create': 'Recorded weight or height',
  'measurement.list': 'Viewed weight and height history',
  'diagnosis.create': 'Added a diagnosis',
  'diagnosis.update': 'Changed a diagnosis',
  'diagnosis.list': 'Viewed diagnoses',
  'consent.create': 'Recorded a signed consent',
  'consent.withdraw': 'Recorded that consent was withdrawn',
  'consent.list': 'Viewed consents',
  // Eligibility and safety
  'episode.create': 'Started a depressive episode',
  'episode.update': 'Changed a depressive episode',
  'episode.list': 'Viewed depressive episodes',
  'trial.create': 'Added an antidepressant trial',
  'trial.entered_in_error': 'Marked an antidepressant trial as entered in error',
  'trial.list': 'Viewed antidepressant trials',
  'ect.create': 'Recorded an ECT course',
  'ect.list': 'Viewed ECT courses',
  'screen.create': 'Recorded a safety screen',
  'screen.override': 'Overrode a relative contraindication',
  'screen.list': 'Viewed safety screens',
  'trd.evaluate': 'Evaluated treatment resistance',
  'trd.list': 'Viewed treatment-resistance evaluations',
  // Rating scales and alerts
  'assessment.create': 'Recorded a rating scale',
  'assessment.list': 'Viewed rating scales',
  'assessment.rescore': 'Rescored a rating scale',
  'alert.raise': 'Raised a clinical alert',
  'alert.acknowledge': 'Acknowledged a clinical alert',
  'alert.list': 'Viewed clinical alerts',
  'selfreport.link_create': 'Created a self-report link',
  'selfreport.link_list': 'Viewed self-report links',
  'selfreport.link_revoke': 'Revoked a self-report link',
  'selfreport.open': 'Patient opened a self-report link',
  'selfreport.submit': 'Patient sent self-report answers',
  // Courses and sessions
  'protocol.create': 'Created a protocol',
  'protocol.update': 'Changed a protocol',
  'course.start': 'Started a course',
  'course.list': 'Viewed courses',
  'session.read': 'Opened a session',
  'session.check-in': 'Checked a patient in',
  'session.clear': 'Cleared a session for dosing',
  'session.start': 'Started an infusion',
  'session.pause': 'Paused an infusion',
  'session.resume': 'Resumed an infusion',
  'session.end-infusion': 'Ended an infusion',
  'session.discharge': 'Discharged a patient',
  'session.abort': 'Stopped a session',
  'session.dose': 'Set the dose',
  'session.vitals': 'Recorded vital signs',
  'session.alert': 'Raised a session alert',
  'session.alert_acknowledge': 'Acknowledged a session alert',
  'session.adverse_event': 'Recorded an adverse event',
  'session.monitoring_form': 'Produced the esketamine monitoring form',
  // Research, reports and imports
  'report.cohort': 'Ran a cohort report',
  'report.cohort_dataset': 'Downloaded a cohort dataset',
  'report.study': 'Ran a study report',
  'study.list': 'Listed studies',
  'study.member.add': 'Added a member to a study',
  'study.member.remove': 'Removed a member from a study',
  'import.table': 'Imported a table of scores',
  'import.dry-run': 'Checked a table before importing it',
  'import.refused': 'Had a table import refused',
  'import.unchanged': 'Imported a table with nothing new in it',
  'import.abandoned': 'Left a table import unfinished',
  'import.subject.update': 'Updated an imported study subject',
  'import.score.correct': 'Corrected an imported score',
  'import.patient-scores': "Imported scores into a patient's record",
  // Accounts, sign-in and administration
  'setup.first_admin': 'Created the first administrator',
  'user.create': 'Created an account',
  'user.update': 'Changed an account',
  'auth.sign_in': 'Signed in',
  'auth.sign_out': 'Signed out',
  'auth.sign_in_failed': 'Failed to sign in',
  'auth.totp_failed': 'Gave a wrong or spent two-step code',
  'auth.locked': 'Account locked after failed sign-ins',
  'auth.password_changed': 'Changed their password',
  'auth.totp_enrolment_started': 'Began setting up two-step sign-in',
  'auth.totp_enabled': 'Turned on two-step sign-in',
  'auth.totp_disabled': 'Turned off two-step sign-in',
  'site.create': 'Added a site',
  'setting.change': 'Changed a setting',
};

export const AUDIT_ENTITY_LABELS: Readonly<Record<string, string>> = {
  adverse_event: 'Adverse event',
  antidepressant_trial: 'Antidepressant trial',
  assessment: 'Rating scale',
  body_measurement: 'Weight or height',
  clinical_alert: 'Clinical alert',
  consent: 'Consent',
  contraindication_screen: 'Safety screen',
  course: 'Course',
  diagnosis: 'Diagnosis',
  ect_course: 'ECT course',
  episode: 'Depressive episode',
  import_batch: 'Table import',
  imported_score: 'Imported score',
  patient: 'Patient record',
  protocol: 'Protocol',
  report: 'Report',
  self_report_link: 'Self-report link',
  session: 'Session',
  session_alert: 'Session alert',
  setting: 'Setting',
  site: 'Site',
  study: 'Study',
  study_subject: 'Study subject',
  trd_evaluation: 'Treatment-resistance evaluation',
  user: 'Account',
  vitals: 'Vital signs',
};

/**
 * A code in words when no label names it: `auth.totp_failed` → "Auth: totp failed".
 * Better than a bare code; a label in the tables above is better still.
 */
export function humanizeCode(code: string): string {
  const words = (s: string) =>
    s
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/[._\-\s]+/g, ' ')
      .trim()
      .toLowerCase();
  const [head, ...rest] = code.split('.');
  const first = words(head ?? '');
  const tail = words(rest.join(' '));
  const text = tail ? `${first}: ${tail}` : first;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function auditActionLabel(action: string): string {
  return Object.hasOwn(AUDIT_ACTION_LABELS, action)
    ? (AUDIT_ACTION_LABELS[action] ?? action)
    : humanizeCode(action);
}

export function auditEntityLabel(entityType: string): string {
  return Object.hasOwn(AUDIT_ENTITY_LABELS, entityType)
    ? (AUDIT_ENTITY_LABELS[entityType] ?? entityType)
    : humanizeCode(entityType);
}
