import { describe, expect, it } from 'vitest';
import { checkDiagnosis } from './diagnosis-rules.js';

const now = new Date('2026-11-27T12:00:00Z');

describe('checkDiagnosis', () => {
  it.each([
    ['ICD-10', 'F33.2', true],
    ['ICD-10', 'F32', true],
    ['ICD-10', 'F3', false],
    ['ICD-11', '6A71.3', true],
    ['DSM-5', 'F33.1', true],
    ['SNOMED-CT', '370143000', true],
    ['SNOMED-CT', 'F33', false],
  ] as const)('%s %s valid=%s', (codeSystem, code, ok) => {
    expect(checkDiagnosis({ codeSystem, code, label: 'x' }, now).length === 0).toBe(ok);
  });
  it('refuses a future onset', () => {
    expect(
      checkDiagnosis(
        { codeSystem: 'ICD-10', code: 'F33.2', label: 'x', onsetOn: '2027-01-01' },
        now,
      )[0]?.rule,
    ).toBe('not-in-future');
  });
});
