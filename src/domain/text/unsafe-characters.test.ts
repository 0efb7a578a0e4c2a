import { describe, expect, it } from 'vitest';
import { unsafeCharacterProblem } from './unsafe-characters.js';

describe('unsafeCharacterProblem', () => {
  it.each([
    ['a\u0000b.csv', 'U+0000', 2],
    ['scores\n.csv', 'U+000A', 7],
    ['scores\r.csv', 'U+000D', 7],
    ['tab\there.csv', 'U+0009', 4],
    ['esc\u001b[31m.csv', 'U+001B', 4],
    ['del\u007f.csv', 'U+007F', 4],
    ['c1\u0085.csv', 'U+0085', 3],
    ['c1\u009f.csv', 'U+009F', 3],
    ['line\u2028.csv', 'U+2028', 5],
    ['para\u2029.csv', 'U+2029', 5],
    ['report\u202evsc.csv', 'U+202E', 7],
    ['iso\u2066late.csv', 'U+2066', 4],
    ['mark\u200f.csv', 'U+200F', 5],
    // Counted in characters, not UTF-16 units: the emoji is one.
    ['😀\u0007.csv', 'U+0007', 2],
  ])('refuses %j, naming %s at character %i', (value, codePoint, position) => {
    const problem = unsafeCharacterProblem('fileName', value);
    expect(problem).toEqual({
      field: 'fileName',
      rule: 'no-control-characters',
      message: expect.stringContaining(`found ${codePoint} at character ${position}`),
    });
    // The answer names the character; it does not carry it.
    expect(problem?.message).not.toContain([...value][position - 1]);
  });

  it.each([
    'phenotype.tsv',
    'Études café — été 2026.csv',
    'данные (v2).csv',
    'بيانات.csv',
    '数据 2026.tsv',
    '😀 results.csv',
    "O'Brien & co; week 1.csv",
  ])('accepts %j', (value) => {
    expect(unsafeCharacterProblem('fileName', value)).toBeNull();
  });
});
