/**
 * Every clinical threshold ketatrack uses, with its default and where that
 * default comes from (../shared/clinical/REFERENCE.md). A site's admin may
 * change any of them; values marked unverified ship as defaults awaiting local
 * clinical sign-off, and the UI says so.
 */
import { ANTIDEPRESSANTS, minDoseSettingKey } from '../eligibility/antidepressants.js';

export const SETTING_GROUPS = [
  'Safety flags',
  'Outcomes',
  'Self-report',
  'TRD eligibility',
  'Minimum adequate doses',
  'Screening',
] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];

export interface SettingDefinition {
  readonly key: string;
  readonly group: SettingGroup;
  readonly label: string;
  readonly unit: string;
  readonly defaultValue: number;
  readonly min: number;
  readonly max: number;
  /** Whole numbers only (item scores, hours). */
  readonly integer: boolean;
  readonly source: string;
  /** True where REFERENCE.md marks the value [UNVERIFIED] or calls it a ketatrack default. */
  readonly needsLocalSignOff: boolean;
}

const STATIC_DEFINITIONS = [
  // --- Suicidal-ideation flags (issue 3; REFERENCE B.1, B.3, B.7, D1) ---
  {
    key: 'si.qidsItem12Min',
    group: 'Safety flags',
    label: 'QIDS-SR16 item 12 at or above this raises a suicidal-ideation flag',
    unit: 'item score',
    defaultValue: 1,
    min: 1,
    max: 3,
    integer: true,
    source:
      'REFERENCE B.1: "any item-12 ≥1 raises a clinician flag" (local policy, not from the instrument)',
    needsLocalSignOff: true,
  },
  {
    key: 'si.phq9Item9Min',
    group: 'Safety flags',
    label: 'PHQ-9 item 9 at or above this raises a suicidal-ideation flag',
    unit: 'item score',
    defaultValue: 1,
    min: 1,
    max: 3,
    integer: true,
    source: 'REFERENCE B.3: item 9 "any score ≥1 must raise a safety flag" (standard practice); D1',
    needsLocalSignOff: false,
  },
  {
    key: 'si.madrsItem10Min',
    group: 'Safety flags',
    label: 'MADRS item 10 at or above this raises a suicidal-ideation flag',
    unit: 'item score',
    defaultValue: 2,
    min: 1,
    max: 6,
    integer: true,
    source: 'ketatrack default (issue 3); MADRS item 10 anchors in REFERENCE B.7',
    needsLocalSignOff: true,
  },
  {
    key: 'si.hamdItem3Min',
    group: 'Safety flags',
    label: 'HAM-D17 item 3 at or above this raises a suicidal-ideation flag',
    unit: 'item score',
    defaultValue: 1,
    min: 1,
    max: 4,
    integer: true,
    source: 'ketatrack default (issue 3); HAM-D17 item 3 is the suicide item (REFERENCE B.7)',
    needsLocalSignOff: true,
  },
  // --- Remission thresholds (REFERENCE A.4, D4) ---
  {
    key: 'remission.qidsSr16Max',
    group: 'Outcomes',
    label: 'QIDS-SR16 remission: total at or below',
    unit: 'points',
    defaultValue: 5,
    min: 0,
    max: 27,
    integer: true,
    source: 'REFERENCE A.4 / D4: ≤5 (STAR*D, Trivedi 2006)',
    needsLocalSignOff: false,
  },
  {
    key: 'remission.phq9Max',
    group: 'Outcomes',
    label: 'PHQ-9 remission: total at or below',
    unit: 'points',
    defaultValue: 4,
    min: 0,
    max: 27,
    integer: true,
    source: 'REFERENCE D4: PHQ-9 ≤ 4 (A.4: remission <5)',
    needsLocalSignOff: false,
  },
  {
    key: 'remission.madrsMax',
    group: 'Outcomes',
    label: 'MADRS remission: total at or below',
    unit: 'points',
    defaultValue: 10,
    min: 0,
    max: 60,
    integer: true,
    source: 'REFERENCE D4: MADRS ≤ 10 (KetECT; Daly 2018); 12 also used (TRANSFORM-3)',
    needsLocalSignOff: false,
  },
  {
    key: 'remission.hamd17Max',
    group: 'Outcomes',
    label: 'HAM-D17 remission: total at or below',
    unit: 'points',
    defaultValue: 7,
    min: 0,
    max: 52,
    integer: true,
    source: 'REFERENCE D4: HAM-D17 ≤ 7 (Riedel 2010 ROC found ≤6)',
    needsLocalSignOff: false,
  },
  {
    key: 'response.minFallPercent',
    group: 'Outcomes',
    label: 'Response: fall from baseline of at least',
    unit: '%',
    defaultValue: 50,
    min: 1,
    max: 100,
    integer: true,
    source: 'REFERENCE A.4 / D4: ≥ 50% fall from baseline',
    needsLocalSignOff: false,
  },
  // --- Self-report links (issue 3) ---
  {
    key: 'selfReport.linkExpiryHours',
    group: 'Self-report',
    label: 'A self-report link expires after',
    unit: 'hours',
    defaultValue: 72,
    min: 1,
    max: 24 * 30,
    integer: true,
    source: 'ketatrack default (issue 3)',
    needsLocalSignOff: false,
  },
  // --- TRD adequacy (REFERENCE D5, A.4, B.8) ---
  {
    key: 'trd.minWeeks',
    group: 'TRD eligibility',
    label: 'An adequate trial lasts at least',
    unit: 'weeks',
    defaultValue: 6,
    min: 1,
    max: 52,
    integer: true,
    source: 'REFERENCE D5 [UNVERIFIED duration, MGH-ATRQ convention]; ATHF uses 4 weeks',
    needsLocalSignOff: true,
  },
  {
    key: 'trd.failureBelowPercent',
    group: 'TRD eligibility',
    label: 'A trial failed when improvement was below',
    unit: '%',
    defaultValue: 50,
    min: 1,
    max: 100,
    integer: true,
    source: 'REFERENCE D5 / A.4: failure = < 50% improvement (MGH-ATRQ; Fava 2018)',
    needsLocalSignOff: false,
  },
  {
    key: 'trd.minFailedTrials',
    group: 'TRD eligibility',
    label: 'TRD needs at least this many failed adequate trials in the current episode',
    unit: 'trials',
    defaultValue: 2,
    min: 1,
    max: 10,
    integer: true,
    source: 'REFERENCE A.4 / D5: ≥ 2 failed adequate trials (FDA, EMA, Fava 2018)',
    needsLocalSignOff: false,
  },
  {
    key: 'trd.poorAdherenceInadequate',
    group: 'TRD eligibility',
    label: 'A trial with poor adherence is not adequate (1 = yes, 0 = no)',
    unit: 'yes/no',
    defaultValue: 1,
    min: 0,
    max: 1,
    integer: true,
    source: 'ketatrack default; ATHF lowers the rating for non-adherence (REFERENCE A.4)',
    needsLocalSignOff: true,
  },
  // --- Contraindication screen (issue 4; REFERENCE A.2, D1) ---
  {
    key: 'screen.expiryDays',
    group: 'Screening',
    label: 'A contraindication screen must be redone after',
    unit: 'days',
    defaultValue: 90,
    min: 1,
    max: 730,
    integer: true,
    source: 'ketatrack default (issue 4)',
    needsLocalSignOff: true,
  },
  {
    key: 'bp.cautionSystolic',
    group: 'Screening',
    label: 'Blood pressure above this systolic needs a clinician decision',
    unit: 'mmHg',
    defaultValue: 140,
    min: 100,
    max: 220,
    integer: true,
    source:
      'REFERENCE D1 / A.2: label guidance, above about 140/90 decide individually whether to delay',
    needsLocalSignOff: false,
  },
  {
    key: 'bp.cautionDiastolic',
    group: 'Screening',
    label: 'Blood pressure above this diastolic needs a clinician decision',
    unit: 'mmHg',
    defaultValue: 90,
    min: 60,
    max: 140,
    integer: true,
    source:
      'REFERENCE D1 / A.2: label guidance, above about 140/90 decide individually whether to delay',
    needsLocalSignOff: false,
  },
] as const satisfies readonly SettingDefinition[];

