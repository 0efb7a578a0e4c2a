import { describe, expect, it } from 'vitest';
import { readMapping, type ImportMapping } from './import-mapping.js';
import { checkHeader, mapRows, parseDate } from './map-rows.js';

function mapping(value: unknown): ImportMapping {
  const r = readMapping(value);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.mapping;
}

const crossover = mapping({
  study: 't',
  subject: { column: 'id' },
  timePoint: {
    column: 'visit',
    values: {
      b0: { label: 'baseline', day: 0, baseline: true },
      d2: { label: 'day 2', day: 2, arm: 'ketamine' },
      p2: { label: 'day 2', day: 2, arm: 'placebo' },
    },
  },
  scores: [
    { column: 'madrs', instrument: 'madrs' },
    { column: 'ham', instrument: 'hamd-17' },
  ],
  attributes: { group: 'grp' },
});
const header = ['id', 'visit', 'madrs', 'ham', 'grp'];

describe('parseDate', () => {
  it.each([
    ['2025-02-03', 'YYYY-MM-DD', '2025-02-03'],
    ['3/2/2025', 'DD/MM/YYYY', '2025-02-03'],
    ['2/3/2025', 'MM/DD/YYYY', '2025-02-03'],
    ['2025-02-30', 'YYYY-MM-DD', null],
    ['31/04/2025', 'DD/MM/YYYY', null],
    ['2025-2-3', 'YYYY-MM-DD', null],
  ] as const)('%s as %s → %s', (raw, format, want) => {
    expect(parseDate(raw, format)).toBe(want);
  });
});

describe('mapRows', () => {
  it('maps each score cell of a row to one score with its time point, day and arm; skips missing cells', () => {
    const t = mapRows(
      header,
      [
        ['S1', 'b0', '30', '20', 'MDD'],
        ['S1', 'd2', '12', 'n/a', 'MDD'],
        ['S1', 'p2', '28', '19', ''],
        ['', '', '', '', ''],
      ],
      crossover,
    );
    expect(t.problems).toEqual([]);
    expect(t.missingCells).toBe(1);
    expect(t.scores.map((s) => [s.row, s.instrument, s.total, s.timePoint, s.day, s.arm])).toEqual([
      [2, 'madrs', 30, 'baseline', 0, null],
      [2, 'hamd-17', 20, 'baseline', 0, null],
      [3, 'madrs', 12, 'day 2', 2, 'ketamine'],
      [4, 'madrs', 28, 'day 2', 2, 'placebo'],
      [4, 'hamd-17', 19, 'day 2', 2, 'placebo'],
    ]);
    // The two "day 2" scores differ by arm, so they are different occasions.
    expect(t.scores[2]?.occasion).not.toBe(t.scores[3]?.occasion);
    expect(t.subjects).toEqual([{ externalId: 'S1', firstRow: 2, attributes: { group: 'MDD' } }]);
  });

  it('names the row and column of every bad cell', () => {
    const t = mapRows(
      header,
      [
        ['S1', 'b0', '30', '20', 'MDD'],
        ['S1', 'x9', '10', '10', 'MDD'],
        ['S2', 'b0', '4.5', '53', 'BP'],
        ['S1', 'b0', '31', '20', 'MDD'],
        ['S3', 'b0', '7'],
        ['S1', 'p2', '7', '7', 'BP'],
      ],
      crossover,
    );
    expect(t.problems.map((p) => [p.row, p.column])).toEqual([
      [3, 'visit'],
      [4, 'madrs'],
      [4, 'ham'],
      [5, 'madrs'],
      [5, 'ham'],
      [6, null],
      [7, 'grp'],
    ]);
    expect(t.problems[1]?.message).toBe('"4.5" is not a whole-number total');
    expect(t.problems[2]?.message).toBe('53 is outside 0–52, the range of hamd-17');
    expect(t.problems[3]?.message).toContain('on row 2');
    expect(t.problems[6]?.message).toContain('contradicts "MDD"');
    expect(t.problemCount).toBe(7);
  });

  it('reports mapped columns missing from the header as row 1 and maps nothing', () => {
    const t = mapRows(['id', 'visit', 'madrs'], [['S1', 'b0', '3']], crossover);
    expect(t.problems.map((p) => [p.row, p.column])).toEqual([
      [1, 'ham'],
      [1, 'grp'],
    ]);
    expect(t.scores).toEqual([]);
  });

  // Earlier testers: a subject id or attribute with a line break or a right-to-left override
  // was stored and shown back in problems, audit events and reports.
  it('refuses subject ids and attributes carrying control or bidirectional formatting characters, naming the code point', () => {
    const t = mapRows(
      header,
      [
        ['S1\nforged', 'b0', '30', '20', 'MDD'],
        ['S2', 'b0', '30', '20', 'M\u202eDD'],
        ['S3', 'b0', '30', '20', 'MDD'],
      ],
      crossover,
    );
    expect(t.problems).toEqual([
      {
        row: 2,
        column: 'id',
        message: expect.stringMatching(/^the subject identifier must not contain .*found U\+000A/),
      },
      {
        row: 3,
        column: 'grp',
        message: expect.stringMatching(/^the group must not contain .*found U\+202E/),
      },
    ]);
    expect(t.scores.map((s) => s.subject)).toEqual(['S3', 'S3']);
  });

  it('stops listing after the cap but keeps counting', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [`S${i}`, 'b0', '99', '1', 'MDD']);
    const t = mapRows(header, rows, crossover, 5);
    expect(t.problems).toHaveLength(5);
    expect(t.problemCount).toBe(30);
  });

  it('reads dates with an arm column and refuses a score with no date or time point', () => {
    const dated = mapping({
      study: 'd',
      subject: { column: 'id' },
      date: { column: 'when', format: 'DD/MM/YYYY' },
      arm: { column: 'arm', values: { K: 'ketamine', M: 'midazolam' } },
      scores: [{ column: 'q', instrument: 'qids-sr16' }],
    });
    const t = mapRows(
      ['id', 'when', 'arm', 'q'],
      [
        ['A', '03/02/2025', 'K', '18'],
        ['A', '', 'K', '9'],
        ['B', '03/02/2025', 'Z', '9'],
      ],
      dated,
    );
    expect(t.scores).toEqual([
      expect.objectContaining({ administeredAt: '2025-02-03', arm: 'ketamine', total: 18 }),
    ]);
    expect(t.problems.map((p) => [p.row, p.column, p.message])).toEqual([
      [3, 'when', 'has a score but neither a date nor a time point'],
      [4, 'arm', '"Z" is not listed in mapping.arm.values'],
    ]);
  });
});

describe('checkHeader', () => {
  it('accepts a header naming each mapped column once, extra columns or not', () => {
    expect(checkHeader([...header, 'site'], crossover)).toEqual([]);
  });

  it('refuses a mapped column that appears twice instead of reading one of them', () => {
    const problems = checkHeader(['id', 'visit', 'madrs', 'madrs', 'ham', 'grp'], crossover);
    expect(problems).toEqual([
      {
        row: 1,
        column: 'madrs',
        message: expect.stringContaining('appears 2 times in the header') as string,
      },
    ]);
  });

  it('names at most 20 of a huge header when a mapped column is missing', () => {
    const huge = Array.from({ length: 1_000_000 }, (_, i) => `c${i}`);
    const problems = checkHeader(huge, crossover);
    expect(problems).toHaveLength(5);
    for (const p of problems) {
      expect(p.message.length).toBeLessThan(300);
      expect(p.message).toContain('… and 999980 more');
    }
  });
});
