import {
  bandFor,
  checkAnswers,
  numbered,
  scaleOptions,
  sumOf,
  type Answers,
  type InstrumentDefinition,
  type ScoreOutcome,
} from './instrument.js';

// GAD-7, Spitzer, Kroenke, Williams & Löwe, Arch Intern Med 2006;166:1092.
// 7 items 0–3, total 0–21; bands at 5, 10 and 15 from that paper. GAD-7 is not
// covered by REFERENCE.md, so its bands and LOINC codes await local sign-off.

const LABELS = [
  'Nervous, anxious or on edge',
  'Unable to stop or control worrying',
  'Worrying too much',
  'Trouble relaxing',
  'So restless it is hard to sit still',
  'Easily annoyed or irritable',
  'Afraid something awful might happen',
];
const ITEMS = numbered(
  7,
  LABELS,
  scaleOptions(0, 3, {
    0: 'not at all',
    1: 'several days',
    2: 'more than half the days',
    3: 'nearly every day',
  }),
);
const IDS = ITEMS.map((i) => i.id);

function score(answers: Answers): ScoreOutcome {
  const errors = checkAnswers(ITEMS, answers, IDS);
  if (errors.length > 0) return { ok: false, errors };
  const total = sumOf(answers, IDS);
  return {
    ok: true,
    result: {
      instrument: 'gad-7',
      version: gad7.version,
      total,
      severity: bandFor(gad7.severityBands, total),
      subscales: {},
      flags: [],
    },
  };
}

export const gad7: InstrumentDefinition = {
  id: 'gad-7',
  title: 'Generalized Anxiety Disorder scale (GAD-7)',
  version: '1',
  items: ITEMS,
  totalRange: { min: 0, max: 21 },
  severityBands: [
    { id: 'minimal', label: 'Minimal', min: 0, max: 4 },
    { id: 'mild', label: 'Mild', min: 5, max: 9 },
    { id: 'moderate', label: 'Moderate', min: 10, max: 14 },
    { id: 'severe', label: 'Severe', min: 15, max: 21 },
  ],
  bandsSource: 'Spitzer 2006 [UNVERIFIED: not in REFERENCE.md, awaiting local sign-off]',
  remissionSetting: null,
  higherIsWorse: true,
  loinc: { panel: '69737-5', total: '70274-6' },
  licence: '© Pfizer, free to use like the PHQ family [UNVERIFIED: not in REFERENCE.md].',
  selfReport: true,
  options: [],
  score,
};
