/**
 * How reports print their numbers: one decimal, a dash for "not available",
 * "95% CI low to high". Shared by the web pages and the HTML report so the same
 * number reads the same everywhere.
 */
import type { MeanCi } from './descriptive.js';

export const NONE = '—';

export const oneDecimal = (v: number | null | undefined): string =>
  v == null ? NONE : v.toFixed(1);

/** `mean ± SD (95% CI low to high)`. */
export const meanSdCi = (m: MeanCi | null): string =>
  m
    ? `${oneDecimal(m.mean)} ± ${oneDecimal(m.sd)} (95% CI ${oneDecimal(m.ciLow)} to ${oneDecimal(m.ciHigh)})`
    : NONE;

/** `count/of (p%; 95% CI low–high%)` with the Wilson interval. */
export const proportionCi = (p: {
  count: number;
  of: number;
  ci: { p: number; low: number; high: number } | null;
}): string =>
  p.ci
    ? `${p.count}/${p.of} (${oneDecimal(p.ci.p * 100)}%; 95% CI ${oneDecimal(p.ci.low * 100)}–${oneDecimal(p.ci.high * 100)}%)`
    : `${p.count}/${p.of}`;

export const pValue = (p: number): string => (p < 0.001 ? '< 0.001' : p.toFixed(3));
