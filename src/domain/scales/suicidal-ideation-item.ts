import type { Answers, InstrumentId } from './instrument.js';

/**
 * The item of each instrument that asks about suicidal ideation (REFERENCE B.1
 * QIDS-SR16 item 12, B.3 PHQ-9 item 9, B.7 MADRS item 10, HAM-D17 item 3). Its
 * value is stored beside the total so reports can follow ideation over time
 * without reading every questionnaire's answers.
 */
export const SUICIDAL_IDEATION_ITEM: Readonly<Partial<Record<InstrumentId, string>>> = {
  'qids-sr16': '12',
  'phq-9': '9',
  madrs: '10',
  'hamd-17': '3',
};

export function suicidalIdeationValue(instrument: InstrumentId, answers: Answers): number | null {
  const item = SUICIDAL_IDEATION_ITEM[instrument];
  return item === undefined ? null : (answers[item] ?? null);
}
