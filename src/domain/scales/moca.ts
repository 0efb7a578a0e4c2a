import {
  bandFor,
  checkAnswers,
  scaleOptions,
  sumOf,
  type Answers,
  type InstrumentDefinition,
  type ItemDefinition,
  type ScoreOptions,
  type ScoreOutcome,
  type ScoreProblem,
} from './instrument.js';

// MoCA, Nasreddine et al., JAGS 2005; MoCA 8.1 scoring instructions (REFERENCE B.2).
// ketatrack stores the seven domain scores, never the test stimuli or wording.

const DOMAINS: readonly [string, string, number][] = [
  ['visuospatial-executive', 'Visuospatial / executive', 5],
  ['naming', 'Naming', 3],
  ['attention', 'Attention', 6],
  ['language', 'Language', 3],
  ['abstraction', 'Abstraction', 2],
  ['delayed-recall', 'Delayed recall', 5],
  ['orientation', 'Orientation', 6],
];

const ITEMS: ItemDefinition[] = DOMAINS.map(([id, label, max]) => ({
  id,
  label,
  options: scaleOptions(0, max),
}));
const IDS = ITEMS.map((i) => i.id);

/** Alternate English forms for re-testing (REFERENCE B.2). */
export const MOCA_FORMS = ['8.1', '8.2', '8.3'] as const;

/** +1 point at 12 or fewer years of formal education, total capped at 30 (REFERENCE B.2). */
export const MOCA_EDUCATION_BONUS_MAX_YEARS = 12;
export const MOCA_MAX = 30;

function score(answers: Answers, options: ScoreOptions): ScoreOutcome {
  const errors: ScoreProblem[] = checkAnswers(ITEMS, answers, IDS);
  const years = options.educationYears;
  if (years === undefined) {
    errors.push({
      item: 'educationYears',
      rule: 'required',
      message: 'years of formal education are needed for the education point',
    });
  } else if (!Number.isInteger(years) || years < 0 || years > 30) {
    errors.push({
      item: 'educationYears',
      rule: 'range',
      message: 'must be a whole number of years from 0 to 30',
    });
  }
  if (
    options.formVersion !== undefined &&
    !(MOCA_FORMS as readonly string[]).includes(options.formVersion)
  ) {
    errors.push({
      item: 'formVersion',
      rule: 'one-of',
      message: `must be one of ${MOCA_FORMS.join(', ')}`,
    });
  }
  if (errors.length > 0 || years === undefined) return { ok: false, errors };
  const raw = sumOf(answers, IDS);
  const bonus = years <= MOCA_EDUCATION_BONUS_MAX_YEARS ? 1 : 0;
  const total = Math.min(MOCA_MAX, raw + bonus);
  const subscales: Record<string, number> = Object.fromEntries(
    IDS.map((id) => [id, answers[id] ?? 0]),
  );
  subscales['education-point'] = total - raw;
  return {
    ok: true,
    result: {
      instrument: 'moca',
      version: moca.version,
      total,
      severity: bandFor(moca.severityBands, total),
      subscales,
      flags: [],
    },
  };
}

export const moca: InstrumentDefinition = {
  id: 'moca',
  title: 'Montreal Cognitive Assessment (MoCA), domain scores',
  version: '1',
  items: ITEMS,
  totalRange: { min: 0, max: 30 },
  severityBands: [
    { id: 'impaired', label: 'Below normal', min: 0, max: 25 },
    { id: 'normal', label: 'Normal', min: 26, max: 30 },
  ],
  bandsSource: 'Nasreddine 2005: ≥ 26 normal (REFERENCE A.4, B.2)',
  remissionSetting: null,
  higherIsWorse: false,
  loinc: { panel: '72133-2', total: '72172-0' },
  licence:
    '© Ziad Nasreddine / MoCA Test Inc.; administration needs certified raters; ketatrack stores domain scores, form version and education only (REFERENCE B.2).',
  selfReport: false,
  options: ['educationYears', 'formVersion'],
  score,
};
