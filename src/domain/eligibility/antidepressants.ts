/**
 * Antidepressants ketatrack knows, their class (for Thase–Rush staging) and the
 * default minimum adequate daily dose. REFERENCE B.8: the MGH-ATRQ dose table was
 * not retrieved, so these are placeholders (usual starting therapeutic doses),
 * each an editable setting marked as awaiting local sign-off.
 */
export const DRUG_CLASSES = ['SSRI', 'SNRI', 'TCA', 'MAOI', 'NDRI', 'NaSSA', 'other'] as const;
export type DrugClass = (typeof DRUG_CLASSES)[number];

export interface Antidepressant {
  readonly id: string;
  readonly name: string;
  readonly drugClass: DrugClass;
  readonly defaultMinDoseMg: number;
  readonly source: string;
}

const B8 = 'REFERENCE B.8 placeholder (usual starting therapeutic dose, not the ATRQ table)';
const NOT_IN_REF = 'ketatrack placeholder, not in REFERENCE.md: needs local sign-off';

export const ANTIDEPRESSANTS: readonly Antidepressant[] = [
  {
    id: 'citalopram',
    name: 'Citalopram',
    drugClass: 'SSRI',
    defaultMinDoseMg: 20,
    source: `${B8}; 20 mg/d counted adequate in the worked case`,
  },
  { id: 'escitalopram', name: 'Escitalopram', drugClass: 'SSRI', defaultMinDoseMg: 10, source: B8 },
  { id: 'fluoxetine', name: 'Fluoxetine', drugClass: 'SSRI', defaultMinDoseMg: 20, source: B8 },
  { id: 'paroxetine', name: 'Paroxetine', drugClass: 'SSRI', defaultMinDoseMg: 20, source: B8 },
  { id: 'sertraline', name: 'Sertraline', drugClass: 'SSRI', defaultMinDoseMg: 50, source: B8 },
  { id: 'fluvoxamine', name: 'Fluvoxamine', drugClass: 'SSRI', defaultMinDoseMg: 50, source: B8 },
  { id: 'duloxetine', name: 'Duloxetine', drugClass: 'SNRI', defaultMinDoseMg: 60, source: B8 },
  {
    id: 'desvenlafaxine',
    name: 'Desvenlafaxine',
    drugClass: 'SNRI',
    defaultMinDoseMg: 50,
    source: B8,
  },
  {
    id: 'venlafaxine',
    name: 'Venlafaxine',
    drugClass: 'SNRI',
    defaultMinDoseMg: 150,
    source:
      'REFERENCE B.8: must exceed 75 mg/d (75 ruled too low); 150 is the next usual step, a ketatrack default',
  },
  { id: 'mirtazapine', name: 'Mirtazapine', drugClass: 'NaSSA', defaultMinDoseMg: 15, source: B8 },
  { id: 'bupropion', name: 'Bupropion', drugClass: 'NDRI', defaultMinDoseMg: 300, source: B8 },
  {
    id: 'amitriptyline',
    name: 'Amitriptyline',
    drugClass: 'TCA',
    defaultMinDoseMg: 150,
    source: NOT_IN_REF,
  },
  {
    id: 'nortriptyline',
    name: 'Nortriptyline',
    drugClass: 'TCA',
    defaultMinDoseMg: 75,
    source: NOT_IN_REF,
  },
  {
    id: 'imipramine',
    name: 'Imipramine',
    drugClass: 'TCA',
    defaultMinDoseMg: 150,
    source: NOT_IN_REF,
  },
  {
    id: 'clomipramine',
    name: 'Clomipramine',
    drugClass: 'TCA',
    defaultMinDoseMg: 150,
    source: NOT_IN_REF,
  },
  {
    id: 'phenelzine',
    name: 'Phenelzine',
    drugClass: 'MAOI',
    defaultMinDoseMg: 45,
    source: NOT_IN_REF,
  },
  {
    id: 'tranylcypromine',
    name: 'Tranylcypromine',
    drugClass: 'MAOI',
    defaultMinDoseMg: 30,
    source: NOT_IN_REF,
  },
  {
    id: 'vortioxetine',
    name: 'Vortioxetine',
    drugClass: 'other',
    defaultMinDoseMg: 10,
    source: NOT_IN_REF,
  },
];

export function findAntidepressant(id: string): Antidepressant | undefined {
  return ANTIDEPRESSANTS.find((d) => d.id === id);
}

export const minDoseSettingKey = (drugId: string): string => `trd.minDoseMg.${drugId}`;
