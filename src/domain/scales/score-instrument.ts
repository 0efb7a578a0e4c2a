import type { Settings } from '../settings/setting-definitions.js';
import type {
  Answers,
  FlagThresholds,
  InstrumentId,
  ScoreOptions,
  ScoreOutcome,
  ScoreProblem,
} from './instrument.js';
import { INSTRUMENTS } from './instruments.js';

export function flagThresholds(settings: Settings): FlagThresholds {
  return {
    qidsItem12Min: settings['si.qidsItem12Min'],
    phq9Item9Min: settings['si.phq9Item9Min'],
    madrsItem10Min: settings['si.madrsItem10Min'],
    hamdItem3Min: settings['si.hamdItem3Min'],
  };
}

/** The single entry point: raw item answers in, the instrument's own scorer out. */
export function scoreInstrument(
  id: InstrumentId,
  answers: Answers,
  options: ScoreOptions,
  settings: Settings,
): ScoreOutcome {
  return INSTRUMENTS[id].score(answers, options, flagThresholds(settings));
}

export interface PositionalOptions {
  /** HAM-D17 item 16: rated by history (16a, default) or by measurement (16b). */
  readonly hamdItem16?: 'history' | 'measurement';
}

/**
 * Turns answers given in item order (as on the command line: `2,1,,0,…`, a
 * blank meaning "not answered") into keyed answers. HAM-D17 takes 17 values,
 * the 16th going to 16a or 16b; the C-SSRS screener takes yes/no or 1/0.
 */
export function answersFromList(
  id: InstrumentId,
  values: readonly string[],
  opts: PositionalOptions = {},
): { ok: true; answers: Answers } | { ok: false; errors: ScoreProblem[] } {
  const def = INSTRUMENTS[id];
  const ids =
    id === 'hamd-17'
      ? def.items
          .map((i) => i.id)
          .filter((i) => i !== (opts.hamdItem16 === 'measurement' ? '16a' : '16b'))
      : def.items.map((i) => i.id);
  if (values.length !== ids.length) {
    return {
      ok: false,
      errors: [
        {
          item: 'answers',
          rule: 'item-count',
          message: `${def.id} takes ${ids.length} values in item order, got ${values.length}`,
        },
      ],
    };
  }
  const answers: Record<string, number | null> = {};
  const errors: ScoreProblem[] = [];
  values.forEach((raw, i) => {
    const item = ids[i] ?? String(i + 1);
    const v = raw.trim().toLowerCase();
    if (v === '') answers[item] = null;
    else if (id === 'cssrs-screener' && (v === 'yes' || v === 'y')) answers[item] = 1;
    else if (id === 'cssrs-screener' && (v === 'no' || v === 'n')) answers[item] = 0;
    else if (/^-?\d+$/.test(v)) answers[item] = Number(v);
    else errors.push({ item, rule: 'integer', message: `"${raw}" is not a whole number` });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, answers };
}
