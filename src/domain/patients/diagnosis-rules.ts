import type { FieldProblem } from '../errors/domain-error.js';
import { isCalendarDate, utcDate } from '../dates.js';

export const CODE_SYSTEMS = ['ICD-10', 'ICD-11', 'DSM-5', 'SNOMED-CT'] as const;
export type CodeSystem = (typeof CODE_SYSTEMS)[number];
export const DIAGNOSIS_STATUSES = ['active', 'in-remission', 'resolved'] as const;
export type DiagnosisStatus = (typeof DIAGNOSIS_STATUSES)[number];

/**
 * Code shapes per system. ICD-10 (e.g. F33.2), ICD-11 (e.g. 6A71.3), DSM-5 uses
 * ICD-10-CM codes, SNOMED CT concept ids are 6–18 digits.
 */
const CODE_PATTERNS: Readonly<Record<CodeSystem, RegExp>> = {
  'ICD-10': /^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$/,
  'ICD-11': /^[0-9A-Z]{4}(\.[0-9A-Z]{1,2})?$/,
  'DSM-5': /^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$/,
  'SNOMED-CT': /^\d{6,18}$/,
};

export interface DiagnosisInput {
  codeSystem: CodeSystem;
  code: string;
  label: string;
  onsetOn?: string | undefined;
}

export function checkDiagnosis(d: DiagnosisInput, now: Date): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (!CODE_PATTERNS[d.codeSystem].test(d.code)) {
    out.push({
      field: 'code',
      rule: 'code-format',
      message: `is not a valid ${d.codeSystem} code`,
    });
  }
  if (d.label.trim() === '')
    out.push({ field: 'label', rule: 'not-blank', message: 'must not be blank' });
  if (d.onsetOn !== undefined) {
    if (!isCalendarDate(d.onsetOn)) {
      out.push({
        field: 'onsetOn',
        rule: 'calendar-date',
        message: 'must be a real date written YYYY-MM-DD',
      });
    } else if (d.onsetOn > utcDate(now)) {
      out.push({ field: 'onsetOn', rule: 'not-in-future', message: 'must not be in the future' });
    }
  }
  return out;
}
