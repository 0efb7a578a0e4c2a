import { DEFAULT_SETTINGS } from '../settings/setting-definitions.js';
import type { Answers, InstrumentId, ScoreOptions, ScoreResult } from './instrument.js';
import { scoreInstrument } from './score-instrument.js';

/** Test helper: answers from a list in item order (ids "1".."n"). */
export function byNumber(values: readonly (number | null)[]): Record<string, number | null> {
  return Object.fromEntries(values.map((v, i) => [String(i + 1), v]));
}

export function scoreOk(
  id: InstrumentId,
  answers: Answers,
  options: ScoreOptions = {},
  settings = DEFAULT_SETTINGS,
): ScoreResult {
  const out = scoreInstrument(id, answers, options, settings);
  if (!out.ok) throw new Error(`expected a score, got ${JSON.stringify(out.errors)}`);
  return out.result;
}

export function scoreErrors(
  id: InstrumentId,
  answers: Answers,
  options: ScoreOptions = {},
): string[] {
  const out = scoreInstrument(id, answers, options, DEFAULT_SETTINGS);
  if (out.ok) throw new Error(`expected errors, got ${JSON.stringify(out.result)}`);
  return out.errors.map((e) => `${e.item}:${e.rule}`);
}
