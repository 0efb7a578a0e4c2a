import {
  checkAnswers,
  numbered,
  scaleOptions,
  sumOf,
  type Answers,
  type InstrumentDefinition,
  type ScoreOutcome,
} from './instrument.js';

// CADSS, 23-item version used in ketamine trials, items 0–4, total 0–92
// (Bremner 1998; Bremner 2024, REFERENCE A.3, B.5). Items 1–19 are subject-rated,
// 20–23 observer-rated; item labels are generic because the wording is author-held.

const ITEMS = numbered(
  23,
  Array.from({ length: 23 }, (_, i) =>
    i < 19 ? `Subject item ${i + 1}` : `Observer item ${i + 1}`,
  ),
  scaleOptions(0, 4, { 0: 'not at all', 4: 'extreme' }),
);
const IDS = ITEMS.map((i) => i.id);

/** CADSS-6 short form: items 1, 2, 6, 7, 15, 22 (Rodrigues 2021, REFERENCE B.5). */
export const CADSS6_ITEMS = ['1', '2', '6', '7', '15', '22'] as const;

function score(answers: Answers): ScoreOutcome {
  const errors = checkAnswers(ITEMS, answers, IDS);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    result: {
      instrument: 'cadss',
      version: cadss.version,
      total: sumOf(answers, IDS),
      severity: null,
      subscales: { 'cadss-6': sumOf(answers, CADSS6_ITEMS) },
      flags: [],
    },
  };
}

export const cadss: InstrumentDefinition = {
  id: 'cadss',
  title: 'Clinician-Administered Dissociative States Scale (CADSS, 23 items)',
  version: '1',
  items: ITEMS,
  totalRange: { min: 0, max: 92 },
  severityBands: [],
  bandsSource: 'No validated bands; read as change from the pre-dose score (REFERENCE B.5)',
  remissionSetting: null,
  higherIsWorse: true,
  loinc: {},
  licence:
    'Author-held (Bremner, Emory) [UNVERIFIED terms]; item wording not shipped (REFERENCE B.5).',
  selfReport: false,
  options: [],
  score,
};
