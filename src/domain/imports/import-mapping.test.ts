import { describe, expect, it } from 'vitest';
import { baselineLabel, readMapping } from './import-mapping.js';

const valid = {
  study: 'trial-1',
  subject: { column: 'id' },
  timePoint: {
    column: 'visit',
    values: {
      b: { label: 'baseline', day: 0, baseline: true },
      k1: { label: 'day 1', day: 1, arm: 'ketamine' },
    },
  },
  scores: [{ column: 'madrs', instrument: 'madrs' }],
};

describe('readMapping', () => {
  it('accepts a complete mapping and fills defaults', () => {
    const r = readMapping(valid);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.mapping.subject.linkPatientsBy).toBeNull();
    expect(r.mapping.missing).toContain('n/a');
    expect(r.mapping.timePoint?.values.k1).toEqual({
      label: 'day 1',
      day: 1,
      arm: 'ketamine',
      baseline: false,
    });
    expect(baselineLabel(r.mapping)).toBe('baseline');
  });

  it('reports every problem at once, each with its field and rule', () => {
    const r = readMapping({
      study: ' bad name',
      subject: { column: '' },
      scores: [{ column: 'x', instrument: 'hamd-6' }],
      date: { column: 'd', format: 'YY-M-D' },
      extra: true,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.field, p.rule])).toEqual([
      ['mapping.extra', 'unknown'],
      ['mapping.study', 'pattern'],
      ['mapping.subject.column', 'required'],
      ['mapping.date.format', 'enum'],
      ['mapping.scores.0.instrument', 'enum'],
      ['mapping.scores', 'required'],
    ]);
  });

  it('needs a date or time point for scores, one baseline at most, and no arm on the baseline', () => {
    const noWhen = readMapping({ ...valid, timePoint: undefined });
    expect(noWhen.ok ? [] : noWhen.problems.map((p) => p.field)).toEqual(['mapping.date']);
    const twoBaselines = readMapping({
      ...valid,
      timePoint: {
        column: 'visit',
        values: { a: { label: 'a', baseline: true }, b: { label: 'b', baseline: true, arm: 'x' } },
      },
    });
    expect(twoBaselines.ok ? [] : twoBaselines.problems.map((p) => p.rule)).toEqual([
      'one-baseline',
      'baseline-arm',
    ]);
  });

  it('takes a participants file with attributes and no scores', () => {
    const r = readMapping({ study: 's', subject: { column: 'id' }, attributes: { group: 'grp' } });
    expect(r.ok).toBe(true);
  });

  it('refuses what is not an object', () => {
    expect(readMapping([]).ok).toBe(false);
    expect(readMapping('x').ok).toBe(false);
  });
});

describe('readMapping: text that is stored and shown', () => {
  it('refuses labels and arm names carrying control or bidirectional formatting characters', () => {
    const r = readMapping({
      study: 't',
      subject: { column: 'id' },
      timePoint: {
        column: 'visit',
        values: {
          b0: { label: 'base\u0000line', baseline: true },
          d2: { label: 'day 2', arm: 'ket\u2067amine' },
        },
      },
      arm: { column: 'arm', values: { K: 'k\u0085' } },
      scores: [{ column: 'madrs', instrument: 'madrs' }],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          field: 'mapping.timePoint.values.b0.label',
          rule: 'no-control-characters',
          message: expect.stringContaining('U+0000') as string,
        }),
        expect.objectContaining({
          field: 'mapping.timePoint.values.d2.arm',
          rule: 'no-control-characters',
        }),
        expect.objectContaining({ field: 'mapping.arm.values.K', rule: 'no-control-characters' }),
      ]),
    );
  });
});
