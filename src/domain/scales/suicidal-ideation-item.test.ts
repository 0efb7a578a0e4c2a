import { describe, expect, it } from 'vitest';
import { suicidalIdeationValue } from './suicidal-ideation-item.js';

describe('suicidalIdeationValue', () => {
  it('reads the ideation item of each instrument that has one', () => {
    expect(suicidalIdeationValue('qids-sr16', { '12': 2, '9': 3 })).toBe(2);
    expect(suicidalIdeationValue('phq-9', { '9': 1, '12': 3 })).toBe(1);
    expect(suicidalIdeationValue('madrs', { '10': 4 })).toBe(4);
    expect(suicidalIdeationValue('hamd-17', { '3': 0 })).toBe(0);
  });

  it('is null when unanswered or when the instrument asks no such item', () => {
    expect(suicidalIdeationValue('qids-sr16', { '12': null })).toBeNull();
    expect(suicidalIdeationValue('qids-sr16', {})).toBeNull();
    expect(suicidalIdeationValue('moca', { '12': 1 })).toBeNull();
  });
});
