import { describe, expect, it } from 'vitest';
import { byNumber, scoreErrors, scoreOk } from './test-support.js';

/** n items summing to `total`, filling each up to `max` from item 1. */
function filled(
  n: number,
  max: number,
  total: number,
  last: Record<number, number> = {},
): Record<string, number> {
  const out: number[] = [];
  let left = total;
  for (let i = 0; i < n; i++) {
    const v = Math.min(max, left);
    out.push(v);
    left -= v;
  }
  const answers = byNumber(out) as Record<string, number>;
  for (const [k, v] of Object.entries(last)) answers[k] = v;
  return answers;
}

describe('PHQ-9', () => {
  it.each([
    [0, 'minimal'],
    [4, 'minimal'],
    [5, 'mild'],
    [9, 'mild'],
    [10, 'moderate'],
    [14, 'moderate'],
    [15, 'moderately-severe'],
    [19, 'moderately-severe'],
    [20, 'severe'],
    [27, 'severe'],
  ])('total %i is %s', (total, band) => {
    const r = scoreOk('phq-9', filled(9, 3, total));
    expect([r.total, r.severity]).toEqual([total, band]);
  });
  it('flags item 9 ≥ 1 whatever the total', () => {
    expect(scoreOk('phq-9', filled(9, 3, 0, { 9: 1 })).flags.map((f) => f.item)).toEqual(['9']);
    expect(scoreOk('phq-9', filled(9, 3, 8, { 9: 0 })).flags).toEqual([]);
  });
  it('refuses a missing item', () => {
    expect(scoreErrors('phq-9', { ...filled(9, 3, 3), '4': null })).toEqual(['4:required']);
  });
});

describe('GAD-7', () => {
  it.each([
    [4, 'minimal'],
    [5, 'mild'],
    [9, 'mild'],
    [10, 'moderate'],
    [14, 'moderate'],
    [15, 'severe'],
    [21, 'severe'],
  ])('total %i is %s', (total, band) => {
    const r = scoreOk('gad-7', filled(7, 3, total));
    expect([r.total, r.severity]).toEqual([total, band]);
  });
});

describe('MADRS', () => {
  it.each([
    [0, 'normal'],
    [6, 'normal'],
    [7, 'mild'],
    [19, 'mild'],
    [20, 'moderate'],
    [34, 'moderate'],
    [35, 'severe'],
    [60, 'severe'],
  ])('total %i is %s', (total, band) => {
    const r = scoreOk('madrs', filled(10, 6, total));
    expect([r.total, r.severity]).toEqual([total, band]);
  });
  it('flags item 10 ≥ 2 but not 1', () => {
    const base = filled(10, 6, 0);
    expect(scoreOk('madrs', { ...base, '10': 1 }).flags).toEqual([]);
    expect(scoreOk('madrs', { ...base, '10': 2 }).flags[0]).toMatchObject({ item: '10', value: 2 });
  });
  it('refuses 7', () =>
    expect(scoreErrors('madrs', { ...filled(10, 6, 0), '3': 7 })).toEqual(['3:range']));
});

describe('HAM-D17', () => {
  const items = [
    '1',
    '2',
    '3',
    '4',
    '5',
    '6',
    '7',
    '8',
    '9',
    '10',
    '11',
    '12',
    '13',
    '14',
    '15',
    '17',
  ];
  const max: Record<string, number> = {
    '4': 2,
    '5': 2,
    '6': 2,
    '12': 2,
    '13': 2,
    '14': 2,
    '17': 2,
  };
  const answers = (total: number, item16: 'a' | 'b' = 'a'): Record<string, number | null> => {
    const out: Record<string, number | null> = {};
    let left = total;
    for (const id of items) {
      const v = Math.min(max[id] ?? 4, left);
      out[id] = v;
      left -= v;
    }
    out[item16 === 'a' ? '16a' : '16b'] = Math.min(2, left);
    return out;
  };
  it.each([
    [0, 'none'],
    [7, 'none'],
    [8, 'mild'],
    [13, 'mild'],
    [14, 'moderate'],
    [18, 'moderate'],
    [19, 'severe'],
    [22, 'severe'],
    [23, 'very-severe'],
    [52, 'very-severe'],
  ])('total %i is %s', (total, band) => {
    const r = scoreOk('hamd-17', answers(total));
    expect([r.total, r.severity]).toEqual([total, band]);
  });
  it('rates item 16 one way only', () => {
    expect(scoreOk('hamd-17', answers(52, 'b')).total).toBe(52);
    expect(scoreErrors('hamd-17', { ...answers(3), '16b': 1 })).toEqual(['16b:one-way-only']);
    expect(scoreErrors('hamd-17', { ...answers(3), '16a': null })).toEqual([
      '16a:one-way-required',
    ]);
  });
  it('flags item 3 (suicide) ≥ 1', () => {
    expect(scoreOk('hamd-17', { ...answers(0), '3': 1 }).flags[0]).toMatchObject({
      item: '3',
      rule: 'HAM-D17 item 3 ≥ 1',
    });
  });
  it('refuses insomnia item at 3 (range 0–2)', () => {
    expect(scoreErrors('hamd-17', { ...answers(0), '4': 3 })).toEqual(['4:range']);
  });
});
