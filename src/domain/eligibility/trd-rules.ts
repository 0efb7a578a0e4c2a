import { minDoseMg, type Settings } from '../settings/setting-definitions.js';
import { findAntidepressant, type DrugClass } from './antidepressants.js';

/** Improvement categories when no percentage is known (Desseilles 2011, REFERENCE B.8). */
export const RESPONSE_CATEGORIES = ['none', 'partial', 'response', 'remission'] as const;
export type ResponseCategory = (typeof RESPONSE_CATEGORIES)[number];
export const ADHERENCE = ['good', 'partial', 'poor'] as const;
export type Adherence = (typeof ADHERENCE)[number];

export interface TrialInput {
  readonly id: string;
  readonly drugId: string;
  readonly dosePerDayMg: number;
  /** Weeks at that dose; computed from dates by the caller when dates were given. */
  readonly weeks: number;
  readonly adherence: Adherence;
  /** Patient-rated % improvement, when known; otherwise the category. */
  readonly improvementPercent: number | null;
  readonly responseCategory: ResponseCategory | null;
  readonly augmentation: boolean;
}

export interface TrialVerdict {
  readonly trialId: string;
  readonly drugName: string;
  readonly drugClass: DrugClass | null;
  readonly adequate: boolean;
  readonly failed: boolean;
  readonly countsTowardTrd: boolean;
  /** Plain words, e.g. "sertraline 50 mg for 4 weeks: too short, needs 6". */
  readonly reason: string;
}

const fmt = (n: number): string =>
  Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, '');

/** Whether improvement counts as failure: below the threshold (default < 50%), or a category short of response. */
function trialFailed(t: TrialInput, settings: Settings): boolean | null {
  if (t.improvementPercent !== null)
    return t.improvementPercent < settings['trd.failureBelowPercent'];
  if (t.responseCategory !== null)
    return t.responseCategory === 'none' || t.responseCategory === 'partial';
  return null;
}

/**
 * A trial is adequate at or above the drug's minimum daily dose for at least the
 * minimum weeks (REFERENCE D5); it failed when improvement was below 50%.
 */
export function judgeTrial(t: TrialInput, settings: Settings): TrialVerdict {
  const drug = findAntidepressant(t.drugId);
  const name = drug?.name.toLowerCase() ?? t.drugId;
  const head = `${name} ${fmt(t.dosePerDayMg)} mg for ${fmt(t.weeks)} weeks`;
  const minDose = minDoseMg(settings, t.drugId);
  const minWeeks = settings['trd.minWeeks'];
  const problems: string[] = [];
  if (minDose === undefined) problems.push('no minimum dose is set for this drug');
  else if (t.dosePerDayMg < minDose) problems.push(`dose too low, needs ${fmt(minDose)} mg`);
  if (t.weeks < minWeeks) problems.push(`too short, needs ${fmt(minWeeks)}`);
  if (t.adherence === 'poor' && settings['trd.poorAdherenceInadequate'] === 1)
    problems.push('poor adherence');
  const adequate = problems.length === 0;
  const failed = trialFailed(t, settings);
  let reason: string;
  if (!adequate) reason = `${head}: not adequate (${problems.join('; ')})`;
  else if (failed === null) reason = `${head}: adequate, but the improvement is not recorded`;
  else if (failed) {
    const how =
      t.improvementPercent !== null
        ? `${fmt(t.improvementPercent)}% better`
        : `${t.responseCategory} response`;
    reason = `${head}: adequate and failed (${how}, below ${settings['trd.failureBelowPercent']}%)`;
  } else {
    const how =
      t.improvementPercent !== null ? `${fmt(t.improvementPercent)}% better` : t.responseCategory;
    reason = `${head}: adequate and worked (${how})`;
  }
  return {
    trialId: t.id,
    drugName: drug?.name ?? t.drugId,
    drugClass: drug?.drugClass ?? null,
    adequate,
    failed: failed === true,
    countsTowardTrd: adequate && failed === true,
    reason,
  };
}

export interface TrdVerdict {
  readonly trd: boolean;
  readonly failedAdequateTrials: number;
  readonly needed: number;
  readonly trials: readonly TrialVerdict[];
  readonly summary: string;
}

/** TRD = at least 2 failed adequate trials in the current episode (REFERENCE A.4, D5). */
export function judgeTrd(trials: readonly TrialInput[], settings: Settings): TrdVerdict {
  const verdicts = trials.map((t) => judgeTrial(t, settings));
  const failed = verdicts.filter((v) => v.countsTowardTrd).length;
  const needed = settings['trd.minFailedTrials'];
  const trd = failed >= needed;
  return {
    trd,
    failedAdequateTrials: failed,
    needed,
    trials: verdicts,
    summary: trd
      ? `Treatment-resistant: ${failed} failed adequate trial${failed === 1 ? '' : 's'} in this episode (needs ${needed}).`
      : `Not treatment-resistant yet: ${failed} failed adequate trial${failed === 1 ? '' : 's'} in this episode, needs ${needed}.`,
  };
}
