import {
  bandFor,
  checkAnswers,
  scaleOptions,
  type Answers,
  type Flag,
  type FlagThresholds,
  type InstrumentDefinition,
  type ItemDefinition,
  type ScoreOutcome,
  type ScoreProblem,
} from './instrument.js';

// HAM-D17, Hamilton 1960, item ranges as CamCOPS (REFERENCE B.7). Total 0–52.
// Item 16 (weight loss) is rated one way only: 16a by history or 16b by
// measurement, never both. Items 18–21 of the 21-item form are not part of it.

const SPEC: readonly [string, string, number][] = [
  ['1', 'Depressed mood', 4],
  ['2', 'Feelings of guilt', 4],
  ['3', 'Suicide', 4],
  ['4', 'Early insomnia', 2],
  ['5', 'Middle insomnia', 2],
  ['6', 'Late insomnia', 2],
  ['7', 'Work and activities', 4],
  ['8', 'Retardation', 4],
  ['9', 'Agitation', 4],
  ['10', 'Psychic anxiety', 4],
  ['11', 'Somatic anxiety', 4],
  ['12', 'Gastrointestinal symptoms', 2],
  ['13', 'General somatic symptoms', 2],
  ['14', 'Genital symptoms', 2],
  ['15', 'Hypochondriasis', 4],
  ['16a', 'Weight loss, by history', 2],
  ['16b', 'Weight loss, by measurement', 2],
  ['17', 'Insight', 2],
];
const ITEMS: ItemDefinition[] = SPEC.map(([id, label, max]) => ({
  id,
  label,
  options: scaleOptions(0, max),
}));
const REQUIRED = SPEC.map(([id]) => id).filter((id) => id !== '16a' && id !== '16b');

function score(answers: Answers, _options: unknown, thresholds: FlagThresholds): ScoreOutcome {
  const errors: ScoreProblem[] = checkAnswers(ITEMS, answers, REQUIRED);
  const a = answers['16a'] ?? null;
  const b = answers['16b'] ?? null;
  if (a === null && b === null) {
    errors.push({
      item: '16a',
      rule: 'one-way-required',
      message: 'rate weight loss by history (16a) or by measurement (16b)',
    });
  } else if (a !== null && b !== null) {
    errors.push({
      item: '16b',
      rule: 'one-way-only',
      message: 'rate weight loss one way only: 16a or 16b, not both',
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  const total = ITEMS.reduce((s, i) => s + (answers[i.id] ?? 0), 0);
  const item3 = answers['3'] ?? 0;
  const flags: Flag[] =
    item3 >= thresholds.hamdItem3Min
      ? [
          {
            id: 'suicidal-ideation',
            item: '3',
            value: item3,
            rule: `HAM-D17 item 3 ≥ ${thresholds.hamdItem3Min}`,
          },
        ]
      : [];
  return {
    ok: true,
    result: {
      instrument: 'hamd-17',
      version: hamd17.version,
      total,
      severity: bandFor(hamd17.severityBands, total),
      subscales: {},
      flags,
    },
  };
}

export const hamd17: InstrumentDefinition = {
  id: 'hamd-17',
  title: 'Hamilton Depression Rating Scale, 17 items (HAM-D17)',
  version: '1',
  items: ITEMS,
  totalRange: { min: 0, max: 52 },
  severityBands: [
    { id: 'none', label: 'None', min: 0, max: 7 },
    { id: 'mild', label: 'Mild', min: 8, max: 13 },
    { id: 'moderate', label: 'Moderate', min: 14, max: 18 },
    { id: 'severe', label: 'Severe', min: 19, max: 22 },
    { id: 'very-severe', label: 'Very severe', min: 23, max: 52 },
  ],
  bandsSource: 'CamCOPS bands (REFERENCE B.7)',
  remissionSetting: 'remission.hamd17Max',
  higherIsWorse: true,
  loinc: {},
  licence: 'Public domain (NINDS CDE; REFERENCE B.7).',
  selfReport: false,
  options: [],
  score,
};
