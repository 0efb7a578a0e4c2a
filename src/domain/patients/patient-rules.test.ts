import { describe, expect, it } from 'vitest';
import {
  bmi,
  checkBodyMeasurement,
  checkDemographics,
  checkMeasuredOn,
  cmToMm,
  kgToGrams,
} from './patient-rules.js';

const now = new Date('2026-11-27T12:00:00Z');
const rules = (problems: { field: string; rule: string }[]) =>
  problems.map((p) => `${p.field}:${p.rule}`);

describe('checkDemographics', () => {
  it('accepts a plausible patient', () => {
    expect(
      checkDemographics(
        { mrn: 'A1', familyName: 'X', givenName: 'Y', dateOfBirth: '1980-02-29' },
        now,
      ),
    ).toEqual([]);
  });
  it.each([
    ['2026-11-28', 'dateOfBirth:not-in-future'],
    ['2025-02-29', 'dateOfBirth:calendar-date'],
    ['1980-13-01', 'dateOfBirth:calendar-date'],
    ['27/11/1980', 'dateOfBirth:calendar-date'],
    ['1905-11-27', 'dateOfBirth:range'],
  ])('rejects date of birth %s (%s)', (dateOfBirth, expected) => {
    expect(rules(checkDemographics({ dateOfBirth }, now))).toEqual([expected]);
  });
  it('accepts today and exactly 120 years ago', () => {
    expect(checkDemographics({ dateOfBirth: '2026-11-27' }, now)).toEqual([]);
    expect(checkDemographics({ dateOfBirth: '1905-11-28' }, now)).toEqual([]);
  });
  it('rejects blank names and MRN, reporting all at once', () => {
    expect(rules(checkDemographics({ mrn: ' ', familyName: '', givenName: '  ' }, now))).toEqual([
      'mrn:not-blank',
      'familyName:not-blank',
      'givenName:not-blank',
    ]);
  });
});

describe('checkBodyMeasurement', () => {
  it.each([
    [{ weightKg: 20 }, []],
    [{ weightKg: 350 }, []],
    [{ weightKg: 19.9 }, ['weightKg:range']],
    [{ weightKg: 350.1 }, ['weightKg:range']],
    [{ weightKg: 70.25 }, ['weightKg:precision']],
    [{ weightKg: 70.3 }, []],
    [{ heightCm: 50 }, []],
    [{ heightCm: 250.1 }, ['heightCm:range']],
    [{ weightKg: Number.NaN }, ['weightKg:range']],
    [{}, ['weightKg:required']],
  ])('%j → %j', (input, expected) => {
    expect(rules(checkBodyMeasurement(input))).toEqual(expected);
  });
});

describe('checkMeasuredOn', () => {
  it('refuses dates before birth or in the future', () => {
    expect(rules(checkMeasuredOn('1979-12-31', '1980-01-01', now))).toEqual([
      'measuredOn:after-birth',
    ]);
    expect(rules(checkMeasuredOn('2026-11-28', '1980-01-01', now))).toEqual([
      'measuredOn:not-in-future',
    ]);
    expect(checkMeasuredOn('1980-01-01', '1980-01-01', now)).toEqual([]);
  });
});

describe('exact units', () => {
  it('stores kilograms as whole grams and centimetres as whole millimetres without float drift', () => {
    expect(kgToGrams(70.3)).toBe(70_300);
    expect(kgToGrams(0.1 + 0.2)).toBe(300);
    expect(cmToMm(172.5)).toBe(1725);
  });
  it('computes BMI to one decimal from the stored integers', () => {
    expect(bmi(72_500, 1680)).toBe(25.7);
    expect(bmi(100_000, 2000)).toBe(25);
  });
});
