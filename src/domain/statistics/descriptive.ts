import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import ttest from '@stdlib/stats-ttest';
import wilcoxon from '@stdlib/stats-wilcoxon';

/**
 * The statistics the cohort report needs, with distributions from @stdlib
 * (never hand-rolled). Checked against SciPy in tests/fixtures/statistics.
 */
export interface MeanCi {
  readonly n: number;
  readonly mean: number;
  readonly sd: number;
  readonly ciLow: number;
  readonly ciHigh: number;
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Sample standard deviation (n − 1). */
export function sd(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Mean ± SD with the t-based 95% confidence interval of the mean. */
export function meanCi(xs: readonly number[], level = 0.95): MeanCi | null {
  if (xs.length < 2) return null;
  const m = mean(xs);
  const s = sd(xs);
  const half = tQuantile(1 - (1 - level) / 2, xs.length - 1) * (s / Math.sqrt(xs.length));
  return { n: xs.length, mean: m, sd: s, ciLow: m - half, ciHigh: m + half };
}

/**
 * The same as meanCi from a count, a sum and a sum of squares (when a database
 * aggregated the values). Exact for integer values of clinical size.
 */
export function meanCiFromSums(n: number, sum: number, sumSq: number, level = 0.95): MeanCi | null {
  if (n < 2) return null;
  const m = sum / n;
  const s = Math.sqrt(Math.max(0, (sumSq - (sum * sum) / n) / (n - 1)));
  const half = tQuantile(1 - (1 - level) / 2, n - 1) * (s / Math.sqrt(n));
  return { n, mean: m, sd: s, ciLow: m - half, ciHigh: m + half };
}

/** Wilson score interval for a proportion (Wilson 1927). */
export function wilsonCi(
  successes: number,
  n: number,
  level = 0.95,
): { p: number; low: number; high: number } | null {
  if (n === 0) return null;
  const z = normalQuantile(1 - (1 - level) / 2, 0, 1);
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { p, low: centre - half, high: centre + half };
}

export interface PairedComparison {
  readonly n: number;
  readonly meanDifference: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly tPValue: number;
  readonly wilcoxonPValue: number;
}

/**
 * Before/after comparison (e.g. MoCA): mean difference (after − before) with its
 * 95% CI, the paired t-test p and the Wilcoxon signed-rank p (zero differences
 * dropped, no continuity correction; exact for n ≤ 50 without tied |differences|,
 * otherwise the normal approximation with the tie correction, as R's wilcox.test).
 */
export function pairedComparison(
  before: readonly number[],
  after: readonly number[],
): PairedComparison | null {
  if (before.length !== after.length || before.length < 2) return null;
  const diffs = after.map((a, i) => a - (before[i] ?? 0));
  const ci = meanCi(diffs);
  if (!ci) return null;
  const t = ttest([...after], [...before]);
  const nonZero = diffs.filter((d) => d !== 0);
  const w = nonZero.length > 0 ? wilcoxon(nonZero, { correction: false }).pValue : 1;
  return {
    n: diffs.length,
    meanDifference: ci.mean,
    ciLow: ci.ciLow,
    ciHigh: ci.ciHigh,
    tPValue: t.pValue,
    wilcoxonPValue: w,
  };
}

export interface KmStep {
  readonly time: number;
  readonly atRisk: number;
  readonly events: number;
  readonly survival: number;
}

/** Kaplan–Meier product-limit estimate; `event` false means censored at that time. */
export function kaplanMeier(observations: readonly { time: number; event: boolean }[]): KmStep[] {
  const times = [...new Set(observations.filter((o) => o.event).map((o) => o.time))].sort(
    (a, b) => a - b,
  );
  let survival = 1;
  return times.map((time) => {
    const atRisk = observations.filter((o) => o.time >= time).length;
    const events = observations.filter((o) => o.event && o.time === time).length;
    survival *= 1 - events / atRisk;
    return { time, atRisk, events, survival };
  });
}