/** One editable minimum dose per antidepressant (REFERENCE B.8, D5). */
const DOSE_DEFINITIONS: readonly SettingDefinition[] = ANTIDEPRESSANTS.map((d) => ({
  key: minDoseSettingKey(d.id),
  group: 'Minimum adequate doses' as const,
  label: `${d.name} (${d.drugClass}): minimum adequate daily dose`,
  unit: 'mg/day',
  defaultValue: d.defaultMinDoseMg,
  min: 0.5,
  max: 3000,
  integer: false,
  source: d.source,
  needsLocalSignOff: true,
}));

export const SETTING_DEFINITIONS: readonly SettingDefinition[] = [
  ...STATIC_DEFINITIONS,
  ...DOSE_DEFINITIONS,
];

export type SettingKey = (typeof STATIC_DEFINITIONS)[number]['key'];
/** Named thresholds are typed; per-drug doses are read with `minDoseMg`. */
export type Settings = Readonly<Record<SettingKey, number>> & Readonly<Record<string, number>>;

export const DEFAULT_SETTINGS: Settings = Object.freeze(
  Object.fromEntries(SETTING_DEFINITIONS.map((d) => [d.key, d.defaultValue])) as Settings,
);

export function minDoseMg(settings: Settings, drugId: string): number | undefined {
  return (settings as Readonly<Record<string, number | undefined>>)[minDoseSettingKey(drugId)];
}

export function settingDefinition(key: string): SettingDefinition | undefined {
  return SETTING_DEFINITIONS.find((d) => d.key === key);
}

/** Checks a proposed value against its definition; returns the problem or null. */
export function checkSettingValue(d: SettingDefinition, value: number): string | null {
  if (!Number.isFinite(value)) return 'must be a number';
  if (d.integer && !Number.isInteger(value)) return 'must be a whole number';
  if (value < d.min || value > d.max) return `must be between ${d.min} and ${d.max}`;
  return null;
}
