/**
 * The shape every rating instrument shares. Items carry short labels of our
 * own; licensed wording can be loaded by a clinic as data and is never shipped.
 */

/** An item's value: its score, or null when not answered. */
export type ItemValue = number | null;
export type Answers = Readonly<Record<string, ItemValue>>;

export interface AnswerOption {
  readonly value: number;
  readonly label: string;
}

export interface ItemDefinition {
  readonly id: string;
  readonly label: string;
  readonly options: readonly AnswerOption[];
}

export interface SeverityBand {
  readonly id: string;
  readonly label: string;
  readonly min: number;
  readonly max: number;
}

export interface ScoreProblem {
  /** Item id, or the option name (`educationYears`), or `answers`. */
  readonly item: string;
  readonly rule: string;
  readonly message: string;
}

export interface Flag {
  readonly id: 'suicidal-ideation';
  readonly item: string;
  readonly value: number;
  readonly rule: string;
}

export type CssrsRiskLevel = 'none' | 'low' | 'moderate' | 'high';

export interface ScoreResult {
  readonly instrument: InstrumentId;
  readonly version: string;
  readonly total: number | null;
  readonly severity: string | null;
  readonly subscales: Readonly<Record<string, number>>;
  readonly flags: readonly Flag[];
  readonly riskLevel?: CssrsRiskLevel;
}

export type ScoreOutcome =
  | { readonly ok: true; readonly result: ScoreResult }
  | { readonly ok: false; readonly errors: readonly ScoreProblem[] };

/** Instrument options that are not item answers. */
export interface ScoreOptions {
  /** MoCA: years of formal education (adds 1 point at ≤ 12). */
  readonly educationYears?: number | undefined;
  /** MoCA: which alternate form was used. */
  readonly formVersion?: string | undefined;
}

/** Item thresholds that raise a suicidal-ideation flag (settings, REFERENCE D1). */
export interface FlagThresholds {
  readonly qidsItem12Min: number;
  readonly phq9Item9Min: number;
  readonly madrsItem10Min: number;
  readonly hamdItem3Min: number;
}

export const INSTRUMENT_IDS = [
  'qids-sr16',
  'phq-9',
  'gad-7',
  'moca',
  'bprs',
  'cadss',
  'moaas',
  'hamd-17',
  'madrs',
  'cssrs-screener',
] as const;
export type InstrumentId = (typeof INSTRUMENT_IDS)[number];

export interface InstrumentDefinition {
  readonly id: InstrumentId;
  readonly title: string;
  /** Scorer version: bumped whenever a scoring rule changes, stored with every score. */
  readonly version: string;
  readonly items: readonly ItemDefinition[];
  readonly totalRange: { readonly min: number; readonly max: number } | null;
  readonly severityBands: readonly SeverityBand[];
  readonly bandsSource: string;
  /** Setting key holding the remission threshold (total at or below), if the instrument has one. */
  readonly remissionSetting: string | null;
  /** Lower scores are better for every instrument here except MoCA and MOAA/S. */
  readonly higherIsWorse: boolean;
  readonly loinc: {
    readonly panel?: string;
    readonly total?: string;
    readonly items?: readonly string[];
  };
  readonly licence: string;
  /** A patient may complete it through a self-report link. */
  readonly selfReport: boolean;
  /** Options the scorer needs besides answers. */
  readonly options: readonly ('educationYears' | 'formVersion')[];
  readonly score: (
    answers: Answers,
    options: ScoreOptions,
    thresholds: FlagThresholds,
  ) => ScoreOutcome;
}

export function isInstrumentId(value: string): value is InstrumentId {
  return (INSTRUMENT_IDS as readonly string[]).includes(value);
}

/** `0..max` options labelled with our own short anchors. */
export function scaleOptions(
  min: number,
  max: number,
  anchors: Readonly<Record<number, string>> = {},
): AnswerOption[] {
  const out: AnswerOption[] = [];
  for (let v = min; v <= max; v++)
    out.push({ value: v, label: anchors[v] ? `${v} – ${anchors[v]}` : String(v) });
  return out;
}

/**
 * Shared checks: no unknown items, every given value is one of the item's
 * options, every `required` item is answered. Returns all problems at once.
 */
export function checkAnswers(
  items: readonly ItemDefinition[],
  answers: Answers,
  required: readonly string[],
): ScoreProblem[] {
  const problems: ScoreProblem[] = [];
  const known = new Set(items.map((i) => i.id));
  for (const key of Object.keys(answers)) {
    if (!known.has(key))
      problems.push({
        item: key,
        rule: 'unknown-item',
        message: `is not an item of this instrument`,
      });
  }
  for (const item of items) {
    const v = answers[item.id];
    if (v === undefined || v === null) {
      if (required.includes(item.id))
        problems.push({
          item: item.id,
          rule: 'required',
          message: `${item.label}: needs an answer`,
        });
      continue;
    }
    if (!item.options.some((o) => o.value === v)) {
      const values = item.options.map((o) => o.value);
      problems.push({
        item: item.id,
        rule: 'range',
        message: `${item.label}: ${String(v)} is not allowed (${Math.min(...values)}–${Math.max(...values)})`,
      });
    }
  }
  return problems;
}

export function bandFor(bands: readonly SeverityBand[], total: number): string | null {
  return bands.find((b) => total >= b.min && total <= b.max)?.id ?? null;
}

/** Reads an answer that `checkAnswers` has already validated as present. */
export function valueOf(answers: Answers, id: string): number {
  const v = answers[id];
  if (v === undefined || v === null) throw new Error(`item ${id} missing after validation`);
  return v;
}

export function sumOf(answers: Answers, ids: readonly string[]): number {
  return ids.reduce((s, id) => s + valueOf(answers, id), 0);
}

export function numbered(
  count: number,
  labels: readonly string[],
  options: readonly AnswerOption[],
): ItemDefinition[] {
  return Array.from({ length: count }, (_, i) => ({
    id: String(i + 1),
    label: labels[i] ?? `Item ${i + 1}`,
    options,
  }));
}
