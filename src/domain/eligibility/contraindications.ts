import type { Settings } from '../settings/setting-definitions.js';

/**
 * Contraindication screen items. Absolute items are the esketamine label's
 * contraindications and block treatment; relative items need a clinician's
 * override with a written reason (REFERENCE A.2; the APA list is [UNVERIFIED]).
 */
export type ContraindicationKind = 'absolute' | 'relative';

export interface ContraindicationItem {
  readonly id: string;
  readonly kind: ContraindicationKind;
  readonly label: string;
  readonly source: string;
}

const LABEL = 'Spravato label (REFERENCE A.2)';
const APA = 'APA consensus, Sanacora 2017 [UNVERIFIED list] (REFERENCE A.2)';

export const CONTRAINDICATIONS: readonly ContraindicationItem[] = [
  {
    id: 'aneurysmal-vascular-disease',
    kind: 'absolute',
    label:
      'Aneurysmal vascular disease (aorta, intracranial or peripheral arteries) or arteriovenous malformation',
    source: LABEL,
  },
  {
    id: 'intracerebral-haemorrhage',
    kind: 'absolute',
    label: 'History of intracerebral haemorrhage',
    source: LABEL,
  },
  {
    id: 'ketamine-hypersensitivity',
    kind: 'absolute',
    label: 'Hypersensitivity to ketamine or esketamine',
    source: LABEL,
  },
  {
    id: 'psychosis-history',
    kind: 'relative',
    label: 'History of psychosis',
    source: `${LABEL}; ${APA}`,
  },
  {
    id: 'substance-use-disorder',
    kind: 'relative',
    label: 'Substance or alcohol use disorder',
    source: `${LABEL}; ${APA}`,
  },
  {
    id: 'uncontrolled-hypertension',
    kind: 'relative',
    label: 'Uncontrolled hypertension',
    source: APA,
  },
  {
    id: 'cardiovascular-disease',
    kind: 'relative',
    label: 'Other cardiovascular or cerebrovascular disease',
    source: LABEL,
  },
  {
    id: 'hypertensive-encephalopathy',
    kind: 'relative',
    label: 'Previous hypertensive encephalopathy',
    source: LABEL,
  },
  {
    id: 'pregnancy-breastfeeding',
    kind: 'relative',
    label: 'Pregnancy or breastfeeding',
    source: LABEL,
  },
  {
    id: 'raised-intracranial-pressure',
    kind: 'relative',
    label: 'Raised intracranial pressure',
    source: APA,
  },
  {
    id: 'maoi',
    kind: 'relative',
    label: 'Taking an MAOI',
    source: `${LABEL} (watch blood pressure)`,
  },
  {
    id: 'stimulants',
    kind: 'relative',
    label: 'Taking stimulants',
    source: `${LABEL} (watch blood pressure)`,
  },
  {
    id: 'benzodiazepines',
    kind: 'relative',
    label: 'Taking benzodiazepines or other CNS depressants',
    source: `${LABEL} (watch sedation)`,
  },
];

export function findContraindication(id: string): ContraindicationItem | undefined {
  return CONTRAINDICATIONS.find((c) => c.id === id);
}

export interface BaselineVitals {
  readonly systolicMmHg: number;
  readonly diastolicMmHg: number;
  readonly heartRateBpm: number;
  readonly spo2Percent: number | null;
}

export interface Override {
  readonly itemId: string;
  readonly reason: string;
}

export type ScreenStatus = 'clear' | 'caution' | 'contraindicated';

export interface ScreenResult {
  readonly status: ScreenStatus;
  /** Clear only because a clinician overrode every relative item. */
  readonly overridden: boolean;
  readonly absolute: readonly string[];
  readonly relativeOpen: readonly string[];
  readonly relativeOverridden: readonly string[];
  readonly notes: readonly string[];
  readonly expired: boolean;
}

/**
 * Absolute item present → contraindicated (no override possible). Relative item
 * present and not overridden → caution. Otherwise clear, marked `overridden`
 * when relative items were present but each has a clinician's written reason.
 * A baseline blood pressure above the label's ~140/90 adds a note (REFERENCE D1).
 */
export function judgeScreen(
  present: readonly string[],
  overrides: readonly Override[],
  vitals: BaselineVitals,
  settings: Settings,
  expired: boolean,
): ScreenResult {
  const items = present.map((id) => findContraindication(id)).filter((c) => c !== undefined);
  const absolute = items.filter((c) => c.kind === 'absolute').map((c) => c.id);
  const relative = items.filter((c) => c.kind === 'relative').map((c) => c.id);
  const overriddenIds = new Set(overrides.map((o) => o.itemId));
  const relativeOverridden = relative.filter((id) => overriddenIds.has(id));
  const relativeOpen = relative.filter((id) => !overriddenIds.has(id));
  const notes: string[] = [];
  if (
    vitals.systolicMmHg > settings['bp.cautionSystolic'] ||
    vitals.diastolicMmHg > settings['bp.cautionDiastolic']
  ) {
    notes.push(
      `Baseline blood pressure ${vitals.systolicMmHg}/${vitals.diastolicMmHg} is above ${settings['bp.cautionSystolic']}/${settings['bp.cautionDiastolic']}: decide individually whether to delay (label guidance).`,
    );
  }
  const status: ScreenStatus =
    absolute.length > 0 ? 'contraindicated' : relativeOpen.length > 0 ? 'caution' : 'clear';
  return {
    status,
    overridden: status === 'clear' && relativeOverridden.length > 0,
    absolute,
    relativeOpen,
    relativeOverridden,
    notes,
    expired,
  };
}
