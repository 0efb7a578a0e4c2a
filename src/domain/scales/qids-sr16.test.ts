import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../settings/setting-definitions.js';
import { byNumber, scoreErrors, scoreOk } from './test-support.js';

// Items 1–16; 6/7 and 8/9 are either/or pairs (blank partner allowed).
const zero = (): (number | null)[] => [0, 0, 0, 0, 0, 0, null, 0, null, 0, 0, 0, 0, 0, 0, 0];
const withItems = (set: Record<number, number | null>) => {
  const v = zero();
  for (const [k, val] of Object.entries(set)) v[Number(k) - 1] = val;
  return byNumber(v);
};

describe('QIDS-SR16', () => {
  it('takes the highest sleep item, not the sum', () => {
    const r = scoreOk('qids-sr16', withItems({ 1: 1, 2: 3, 3: 2, 4: 1 }));
    expect(r.subscales.sleep).toBe(3);
    expect(r.total).toBe(3);
  });
  it('takes the highest of appetite/weight items 6–9, whichever of each pair was answered', () => {
    expect(
      scoreOk('qids-sr16', withItems({ 6: null, 7: 2, 8: 1, 9: null })).subscales[
        'appetite-weight'
      ],
    ).toBe(2);
    expect(
      scoreOk('qids-sr16', withItems({ 6: 1, 7: null, 8: null, 9: 3 })).subscales[
        'appetite-weight'
      ],
    ).toBe(3);
    expect(
      scoreOk('qids-sr16', withItems({ 6: 2, 7: 1, 8: 0, 9: 1 })).subscales['appetite-weight'],
    ).toBe(2);
  });
  it('takes the higher psychomotor item (15 slowed, 16 restless)', () => {
    expect(scoreOk('qids-sr16', withItems({ 15: 1, 16: 3 })).subscales.psychomotor).toBe(3);
    expect(scoreOk('qids-sr16', withItems({ 15: 2, 16: 0 })).subscales.psychomotor).toBe(2);
  });
  it('sums nine domains to a maximum of 27', () => {
    const all3 = byNumber(Array.from({ length: 16 }, () => 3));
    const r = scoreOk('qids-sr16', all3);
    expect(r.total).toBe(27);
    expect(Object.keys(r.subscales)).toHaveLength(9);
  });
  it.each([
    [0, 'none'],
    [5, 'none'],
    [6, 'mild'],
    [10, 'mild'],
    [11, 'moderate'],
    [15, 'moderate'],
    [16, 'severe'],
    [20, 'severe'],
    [21, 'very-severe'],
    [27, 'very-severe'],
  ])('total %i is %s', (total, band) => {
    // Fill single-item domains then group domains up to the wanted total.
    const order = [5, 10, 11, 12, 13, 14, 1, 6, 15];
    const set: Record<number, number> = {};
    let left = total;
    for (const item of order) {
      const v = Math.min(3, left);
      set[item] = v;
      left -= v;
    }
    const r = scoreOk(
      'qids-sr16',
      withItems(set),
      {},
      { ...DEFAULT_SETTINGS, 'si.qidsItem12Min': 3 },
    );
    expect(r.total).toBe(total);
    expect(r.severity).toBe(band);
  });
  it('flags suicidal ideation at item 12 ≥ the setting (default 1)', () => {
    expect(scoreOk('qids-sr16', withItems({ 12: 0 })).flags).toEqual([]);
    expect(scoreOk('qids-sr16', withItems({ 12: 1 })).flags).toEqual([
      { id: 'suicidal-ideation', item: '12', value: 1, rule: 'QIDS-SR16 item 12 ≥ 1' },
    ]);
    expect(
      scoreOk('qids-sr16', withItems({ 12: 1 }), {}, { ...DEFAULT_SETTINGS, 'si.qidsItem12Min': 2 })
        .flags,
    ).toEqual([]);
  });
  it('never counts a missing item as zero', () => {
    expect(scoreErrors('qids-sr16', withItems({ 3: null }))).toEqual(['3:required']);
    expect(scoreErrors('qids-sr16', withItems({ 6: null, 7: null }))).toEqual(['6:pair-required']);
    expect(scoreErrors('qids-sr16', withItems({ 8: null, 9: null }))).toEqual(['8:pair-required']);
  });
  it('refuses out-of-range, non-integer and unknown items, all at once', () => {
    expect(scoreErrors('qids-sr16', { ...withItems({ 5: 4, 10: 1.5 }), '17': 1 })).toEqual([
      '17:unknown-item',
      '5:range',
      '10:range',
    ]);
    expect(scoreErrors('qids-sr16', withItems({ 13: -1 }))).toEqual(['13:range']);
  });
});
