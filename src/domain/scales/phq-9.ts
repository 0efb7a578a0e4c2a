import {
  bandFor,
  checkAnswers,
  numbered,
  scaleOptions,
  sumOf,
  valueOf,
  type Answers,
  type Flag,
  type FlagThresholds,
  type InstrumentDefinition,
  type ScoreOutcome,
} from './instrument.js';

// PHQ-9, Kroenke, Spitzer & Williams 2001 (REFERENCE B.3): 9 items 0–3, total 0–27.

const LABELS = [
  'Little interest or pleasure',
  'Feeling down or hopeless',
  'Sleep problems',
  'Tired or little energy',
  'Appetite problems',
  'Feeling bad about yourself',
  'Trouble concentrating',
  'Moving or speaking slowly, or restless',
  'Thoughts of death or self-harm',
];
const ITEMS = numbered(
  9,
  LABELS,
  scaleOptions(0, 3, {
    0: 'not at all',
    1: 'several days',
    2: 'more than half the days',
    3: 'nearly every day',
  }),
);
const IDS = ITEMS.map((i) => i.id);

function score(answers: Answers, _options: unknown, thresholds: FlagThresholds): ScoreOutcome {
  const errors = checkAnswers(ITEMS, answers, IDS);
  if (errors.length > 0) return { ok: false, errors };
  const total = sumOf(answers, IDS);
  const item9 = valueOf(answers, '9');
  const flags: Flag[] =
    item9 >= thresholds.phq9Item9Min
      ? [
          {
            id: 'suicidal-ideation',
            item: '9',
            value: item9,
            rule: `PHQ-9 item 9 ≥ ${thresholds.phq9Item9Min}`,
          },
        ]
      : [];
  return {
    ok: true,
    result: {
      instrument: 'phq-9',
      version: phq9.version,
      total,
      severity: bandFor(phq9.severityBands, total),
      subscales: {},
      flags,
    },
  };
}

export const phq9: InstrumentDefinition = {
  id: 'phq-9',
  title: 'Patient Health Questionnaire (PHQ-9)',
  version: '1',
  items: ITEMS,
  totalRange: { min: 0, max: 27 },
  severityBands: [
    { id: 'minimal', label: 'Minimal', min: 0, max: 4 },
    { id: 'mild', label: 'Mild', min: 5, max: 9 },
    { id: 'moderate', label: 'Moderate', min: 10, max: 14 },
    { id: 'moderately-severe', label: 'Moderately severe', min: 15, max: 19 },
    { id: 'severe', label: 'Severe', min: 20, max: 27 },
  ],
  bandsSource: 'Kroenke 2001; LOINC 44261-6 (REFERENCE B.3)',
  remissionSetting: 'remission.phq9Max',
  higherIsWorse: true,
  loinc: {
    panel: '44249-1',
    total: '44261-6',
    items: [
      '44250-9',
      '44255-8',
      '44259-0',
      '44254-1',
      '44251-7',
      '44258-2',
      '44252-5',
      '44253-3',
      '44260-8',
    ],
  },
  licence:
    '© Pfizer; no permission required to reproduce, translate, display or distribute (REFERENCE B.3).',
  selfReport: true,
  options: [],
  score,
};
