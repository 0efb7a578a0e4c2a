import {
  checkAnswers,
  type Answers,
  type CssrsRiskLevel,
  type Flag,
  type InstrumentDefinition,
  type ItemDefinition,
  type ScoreOutcome,
  type ScoreProblem,
} from './instrument.js';

// C-SSRS screener, Posner 2011 (REFERENCE B.6): clinician-entered yes/no
// answers, no total. Skip rule: ask 1 and 2; only if 2 is yes ask 3, 4 and 5;
// always ask 6, and 6b only if 6 is yes. Electronic administration of the
// wording is licensed (Clario), so labels here are our own summaries.

const YES_NO = [
  { value: 0, label: 'No' },
  { value: 1, label: 'Yes' },
];
const ITEMS: ItemDefinition[] = [
  { id: '1', label: 'Wish to be dead', options: YES_NO },
  { id: '2', label: 'Non-specific active suicidal thoughts', options: YES_NO },
  { id: '3', label: 'Active ideation with a method, no intent or plan', options: YES_NO },
  { id: '4', label: 'Active ideation with some intent, no specific plan', options: YES_NO },
  { id: '5', label: 'Active ideation with a specific plan and intent', options: YES_NO },
  { id: '6', label: 'Any suicidal behaviour, lifetime', options: YES_NO },
  { id: '6b', label: 'Suicidal behaviour in the past 3 months', options: YES_NO },
];
const IDEATION = ['1', '2', '3', '4', '5'];

function score(answers: Answers): ScoreOutcome {
  const errors: ScoreProblem[] = checkAnswers(ITEMS, answers, ['1', '2', '6']);
  const given = (id: string) => (answers[id] ?? null) !== null;
  const yes = (id: string) => answers[id] === 1;
  if (given('2')) {
    for (const id of ['3', '4', '5']) {
      if (yes('2') && !given(id))
        errors.push({
          item: id,
          rule: 'skip-rule',
          message: 'must be asked because item 2 is yes',
        });
      if (!yes('2') && given(id))
        errors.push({
          item: id,
          rule: 'skip-rule',
          message: 'is skipped when item 2 is no; leave it blank',
        });
    }
  }
  if (given('6')) {
    if (yes('6') && !given('6b'))
      errors.push({
        item: '6b',
        rule: 'skip-rule',
        message: 'must be asked because item 6 is yes',
      });
    if (!yes('6') && given('6b'))
      errors.push({
        item: '6b',
        rule: 'skip-rule',
        message: 'is skipped when item 6 is no; leave it blank',
      });
  }
  if (errors.length > 0) return { ok: false, errors };

  // Columbia triage (REFERENCE B.6): high = yes to 4 or 5, or behaviour in the
  // past 3 months; moderate = yes to 3, or behaviour longer ago; low = yes to 1 or 2 only.
  const riskLevel: CssrsRiskLevel =
    yes('4') || yes('5') || yes('6b')
      ? 'high'
      : yes('3') || yes('6')
        ? 'moderate'
        : yes('1') || yes('2')
          ? 'low'
          : 'none';
  const ideation = IDEATION.filter(yes);
  const flags: Flag[] =
    ideation.length > 0
      ? [
          {
            id: 'suicidal-ideation',
            item: ideation[ideation.length - 1] ?? '1',
            value: 1,
            rule: 'C-SSRS ideation answer yes',
          },
        ]
      : [];
  return {
    ok: true,
    result: {
      instrument: 'cssrs-screener',
      version: cssrsScreener.version,
      total: null,
      severity: null,
      subscales: {},
      flags,
      riskLevel,
    },
  };
}

export const cssrsScreener: InstrumentDefinition = {
  id: 'cssrs-screener',
  title: 'Columbia Suicide Severity Rating Scale, screener (clinician-entered)',
  version: '1',
  items: ITEMS,
  totalRange: null,
  severityBands: [],
  bandsSource: 'Risk level by Columbia triage guidance (REFERENCE B.6); no total',
  remissionSetting: null,
  higherIsWorse: true,
  loinc: {
    panel: '93373-9',
    items: ['93246-7', '93247-5', '93248-3', '93249-1', '93250-9', '93267-3', '93269-9'],
  },
  licence:
    '© Research Foundation for Mental Hygiene; electronic use of the wording is licensed exclusively to Clario. ketatrack records a clinician-entered result with its own labels (REFERENCE B.6).',
  selfReport: false,
  options: [],
  score,
};
