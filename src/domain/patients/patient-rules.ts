import type { FieldProblem } from '../errors/domain-error.js';
import { ageInYears, isCalendarDate, utcDate } from '../dates.js';

/**
 * Plausibility limits for data entry. They catch typing errors (a weight in
 * pounds, a height in metres); they are not clinical thresholds.
 * Weight 20–350 kg is the range the foundation issue asks for; the height and
 * age limits are ketatrack defaults.
 */
export const PATIENT_LIMITS = {
  weightKg: { min: 20, max: 350 },
  heightCm: { min: 50, max: 250 },
  maxAgeYears: 120,
} as const;

export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

export interface PatientDemographics {
  mrn: string;
  familyName: string;
  givenName: string;
  dateOfBirth: string;
  sex: Sex;
}

function checkDate(field: string, value: string, today: string, out: FieldProblem[]): boolean {
  if (!isCalendarDate(value)) {
    out.push({ field, rule: 'calendar-date', message: 'must be a real date written YYYY-MM-DD' });
    return false;
  }
  if (value > today) {
    out.push({ field, rule: 'not-in-future', message: `must not be after today (${today})` });
    return false;
  }
  return true;
}

export function checkDemographics(p: Partial<PatientDemographics>, now: Date): FieldProblem[] {
  const out: FieldProblem[] = [];
  const today = utcDate(now);
  if (p.mrn !== undefined && p.mrn.trim() === '') {
    out.push({ field: 'mrn', rule: 'not-blank', message: 'must not be blank' });
  }
  if (p.familyName !== undefined && p.familyName.trim() === '') {
    out.push({ field: 'familyName', rule: 'not-blank', message: 'must not be blank' });
  }
  if (p.givenName !== undefined && p.givenName.trim() === '') {
    out.push({ field: 'givenName', rule: 'not-blank', message: 'must not be blank' });
  }
  if (p.dateOfBirth !== undefined && checkDate('dateOfBirth', p.dateOfBirth, today, out)) {
    if (ageInYears(p.dateOfBirth, today) > PATIENT_LIMITS.maxAgeYears) {
      out.push({
        field: 'dateOfBirth',
        rule: 'range',
        message: `gives an age over ${PATIENT_LIMITS.maxAgeYears} years`,
      });
    }
  }
  return out;
}

/** A measurement date must be real, not in the future, and not before birth. */
export function checkMeasuredOn(
  measuredOn: string,
  dateOfBirth: string,
  now: Date,
  field = 'measuredOn',
): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (checkDate(field, measuredOn, utcDate(now), out) && measuredOn < dateOfBirth) {
    out.push({ field, rule: 'after-birth', message: 'must not be before the date of birth' });
  }
  return out;
}

function checkRange(
  field: string,
  value: number,
  limits: { min: number; max: number },
  unit: string,
  out: FieldProblem[],
): void {
  if (!Number.isFinite(value) || value < limits.min || value > limits.max) {
    out.push({
      field,
      rule: 'range',
      message: `must be between ${limits.min} and ${limits.max} ${unit}`,
    });
  } else if (Math.abs(value * 10 - Math.round(value * 10)) > 1e-6) {
    out.push({ field, rule: 'precision', message: `must have at most one decimal place` });
  }
}

export function checkBodyMeasurement(m: { weightKg?: number; heightCm?: number }): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (m.weightKg === undefined && m.heightCm === undefined) {
    out.push({ field: 'weightKg', rule: 'required', message: 'give a weight, a height or both' });
  }
  if (m.weightKg !== undefined)
    checkRange('weightKg', m.weightKg, PATIENT_LIMITS.weightKg, 'kg', out);
  if (m.heightCm !== undefined)
    checkRange('heightCm', m.heightCm, PATIENT_LIMITS.heightCm, 'cm', out);
  return out;
}

/** Weight is stored as whole grams and height as whole millimetres: exact integers. */
export const kgToGrams = (kg: number): number => Math.round(kg * 1000);
export const gramsToKg = (g: number): number => g / 1000;
export const cmToMm = (cm: number): number => Math.round(cm * 10);
export const mmToCm = (mm: number): number => mm / 10;

/** Body-mass index in kg/m², to one decimal, from the stored integers. */
export function bmi(weightG: number, heightMm: number): number {
  const m = heightMm / 1000;
  return Math.round((weightG / 1000 / (m * m)) * 10) / 10;
}
