/**
 * The one error vocabulary of ketatrack. Codes are string literals; only
 * server/http/errors.ts turns them into HTTP statuses.
 */
export type DomainErrorCode =
  | 'auth.unauthenticated'
  | 'auth.forbidden'
  | 'auth.invalid_credentials'
  | 'auth.totp_already_enabled'
  | 'auth.totp_required'
  | 'auth.totp_invalid'
  | 'setup.already_done'
  | 'validation.failed'
  | 'patient.not_found'
  | 'patient.mrn_taken'
  | 'patient.archived'
  | 'patient.version_conflict'
  | 'user.not_found'
  | 'user.email_taken'
  | 'user.last_admin'
  | 'record.not_found'
  | 'setting.conflict'
  | 'assessment.invalid'
  | 'alert.already_acknowledged'
  | 'selfreport.invalid'
  | 'selfreport.expired'
  | 'selfreport.used'
  | 'course.gates_not_met'
  | 'session.not_found'
  | 'session.version_conflict'
  | 'session.transition_refused'
  | 'session.not_cleared'
  | 'session.dose_invalid'
  | 'import.invalid'
  | 'import.busy'
  | 'import.too_large'
  | 'import.too_slow'
  | 'report.provisional'
  | 'import.server_busy'
  | 'import.abandoned'
  | 'site.name_taken'
  | 'study.name_taken';

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `dateOfBirth` or `weights.0.weightKg`. */
  readonly field: string;
  /** The rule it broke, e.g. `not-in-future`, `range`, `required`. */
  readonly rule: string;
  readonly message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly fields: readonly FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function validationError(fields: readonly FieldProblem[]): DomainError {
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return new DomainError('validation.failed', summary, fields);
}
