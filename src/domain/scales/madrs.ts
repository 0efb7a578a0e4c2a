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

// MADRS, Montgomery & Åsberg 1979 (REFERENCE B.7): 10 items 0–6, total 0–60.

const LABELS = [
  'Apparent sadness',
  'Reported sadness',
  'Inner tension',
  'Reduced sleep',
  'Reduced appetite',
  'Concentration difficulties',
  'Lassitude',
  'Inability to feel',
  'Pessimistic thoughts',
  'Suicidal thoughts',
];
const ITEMS = numbered(10, LABELS, scaleOptions(0, 6));
const IDS = ITEMS.map((i) => i.id);

function score(answers: Answers, _options: unknown, thresholds: FlagThresholds): ScoreOutcome {
  const errors = checkAnswers(ITEMS, answers, IDS);
  if (errors.length > 0) return { ok: false, errors };
  const total = sumOf(answers, IDS);
  const item10 = valueOf(answers, '10');
  const flags: Flag[] =
    item10 >= thresholds.madrsItem10Min
      ? [
          {
            id: 'suicidal-ideation',
            item: '10',
            value: item10,
            rule: `MADRS item 10 ≥ ${thresholds.madrsItem10Min}`,
          },
        ]
      : [];
  return {
    ok: true,
    result: {
      instrument: 'madrs',
      version: madrs.version,
      total,
      severity: bandFor(madrs.severityBands, total),
      subscales: {},
      flags,
    },
  };
}

export const madrs: InstrumentDefinition = {
  id: 'madrs',
  title: 'Montgomery–Åsberg Depression Rating Scale (MADRS)',
  version: '1',
  items: ITEMS,
  totalRange: { min: 0, max: 60 },
  severityBands: [
    { id: 'normal', label: 'Normal', min: 0, max: 6 },
    { id: 'mild', label: 'Mild', min: 7, max: 19 },
    { id: 'moderate', label: 'Moderate', min: 20, max: 34 },
    { id: 'severe', label: 'Severe', min: 35, max: 60 },
  ],
  bandsSource: 'Snaith bands (REFERENCE B.7)',
  remissionSetting: 'remission.madrsMax',
  higherIsWorse: true,
  loinc: {},
  licence:
    '© Royal College of Psychiatrists; licence required for wording (REFERENCE B.7). Labels here are our own.',
  selfReport: false,
  options: [],
  score,
};
