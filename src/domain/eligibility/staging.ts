import type { TrialVerdict } from './trd-rules.js';

/**
 * Thase–Rush stage (REFERENCE A.4): I = failed adequate trial(s) of one class;
 * II = plus a different class; III = plus a TCA; IV = plus an MAOI; V = plus
 * bilateral ECT. Each stage needs the ones below it, so a failed TCA counts for
 * III only when at least two classes have failed (docs/adr/0009-eligibility.md).
 */
export function thaseRushStage(
  trials: readonly TrialVerdict[],
  bilateralEctFailed: boolean,
): { stage: number; reason: string } {
  const classes = new Set(
    trials.filter((t) => t.countsTowardTrd && t.drugClass !== null).map((t) => t.drugClass),
  );
  if (classes.size === 0) return { stage: 0, reason: 'no failed adequate trial' };
  if (classes.size === 1)
    return { stage: 1, reason: `failed adequate trial(s) of one class (${[...classes].join('')})` };
  const list = [...classes].join(', ');
  if (!classes.has('TCA'))
    return {
      stage: 2,
      reason: `failed adequate trials of ${classes.size} classes (${list}), no TCA`,
    };
  if (!classes.has('MAOI'))
    return { stage: 3, reason: `failed classes ${list}, including a TCA; no MAOI` };
  if (!bilateralEctFailed)
    return {
      stage: 4,
      reason: `failed classes ${list}, including a TCA and an MAOI; no failed bilateral ECT`,
    };
  return { stage: 5, reason: `failed classes ${list}, a TCA, an MAOI and bilateral ECT` };
}

export const EPISODE_SEVERITIES = [
  'subsyndromal',
  'mild',
  'moderate',
  'severe-without-psychosis',
  'severe-with-psychosis',
] as const;
export type EpisodeSeverity = (typeof EPISODE_SEVERITIES)[number];

export interface MaudsleyInput {
  readonly episodeMonths: number;
  readonly severity: EpisodeSeverity | null;
  readonly failedAntidepressants: number;
  readonly augmentationUsed: boolean;
  readonly ectUsed: boolean;
}

export interface MaudsleyScore {
  readonly total: number | null;
  readonly band: 'mild' | 'moderate' | 'severe' | null;
  readonly parts: {
    readonly duration: number;
    readonly severity: number | null;
    readonly antidepressants: number;
    readonly augmentation: number;
    readonly ect: number;
  };
  readonly missing: readonly string[];
}

/**
 * Maudsley Staging Method (Fekadu 2009; scoring of the 2018 BMC Psychiatry
 * standardisation, REFERENCE A.4): total 3–15; bands 3–6 mild, 7–10 moderate, 11–15 severe.
 */
export function maudsleyScore(m: MaudsleyInput): MaudsleyScore {
  const duration = m.episodeMonths <= 12 ? 1 : m.episodeMonths <= 24 ? 2 : 3;
  const severity = m.severity === null ? null : EPISODE_SEVERITIES.indexOf(m.severity) + 1;
  const n = m.failedAntidepressants;
  const antidepressants = n === 0 ? 0 : n <= 2 ? 1 : n <= 4 ? 2 : n <= 6 ? 3 : n <= 10 ? 4 : 5;
  const augmentation = m.augmentationUsed ? 1 : 0;
  const ect = m.ectUsed ? 1 : 0;
  const missing: string[] = [];
  if (severity === null) missing.push('episode severity');
  if (n === 0) missing.push('at least one failed antidepressant');
  const parts = { duration, severity, antidepressants, augmentation, ect };
  if (missing.length > 0 || severity === null) return { total: null, band: null, parts, missing };
  const total = duration + severity + antidepressants + augmentation + ect;
  return { total, band: total <= 6 ? 'mild' : total <= 10 ? 'moderate' : 'severe', parts, missing };
}

/** Whole months between two calendar dates (YYYY-MM-DD), rounding down. */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  let months = (ty - fy) * 12 + (tm - fm);
  if (td < fd) months -= 1;
  return Math.max(0, months);
}
