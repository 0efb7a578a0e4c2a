import {
  checkAnswers,
  numbered,
  scaleOptions,
  type Answers,
  type InstrumentDefinition,
  type ScoreOutcome,
} from './instrument.js';

// BPRS 18-item (Overall & Gorham; item order as CamCOPS, REFERENCE B.4).
// Items are rated 1 (not present) to 7 (extremely severe); 0 means "not rated"
// and is left out of every sum. Every item must be given, even if only as 0,
// so an omission is a decision, not an accident.

const LABELS = [
  'Somatic concern',
  'Anxiety',
  'Emotional withdrawal',
  'Conceptual disorganisation',
  'Guilt',
  'Tension',
  'Mannerisms and posturing',
  'Grandiosity',
  'Depressive mood',
  'Hostility',
  'Suspiciousness',
  'Hallucinatory behaviour',
  'Motor retardation',
  'Uncooperativeness',
  'Unusual thought content',
  'Blunted affect',
  'Excitement',
  'Disorientation',
];
const ITEMS = numbered(
  18,
  LABELS,
  scaleOptions(0, 7, { 0: 'not rated', 1: 'not present', 7: 'extremely severe' }),
);
const IDS = ITEMS.map((i) => i.id);

/** BPRS+ positive-symptom subscale used in ketamine trials: items 4, 11, 12, 15 (REFERENCE A.3, B.4). */
export const BPRS_POSITIVE_ITEMS = ['4', '11', '12', '15'] as const;

const ratedSum = (answers: Answers, ids: readonly string[]) =>
  ids.reduce((s, id) => s + (answers[id] ?? 0), 0);
const ratedCount = (answers: Answers, ids: readonly string[]) =>
  ids.filter((id) => (answers[id] ?? 0) > 0).length;

function score(answers: Answers): ScoreOutcome {
  const errors = checkAnswers(ITEMS, answers, IDS);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    result: {
      instrument: 'bprs',
      version: bprs.version,
      total: ratedSum(answers, IDS),
      severity: null,
      subscales: {
        positive: ratedSum(answers, BPRS_POSITIVE_ITEMS),
        'rated-items': ratedCount(answers, IDS),
        'positive-rated-items': ratedCount(answers, BPRS_POSITIVE_ITEMS),
      },
      flags: [],
    },
  };
}

export const bprs: InstrumentDefinition = {
  id: 'bprs',
  title: 'Brief Psychiatric Rating Scale (BPRS, 18 items, 1–7)',
  version: '1',
  items: ITEMS,
  totalRange: { min: 0, max: 126 },
  severityBands: [],
  bandsSource: 'No severity bands; BPRS+ reported as a subscale (REFERENCE B.4)',
  remissionSetting: null,
  higherIsWorse: true,
  loinc: {},
  licence: 'Public domain (US VA/NIMH-funded work; REFERENCE B.4).',
  selfReport: false,
  options: [],
  score,
};
