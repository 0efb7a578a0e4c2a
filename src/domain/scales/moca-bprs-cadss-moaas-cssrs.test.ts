import { describe, expect, it } from 'vitest';
import { answersFromList } from './score-instrument.js';
import { byNumber, scoreErrors, scoreOk } from './test-support.js';

const moca = (v: number[]) =>
  Object.fromEntries(
    [
      'visuospatial-executive',
      'naming',
      'attention',
      'language',
      'abstraction',
      'delayed-recall',
      'orientation',
    ].map((id, i) => [id, v[i] ?? null]),
  );

describe('MoCA', () => {
  it('adds one point at 12 or fewer years of education, never above 30', () => {
    expect(scoreOk('moca', moca([5, 3, 6, 3, 2, 5, 6]), { educationYears: 10 }).total).toBe(30);
    expect(scoreOk('moca', moca([5, 3, 6, 3, 2, 4, 6]), { educationYears: 12 }).total).toBe(30);
    expect(scoreOk('moca', moca([5, 3, 6, 3, 2, 4, 6]), { educationYears: 13 }).total).toBe(29);
    expect(
      scoreOk('moca', moca([5, 3, 6, 3, 2, 5, 6]), { educationYears: 10 }).subscales[
        'education-point'
      ],
    ).toBe(0);
  });
  it('puts 26 at normal and 25 below', () => {
    expect(scoreOk('moca', moca([5, 3, 6, 3, 2, 1, 6]), { educationYears: 16 })).toMatchObject({
      total: 26,
      severity: 'normal',
    });
    expect(scoreOk('moca', moca([5, 3, 6, 3, 2, 0, 6]), { educationYears: 16 })).toMatchObject({
      total: 25,
      severity: 'impaired',
    });
    expect(scoreOk('moca', moca([5, 3, 6, 3, 2, 0, 6]), { educationYears: 12 })).toMatchObject({
      total: 26,
      severity: 'normal',
    });
  });
  it('needs education years and valid domain maxima and form version', () => {
    expect(scoreErrors('moca', moca([5, 3, 6, 3, 2, 5, 6]))).toEqual(['educationYears:required']);
    expect(
      scoreErrors('moca', moca([6, 3, 7, 3, 2, 5, 6]), { educationYears: 1.5, formVersion: '9.9' }),
    ).toEqual([
      'visuospatial-executive:range',
      'attention:range',
      'educationYears:range',
      'formVersion:one-of',
    ]);
  });
});

describe('BPRS', () => {
  const all = (v: number) => byNumber(Array.from({ length: 18 }, () => v));
  it('leaves not-rated items (0) out of the total and the positive subscale', () => {
    const answers = { ...all(0), '4': 5, '11': 2, '12': 0, '15': 3, '2': 4 };
    const r = scoreOk('bprs', answers);
    expect(r.total).toBe(14);
    expect(r.subscales).toEqual({ positive: 10, 'rated-items': 4, 'positive-rated-items': 3 });
  });
  it('scores a full 1–7 rating 18–126', () => {
    expect(scoreOk('bprs', all(1)).total).toBe(18);
    expect(scoreOk('bprs', all(7))).toMatchObject({ total: 126, subscales: { positive: 28 } });
  });
  it('needs every item, even if only as 0 = not rated', () => {
    expect(scoreErrors('bprs', { ...all(1), '7': null })).toEqual(['7:required']);
    expect(scoreErrors('bprs', { ...all(1), '7': 8 })).toEqual(['7:range']);
  });
});

describe('CADSS', () => {
  it('sums 23 items 0–4 to 0–92 with the CADSS-6 short form', () => {
    const max = byNumber(Array.from({ length: 23 }, () => 4));
    expect(scoreOk('cadss', max)).toMatchObject({ total: 92, subscales: { 'cadss-6': 24 } });
    expect(
      scoreOk('cadss', { ...byNumber(Array.from({ length: 23 }, () => 0)), '22': 3, '3': 1 })
        .subscales['cadss-6'],
    ).toBe(3);
  });
  it('refuses 22 items', () => {
    expect(
      answersFromList(
        'cadss',
        Array.from({ length: 22 }, () => '0'),
      ),
    ).toMatchObject({ ok: false, errors: [{ rule: 'item-count' }] });
  });
});

describe('MOAA/S', () => {
  it('is the single rating, 0–5', () => {
    expect(scoreOk('moaas', { '1': 5 }).total).toBe(5);
    expect(scoreOk('moaas', { '1': 0 }).total).toBe(0);
    expect(scoreErrors('moaas', { '1': 6 })).toEqual(['1:range']);
  });
});

describe('C-SSRS screener', () => {
  const base = { '1': 0, '2': 0, '6': 0 };
  it.each([
    [{ ...base }, 'none'],
    [{ ...base, '1': 1 }, 'low'],
    [{ ...base, '2': 1, '3': 0, '4': 0, '5': 0 }, 'low'],
    [{ ...base, '2': 1, '3': 1, '4': 0, '5': 0 }, 'moderate'],
    [{ ...base, '6': 1, '6b': 0 }, 'moderate'],
    [{ ...base, '2': 1, '3': 0, '4': 1, '5': 0 }, 'high'],
    [{ ...base, '2': 1, '3': 1, '4': 1, '5': 1 }, 'high'],
    [{ ...base, '6': 1, '6b': 1 }, 'high'],
  ])('%j → %s', (answers, risk) => {
    const r = scoreOk('cssrs-screener', answers);
    expect(r.riskLevel).toBe(risk);
    expect(r.total).toBeNull();
  });
  it('flags any ideation answer yes, and not behaviour alone', () => {
    expect(scoreOk('cssrs-screener', { ...base, '1': 1 }).flags).toHaveLength(1);
    expect(scoreOk('cssrs-screener', { ...base, '6': 1, '6b': 1 }).flags).toEqual([]);
  });
  it('enforces the skip rule both ways', () => {
    expect(scoreErrors('cssrs-screener', { ...base, '3': 0 })).toEqual(['3:skip-rule']);
    expect(scoreErrors('cssrs-screener', { ...base, '2': 1, '3': 1 })).toEqual([
      '4:skip-rule',
      '5:skip-rule',
    ]);
    expect(scoreErrors('cssrs-screener', { ...base, '6': 1 })).toEqual(['6b:skip-rule']);
    expect(scoreErrors('cssrs-screener', { ...base, '6b': 0 })).toEqual(['6b:skip-rule']);
    expect(scoreErrors('cssrs-screener', { '1': 0, '6': 0 })).toEqual(['2:required']);
  });
  it('reads yes/no on the command line', () => {
    expect(answersFromList('cssrs-screener', ['no', 'yes', 'no', 'no', 'yes', 'no', ''])).toEqual({
      ok: true,
      answers: { '1': 0, '2': 1, '3': 0, '4': 0, '5': 1, '6': 0, '6b': null },
    });
  });
});

describe('answersFromList', () => {
  it('maps HAM-D17 position 16 to 16a or 16b', () => {
    const values = Array.from({ length: 17 }, () => '1');
    const a = answersFromList('hamd-17', values);
    const b = answersFromList('hamd-17', values, { hamdItem16: 'measurement' });
    expect(a.ok && Object.keys(a.answers)).toContain('16a');
    expect(b.ok && Object.keys(b.answers)).toContain('16b');
  });
  it('names a value that is not a whole number', () => {
    expect(answersFromList('phq-9', ['1', '2', 'x', '0', '0', '0', '0', '0', '0'])).toMatchObject({
      ok: false,
      errors: [{ item: '3', rule: 'integer' }],
    });
  });
});
