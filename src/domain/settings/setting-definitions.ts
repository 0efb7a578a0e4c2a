/**
 * Every clinical threshold ketatrack uses, with its default and where that
 * default comes from (../shared/clinical/REFERENCE.md). A site's admin may
 * change any of them; values marked unverified ship as defaults awaiting local
 * clinical sign-off, and the UI says so.
 */
export interface SettingDefinition {
  readonly key: string;
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

export const SETTING_DEFINITIONS = [
  // --- Suicidal-ideation flags (issue 3; REFERENCE B.1, B.3, B.7, D1) ---
  {
    key: 'si.qidsItem12Min',
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
    label: 'A self-report link expires after',
    unit: 'hours',
    defaultValue: 72,
    min: 1,
    max: 24 * 30,
    integer: true,
    source: 'ketatrack default (issue 3)',
    needsLocalSignOff: false,
  },
] as const satisfies readonly SettingDefinition[];

export type SettingKey = (typeof SETTING_DEFINITIONS)[number]['key'];
export type Settings = Readonly<Record<SettingKey, number>>;

export const DEFAULT_SETTINGS: Settings = Object.freeze(
  Object.fromEntries(SETTING_DEFINITIONS.map((d) => [d.key, d.defaultValue])) as Record<
    SettingKey,
    number
  >,
);

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
