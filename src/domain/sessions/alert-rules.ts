import type { Settings } from '../settings/setting-definitions.js';
import type { SessionState } from './session-state.js';

/** Session alert rules (REFERENCE D2), each a setting. Pure: one reading in, alerts out. */
export type AlertLevel = 'red' | 'amber' | 'recorded';

export interface SessionAlert {
  readonly rule: string;
  readonly level: AlertLevel;
  readonly value: string;
  readonly action: string;
}

export interface VitalsReading {
  readonly systolicMmHg: number | null;
  readonly diastolicMmHg: number | null;
  readonly heartRateBpm: number | null;
  readonly spo2Percent: number | null;
  readonly rhythm: 'regular' | 'irregular' | null;
}

/** Evaluates one reading against the pre-dose reading (the rise rules compare with it). */
export function evaluateVitals(
  r: VitalsReading,
  predose: VitalsReading | null,
  s: Settings,
): SessionAlert[] {
  const out: SessionAlert[] = [];
  const sys = r.systolicMmHg;
  const dia = r.diastolicMmHg;
  if (
    (sys !== null && sys >= s['alert.redSystolic']) ||
    (dia !== null && dia >= s['alert.redDiastolic'])
  ) {
    out.push({
      rule: 'bp-high',
      level: 'red',
      value: `${sys ?? '–'}/${dia ?? '–'}`,
      action: 'Pause the infusion, recheck in 5 min, stop if it persists.',
    });
  } else if (
    predose &&
    ((sys !== null &&
      predose.systolicMmHg !== null &&
      sys - predose.systolicMmHg >= s['alert.riseSystolic']) ||
      (dia !== null &&
        predose.diastolicMmHg !== null &&
        dia - predose.diastolicMmHg >= s['alert.riseDiastolic']))
  ) {
    out.push({
      rule: 'bp-rise',
      level: 'amber',
      value: `${sys ?? '–'}/${dia ?? '–'} (pre-dose ${predose.systolicMmHg ?? '–'}/${predose.diastolicMmHg ?? '–'})`,
      action: 'Notify the clinician and recheck sooner.',
    });
  }
  const hr = r.heartRateBpm;
  if (hr !== null) {
    if (hr >= s['alert.hrRed'])
      out.push({
        rule: 'hr-high',
        level: 'red',
        value: `${hr} bpm`,
        action: 'Notify the clinician now; consider stopping the infusion.',
      });
    else if (hr >= s['alert.hrAmber'])
      out.push({
        rule: 'hr-high',
        level: 'amber',
        value: `${hr} bpm`,
        action: 'Notify the clinician.',
      });
    if (hr < s['alert.hrLow'])
      out.push({
        rule: 'hr-low',
        level: 'amber',
        value: `${hr} bpm`,
        action: 'Notify the clinician (bradycardia).',
      });
  }
  if (r.rhythm === 'irregular' && predose?.rhythm !== 'irregular') {
    out.push({
      rule: 'rhythm-irregular',
      level: 'red',
      value: 'newly irregular',
      action: 'Stop the infusion and take an ECG (possible atrial fibrillation).',
    });
  }
  if (r.spo2Percent !== null && r.spo2Percent < s['alert.spo2Red']) {
    out.push({
      rule: 'spo2-low',
      level: 'red',
      value: `${r.spo2Percent}%`,
      action: 'Stop the infusion and support the airway.',
    });
  }
  return out;
}

/** MOAA/S ≤ 2 is red; any fall from the pre-dose score is recorded as sedation (label). */
export function evaluateMoaas(score: number, predose: number | null, s: Settings): SessionAlert[] {
  if (score <= s['alert.moaasRed'])
    return [
      {
        rule: 'sedation-deep',
        level: 'red',
        value: `MOAA/S ${score}`,
        action: 'Stop the infusion; monitor airway and breathing.',
      },
    ];
  if (predose !== null && score < predose)
    return [
      {
        rule: 'sedation',
        level: 'recorded',
        value: `MOAA/S ${score} (pre-dose ${predose})`,
        action: 'Sedation recorded.',
      },
    ];
  return [];
}

/** Any BPRS-positive item at 5 or more is amber. */
export function evaluateBprsPositive(
  items: Readonly<Record<string, number | null>>,
  s: Settings,
): SessionAlert[] {
  const high = Object.entries(items).filter(([, v]) => v !== null && v >= s['alert.bprsItemAmber']);
  return high.length > 0
    ? [
        {
          rule: 'psychotomimetic',
          level: 'amber',
          value: high.map(([k, v]) => `item ${k} = ${v}`).join(', '),
          action: 'Slow or stop the infusion as the clinician decides.',
        },
      ]
    : [];
}

/** CADSS total above 4 with a rise from baseline records dissociation (label definition). */
export function evaluateCadss(total: number, baseline: number | null, s: Settings): SessionAlert[] {
  return total > s['alert.cadssDissociation'] && (baseline === null || total > baseline)
    ? [
        {
          rule: 'dissociation',
          level: 'recorded',
          value: `CADSS ${total}${baseline !== null ? ` (baseline ${baseline})` : ''}`,
          action: 'Dissociation recorded.',
        },
      ]
    : [];
}

export const RED_FLAG_SYMPTOMS = [
  'chest-pain',
  'sudden-severe-headache',
  'visual-change',
  'seizure',
  'focal-deficit',
] as const;
export type RedFlagSymptom = (typeof RED_FLAG_SYMPTOMS)[number];

/** Label warning signs: send for emergency care (REFERENCE A.2, D2). */
export function evaluateSymptom(symptom: RedFlagSymptom): SessionAlert {
  return {
    rule: 'red-flag-symptom',
    level: 'red',
    value: symptom.replace(/-/g, ' '),
    action: 'Stop the infusion and send for emergency care.',
  };
}

/** Vitals are due every 10 min while infusing and every 15 min after; overdue 5 min past due. */
export function vitalsDue(
  state: SessionState,
  lastTakenAt: Date | null,
  phaseStartedAt: Date,
  now: Date,
  s: Settings,
): { dueAt: Date | null; overdue: boolean } {
  const cadence =
    state === 'infusing' || state === 'paused'
      ? s['vitals.cadenceInfusingMin']
      : state === 'observing'
        ? s['vitals.cadenceObservingMin']
        : null;
  if (cadence === null) return { dueAt: null, overdue: false };
  const from = lastTakenAt && lastTakenAt > phaseStartedAt ? lastTakenAt : phaseStartedAt;
  const dueAt = new Date(from.getTime() + cadence * 60_000);
  return { dueAt, overdue: now.getTime() > dueAt.getTime() + s['vitals.overdueGraceMin'] * 60_000 };
}
