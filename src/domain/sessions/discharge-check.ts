import type { Settings } from '../settings/setting-definitions.js';

/** Discharge criteria (REFERENCE D3). */
export interface DischargeInput {
  readonly esketamine: boolean;
  /** Minutes since the infusion ended (IV) or since the dose (esketamine). */
  readonly minutesObserved: number;
  readonly latestVitals: { readonly systolicMmHg: number; readonly diastolicMmHg: number } | null;
  readonly predose: { readonly systolicMmHg: number; readonly diastolicMmHg: number } | null;
  readonly latestMoaas: number | null;
  readonly latestCadss: number | null;
  readonly escortPresent: boolean;
}

export interface DischargeCheck {
  readonly ready: boolean;
  readonly unmet: readonly string[];
  readonly advice: string;
}

export function checkDischarge(i: DischargeInput, s: Settings): DischargeCheck {
  const unmet: string[] = [];
  const minMinutes = i.esketamine
    ? s['discharge.esketamineMinMinutes']
    : s['discharge.ivMinMinutes'];
  if (i.minutesObserved < minMinutes)
    unmet.push(`observed ${Math.floor(i.minutesObserved)} min of the required ${minMinutes}`);
  if (!i.latestVitals) unmet.push('no blood pressure recorded after the dose');
  else {
    const { systolicMmHg: sys, diastolicMmHg: dia } = i.latestVitals;
    const below = sys < s['discharge.maxSystolic'] && dia < s['discharge.maxDiastolic'];
    const near =
      i.predose !== null &&
      sys - i.predose.systolicMmHg <= s['discharge.withinPredoseMmHg'] &&
      dia - i.predose.diastolicMmHg <= s['discharge.withinPredoseMmHg'];
    if (!below && !near)
      unmet.push(
        `blood pressure ${sys}/${dia} is neither below ${s['discharge.maxSystolic']}/${s['discharge.maxDiastolic']} nor within ${s['discharge.withinPredoseMmHg']} mmHg of pre-dose`,
      );
  }
  if (i.latestMoaas !== 5)
    unmet.push(
      i.latestMoaas === null ? 'no MOAA/S recorded' : `MOAA/S is ${i.latestMoaas}, needs 5`,
    );
  if (i.latestCadss !== null && i.latestCadss > s['alert.cadssDissociation'])
    unmet.push(`CADSS is ${i.latestCadss}, needs ${s['alert.cadssDissociation']} or less`);
  if (!i.escortPresent) unmet.push('no escort present');
  return { ready: unmet.length === 0, unmet, advice: 'No driving until after a night’s sleep.' };
}
