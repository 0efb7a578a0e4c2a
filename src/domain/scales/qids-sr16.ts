import {
  bandFor,
  checkAnswers,
  numbered,
  scaleOptions,
  type Answers,
  type Flag,
  type FlagThresholds,
  type InstrumentDefinition,
  type ScoreOutcome,
  type ScoreProblem,
} from './instrument.js';

// QIDS-SR16, Rush et al., Biol Psychiatry 2003;54:573 (REFERENCE B.1).
// 16 items 0–3; the total is the sum of nine domain scores, three of which are
// the highest of a group of items (sleep 1–4, appetite/weight 6–9, psychomotor 15–16).

const LABELS = [
  'Falling asleep',
  'Sleep during the night',
  'Waking too early',
  'Sleeping too much',
  'Feeling sad',
  'Appetite decreased',
  'Appetite increased',
  'Weight decreased',
  'Weight increased',
  'Concentration and decisions',
  'View of myself',
  'Thoughts of death or suicide',
  'General interest',
  'Energy',
  'Feeling slowed down',
  'Feeling restless',
];

const ITEMS = numbered(
  16,
  LABELS,
  scaleOptions(0, 3, { 0: 'none or usual', 1: 'a little', 2: 'moderately', 3: 'severely' }),
);

/** The nine DSM criterion domains and their items (REFERENCE B.1 table). */
export const QIDS_DOMAINS: readonly { id: string; items: readonly string[] }[] = [
  { id: 'sleep', items: ['1', '2', '3', '4'] },
  { id: 'sad-mood', items: ['5'] },
  { id: 'appetite-weight', items: ['6', '7', '8', '9'] },
  { id: 'concentration', items: ['10'] },
  { id: 'self-view', items: ['11'] },
  { id: 'suicidal-ideation', items: ['12'] },
  { id: 'interest', items: ['13'] },
  { id: 'energy', items: ['14'] },
  { id: 'psychomotor', items: ['15', '16'] },
];

/**
 * Every item is required except the appetite and weight pairs: the form asks
 * for one of items 6/7 (appetite down or up) and one of 8/9 (weight down or
 * up), so a blank partner is a valid answer, but each pair needs one answer.
 * A missing item is never counted as zero and nothing is prorated
 * (REFERENCE B.1, missing-item rules; docs/adr/0007-instrument-scoring.md).
 */
const ALWAYS_REQUIRED = ['1', '2', '3', '4', '5', '10', '11', '12', '13', '14', '15', '16'];
const PAIRS: readonly [string, string, string][] = [
  ['6', '7', 'appetite (item 6 or 7)'],
  ['8', '9', 'weight (item 8 or 9)'],
];

function score(answers: Answers, _options: unknown, thresholds: FlagThresholds): ScoreOutcome {
  const errors: ScoreProblem[] = checkAnswers(ITEMS, answers, ALWAYS_REQUIRED);
  for (const [a, b, what] of PAIRS) {
    if ((answers[a] ?? null) === null && (answers[b] ?? null) === null) {
      errors.push({ item: a, rule: 'pair-required', message: `answer one of the ${what} pair` });
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const subscales: Record<string, number> = {};
  for (const d of QIDS_DOMAINS) {
    subscales[d.id] = Math.max(...d.items.map((i) => answers[i] ?? -1));
  }
  const total = Object.values(subscales).reduce((s, v) => s + v, 0);
  const item12 = answers['12'] ?? 0;
  const flags: Flag[] =
    item12 >= thresholds.qidsItem12Min
      ? [
          {
            id: 'suicidal-ideation',
            item: '12',
            value: item12,
            rule: `QIDS-SR16 item 12 ≥ ${thresholds.qidsItem12Min}`,
          },
        ]
      : [];
  return {
    ok: true,
    result: {
      instrument: 'qids-sr16',
      version: qidsSr16.version,
      total,
      severity: bandFor(qidsSr16.severityBands, total),
      subscales,
      flags,
    },
  };
}

export const qidsSr16: InstrumentDefinition = {
  id: 'qids-sr16',
  title: 'Quick Inventory of Depressive Symptomatology, self-report (QIDS-SR16)',
  version: '1',
  items: ITEMS,
  totalRange: { min: 0, max: 27 },
  severityBands: [
    { id: 'none', label: 'None', min: 0, max: 5 },
    { id: 'mild', label: 'Mild', min: 6, max: 10 },
    { id: 'moderate', label: 'Moderate', min: 11, max: 15 },
    { id: 'severe', label: 'Severe', min: 16, max: 20 },
    { id: 'very-severe', label: 'Very severe', min: 21, max: 27 },
  ],
  bandsSource: 'Rush 2003; ids-qids.org interpretation (REFERENCE A.4, B.1)',
  remissionSetting: 'remission.qidsSr16Max',
  higherIsWorse: true,
  loinc: {},
  licence:
    'UT Southwestern (Rush, Trivedi); free for clinicians and researchers. Item wording is not shipped: load licensed wording as data after written permission (REFERENCE B.1).',
  selfReport: true,
  options: [],
  score,
};
