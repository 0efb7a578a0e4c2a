import {
  checkAnswers,
  valueOf,
  type Answers,
  type InstrumentDefinition,
  type ScoreOutcome,
} from './instrument.js';

// MOAA/S, one rating 0–5 (REFERENCE A.3); 5 = responds readily to name,
// 0 = no response. Any fall from the pre-dose score counts as sedation (label).

const ITEMS = [
  {
    id: '1',
    label: 'Responsiveness',
    options: [
      { value: 5, label: '5 – responds readily to name' },
      { value: 4, label: '4 – lethargic response to name' },
      { value: 3, label: '3 – responds only to loud or repeated name' },
      { value: 2, label: '2 – responds only to prodding or shaking' },
      { value: 1, label: '1 – responds only to a painful squeeze' },
      { value: 0, label: '0 – no response' },
    ],
  },
];

function score(answers: Answers): ScoreOutcome {
  const errors = checkAnswers(ITEMS, answers, ['1']);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    result: {
      instrument: 'moaas',
      version: moaas.version,
      total: valueOf(answers, '1'),
      severity: null,
      subscales: {},
      flags: [],
    },
  };
}

export const moaas: InstrumentDefinition = {
  id: 'moaas',
  title: "Modified Observer's Assessment of Alertness/Sedation (MOAA/S)",
  version: '1',
  items: ITEMS,
  totalRange: { min: 0, max: 5 },
  severityBands: [],
  bandsSource: 'Read against the pre-dose score (REFERENCE A.3)',
  remissionSetting: null,
  higherIsWorse: false,
  loinc: {},
  licence: 'Anchors paraphrased in our own words (REFERENCE A.3).',
  selfReport: false,
  options: [],
  score,
};
