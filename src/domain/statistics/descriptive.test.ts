import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kaplanMeier, meanCi, meanCiFromSums, pairedComparison, wilsonCi } from './descriptive.js';

// Expected values from SciPy: tests/fixtures/statistics/make_expected.py (command inside).
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const expected = JSON.parse(
  readFileSync(join(root, 'tests/fixtures/statistics/expected.json'), 'utf8'),
) as {
  meanCi: { xs: number[]; mean: number; sd: number; ciLow: number; ciHigh: number };
  wilson: { k: number; n: number; low: number; high: number }[];
  pairedNoTies: Paired;
  pairedMoca: Paired;
};
interface Paired {
  before: number[];
  after: number[];
  meanDifference: number;
  ciLow: number;
  ciHigh: number;
  tPValue: number;
  wilcoxonPValue: number;
}
const close = (actual: number | undefined, wanted: number) =>
  expect(Math.abs((actual ?? Number.NaN) - wanted)).toBeLessThan(1e-6);

describe('statistics against SciPy (1e-6)', () => {
  it('mean, SD and t-based 95% CI', () => {
    const r = meanCi(expected.meanCi.xs);
    close(r?.mean, expected.meanCi.mean);
    close(r?.sd, expected.meanCi.sd);
    close(r?.ciLow, expected.meanCi.ciLow);
    close(r?.ciHigh, expected.meanCi.ciHigh);
  });

  it('gives the same mean, SD and CI from sums as from the values (SciPy fixture)', () => {
    const xs = expected.meanCi.xs;
    const r = meanCiFromSums(
      xs.length,
      xs.reduce((a, x) => a + x, 0),
      xs.reduce((a, x) => a + x * x, 0),
    );
    close(r?.mean, expected.meanCi.mean);
    close(r?.sd, expected.meanCi.sd);
    close(r?.ciLow, expected.meanCi.ciLow);
    close(r?.ciHigh, expected.meanCi.ciHigh);
    expect(meanCiFromSums(1, 5, 25)).toBeNull();
  });
  it.each(expected.wilson)('Wilson 95% CI for $k/$n', ({ k, n, low, high }) => {
    const r = wilsonCi(k, n);
    close(r?.low, low);
    close(r?.high, high);
  });
  it.each([
    ['without ties (exact)', expected.pairedNoTies],
    ['MoCA-like, with ties (normal approximation)', expected.pairedMoca],
  ] as const)('paired comparison %s', (_name, c) => {
    const r = pairedComparison(c.before, c.after);
    close(r?.meanDifference, c.meanDifference);
    close(r?.ciLow, c.ciLow);
    close(r?.ciHigh, c.ciHigh);
    close(r?.tPValue, c.tPValue);
    close(r?.wilcoxonPValue, c.wilcoxonPValue);
  });
});

describe('Kaplan–Meier', () => {
  it('multiplies the conditional survival at each event time, treating censored cases as at risk until then', () => {
    // Worked by hand: 6 at risk; events at 3 (1), 5 (2, one censored at 4), 9 (1).
    const km = kaplanMeier([
      { time: 3, event: true },
      { time: 4, event: false },
      { time: 5, event: true },
      { time: 5, event: true },
      { time: 9, event: true },
      { time: 12, event: false },
    ]);
    expect(km.map((s) => [s.time, s.atRisk, s.events])).toEqual([
      [3, 6, 1],
      [5, 4, 2],
      [9, 2, 1],
    ]);
    close(km[0]?.survival, 5 / 6);
    close(km[1]?.survival, (5 / 6) * (2 / 4));
    close(km[2]?.survival, (5 / 6) * (2 / 4) * (1 / 2));
  });
});
