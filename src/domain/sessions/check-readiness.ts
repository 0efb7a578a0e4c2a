import type { Settings } from '../settings/setting-definitions.js';

/** Pre-dose readiness (REFERENCE D1). Plain values in, a verdict with typed reasons out. */
export interface ReadinessInput {
  readonly consentInForce: boolean;
  /** Latest contraindication screen: its status, whether every relative item is overridden, and expiry. */
  readonly screen: {
    readonly status: 'clear' | 'caution' | 'contraindicated';
    readonly expired: boolean;
  } | null;
  readonly vitals: {
    readonly systolicMmHg: number;
    readonly diastolicMmHg: number;
    readonly heartRateBpm: number;
    readonly spo2Percent: number | null;
  } | null;
  readonly hoursSinceLastDose: number | null;
  /** Unacknowledged suicidal-ideation answers within the look-back window. */
  readonly unacknowledgedSi: readonly {
    readonly instrument: string;
    readonly item: string;
    readonly value: number;
  }[];
  readonly esketamine: boolean;
  readonly minutesSinceFood: number | null;
  readonly minutesSinceLiquid: number | null;
}

export const READINESS_LEVELS = ['cleared', 'caution', 'not-cleared'] as const;
export type ReadinessLevel = (typeof READINESS_LEVELS)[number];

/** What each reason is about (the contract lists the same values). */
export const READINESS_CHECKS = [
  'consent',
  'screen',
  'blood-pressure',
  'heart-rate',
  'spo2',
  'last-dose',
  'suicidal-ideation',
  'fasting',
  'vitals',
] as const;

export interface ReadinessReason {
  readonly check: (typeof READINESS_CHECKS)[number];
  readonly level: Exclude<ReadinessLevel, 'cleared'>;
  readonly message: string;
}

export interface Readiness {
  readonly level: ReadinessLevel;
  readonly reasons: readonly ReadinessReason[];
}

export function checkReadiness(i: ReadinessInput, s: Settings): Readiness {
  const reasons: ReadinessReason[] = [];
  const block = (check: ReadinessReason['check'], message: string) =>
    reasons.push({ check, level: 'not-cleared', message });
  const caution = (check: ReadinessReason['check'], message: string) =>
    reasons.push({ check, level: 'caution', message });

  if (!i.consentInForce) block('consent', 'No consent in force on file.');
  if (!i.screen) block('screen', 'No contraindication screen on file.');
  else if (i.screen.expired)
    block('screen', 'The contraindication screen has expired; screen again.');
  else if (i.screen.status === 'contraindicated')
    block('screen', 'The screen found an absolute contraindication.');
  else if (i.screen.status === 'caution')
    block('screen', 'The screen has relative contraindications without a clinician override.');

  if (!i.vitals) block('vitals', 'Record pre-dose vitals first.');
  else {
    const { systolicMmHg: sys, diastolicMmHg: dia, heartRateBpm: hr, spo2Percent: spo2 } = i.vitals;
    if (sys >= s['predose.holdSystolic'] || dia >= s['predose.holdDiastolic']) {
      block(
        'blood-pressure',
        `Blood pressure ${sys}/${dia} is at or above ${s['predose.holdSystolic']}/${s['predose.holdDiastolic']}: not today.`,
      );
    } else if (sys > s['bp.cautionSystolic'] || dia > s['bp.cautionDiastolic']) {
      caution(
        'blood-pressure',
        `Blood pressure ${sys}/${dia} is above ${s['bp.cautionSystolic']}/${s['bp.cautionDiastolic']}: a clinician decides whether to proceed.`,
      );
    }
    if (hr > s['predose.hrHighCaution'])
      caution('heart-rate', `Heart rate ${hr} is above ${s['predose.hrHighCaution']}.`);
    if (hr < s['predose.hrLowCaution'])
      caution('heart-rate', `Heart rate ${hr} is below ${s['predose.hrLowCaution']}.`);
    if (spo2 !== null && spo2 < s['predose.spo2Caution'])
      caution('spo2', `SpO2 ${spo2}% is below ${s['predose.spo2Caution']}%.`);
  }
  if (i.hoursSinceLastDose !== null && i.hoursSinceLastDose < s['predose.minHoursSinceLastDose']) {
    block(
      'last-dose',
      `Last dose ${i.hoursSinceLastDose.toFixed(1)} h ago; needs ${s['predose.minHoursSinceLastDose']} h.`,
    );
  }
  for (const si of i.unacknowledgedSi) {
    block(
      'suicidal-ideation',
      `${si.instrument} item ${si.item} = ${si.value} is not yet acknowledged by a clinician.`,
    );
  }
  if (i.esketamine) {
    if (i.minutesSinceFood === null || i.minutesSinceFood < s['predose.fastingFoodHours'] * 60) {
      block(
        'fasting',
        `Esketamine: no food for ${s['predose.fastingFoodHours']} h before the dose.`,
      );
    }
    if (i.minutesSinceLiquid === null || i.minutesSinceLiquid < s['predose.fastingLiquidMinutes']) {
      block(
        'fasting',
        `Esketamine: no liquids for ${s['predose.fastingLiquidMinutes']} min before the dose.`,
      );
    }
  }
  const level: ReadinessLevel = reasons.some((r) => r.level === 'not-cleared')
    ? 'not-cleared'
    : reasons.length > 0
      ? 'caution'
      : 'cleared';
  return { level, reasons };
}
