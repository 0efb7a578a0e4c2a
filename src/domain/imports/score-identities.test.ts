import { describe, expect, it } from 'vitest';
import { ScoreIdentities } from './score-identities.js';

describe('ScoreIdentities', () => {
  it('remembers the row of every identity through growth, including 0 and identities near 2^53', () => {
    const ids = new ScoreIdentities();
    const keys = [0, 1, 2 ** 31, 2 ** 32 + 7, 2 ** 52 + 3, 2 ** 53 - 2];
    for (let i = 0; i < 50_000; i++) keys.push(i * 16_777_216 + (i % 7));
    // A Map is the reference: the last row set for a key is the one kept.
    const want = new Map<number, number>();
    keys.forEach((k, row) => {
      ids.set(k, row + 2);
      want.set(k, row + 2);
    });
    expect(ids.count).toBe(want.size);
    for (const [k, row] of want) expect(ids.get(k)).toBe(row);
    expect(ids.get(3)).toBeUndefined();
    expect(ids.get(2 ** 32 + 8)).toBeUndefined();
    ids.set(1, 99);
    expect(ids.get(1)).toBe(99);
  });
});
