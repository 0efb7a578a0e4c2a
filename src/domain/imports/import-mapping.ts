import { INSTRUMENT_IDS, isInstrumentId, type InstrumentId } from '../scales/instrument.js';
import { unsafeCharacterProblem } from '../text/unsafe-characters.js';

/**
 * How the columns of a legacy or trial table map to ketatrack's imported
 * scores (issue 6; documented in docs/import-mapping.md). Read from JSON, so
 * every field is checked here and all problems are reported together.
 */
export interface TimePointValue {
  /** The time point's name in reports, e.g. "baseline", "day 2". */
  readonly label: string;
  /** Days from the start of the study period, for ordering and charts. */
  readonly day: number | null;
  /** The arm or condition this time point belongs to, when the file encodes it here. */
  readonly arm: string | null;
  /** The time point every change is measured from (one per mapping, shared by all arms). */
  readonly baseline: boolean;
}

export const DATE_FORMATS = ['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export interface ImportMapping {
  readonly study: string;
  readonly subject: { readonly column: string; readonly linkPatientsBy: 'mrn' | null };
  readonly date: { readonly column: string; readonly format: DateFormat } | null;
  readonly timePoint: {
    readonly column: string;
    readonly values: Readonly<Record<string, TimePointValue>>;
  } | null;
  readonly arm: {
    readonly column: string;
    readonly values: Readonly<Record<string, string>> | null;
  } | null;
  readonly scores: readonly { readonly column: string; readonly instrument: InstrumentId }[];
  /** Attribute name → column, stored once per subject (group, site, arm order…). */
  readonly attributes: Readonly<Record<string, string>>;
  /** Cell values that mean "no value"; such cells are skipped and counted. */
  readonly missing: readonly string[];
}

export interface MappingProblem {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

export const DEFAULT_MISSING = ['', 'NA', 'N/A', 'n/a', 'na', '.'];
const STUDY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/;
const LABEL_MAX = 60;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type Result = { ok: true; mapping: ImportMapping } | { ok: false; problems: MappingProblem[] };

/** Checks a parsed mapping file; unknown keys are refused so a typo never passes silently. */
export function readMapping(value: unknown): Result {
  const problems: MappingProblem[] = [];
  const fail = (field: string, rule: string, message: string) =>
    problems.push({ field: `mapping.${field}`, rule, message });
  // Labels and arm names are stored and shown in reports: no control, line-separator or
  // bidirectional formatting characters (hostile test).
  const safeText = (field: string, text: string) => {
    const problem = unsafeCharacterProblem(field, text);
    if (problem) fail(field, problem.rule, problem.message);
  };
  if (!isObject(value)) {
    return {
      ok: false,
      problems: [{ field: 'mapping', rule: 'type', message: 'must be a JSON object' }],
    };
  }
  const known = [
    'study',
    'subject',
    'date',
    'timePoint',
    'arm',
    'scores',
    'attributes',
    'missing',
    '$comment',
  ];
  for (const key of Object.keys(value))
    if (!known.includes(key))
      fail(key, 'unknown', `is not a mapping field (known: ${known.join(', ')})`);

  const column = (v: unknown, field: string): string => {
    if (typeof v !== 'string' || v.trim() === '') {
      fail(field, 'required', 'must name a column of the file');
      return '';
    }
    return v;
  };
  const onlyKeys = (o: Record<string, unknown>, field: string, keys: string[]) => {
    for (const key of Object.keys(o))
      if (!keys.includes(key))
        fail(`${field}.${key}`, 'unknown', `is not allowed here (allowed: ${keys.join(', ')})`);
  };

  const study = typeof value.study === 'string' ? value.study : '';
  if (!STUDY_PATTERN.test(study))
    fail(
      'study',
      'pattern',
      'must be 1–60 letters, digits, dots, dashes or underscores, starting with a letter or digit',
    );

  let subject: ImportMapping['subject'] = { column: '', linkPatientsBy: null };
  if (!isObject(value.subject))
    fail('subject', 'required', 'must be an object naming the subject column');
  else {
    onlyKeys(value.subject, 'subject', ['column', 'linkPatientsBy']);
    const link = value.subject.linkPatientsBy;
    if (link !== undefined && link !== 'mrn')
      fail('subject.linkPatientsBy', 'enum', 'must be "mrn" when given');
    subject = {
      column: column(value.subject.column, 'subject.column'),
      linkPatientsBy: link === 'mrn' ? 'mrn' : null,
    };
  }

  let date: ImportMapping['date'] = null;
  if (value.date !== undefined) {
    if (!isObject(value.date)) fail('date', 'type', 'must be an object');
    else {
      onlyKeys(value.date, 'date', ['column', 'format']);
      const format = value.date.format ?? 'YYYY-MM-DD';
      if (!(DATE_FORMATS as readonly unknown[]).includes(format))
        fail('date.format', 'enum', `must be one of ${DATE_FORMATS.join(', ')}`);
      date = { column: column(value.date.column, 'date.column'), format: format as DateFormat };
    }
  }

  let timePoint: ImportMapping['timePoint'] = null;
  if (value.timePoint !== undefined) {
    if (!isObject(value.timePoint) || !isObject(value.timePoint.values))
      fail('timePoint', 'type', 'must be an object with a column and a values object');
    else {
      onlyKeys(value.timePoint, 'timePoint', ['column', 'values']);
      const values: Record<string, TimePointValue> = {};
      let baselines = 0;
      for (const [raw, spec] of Object.entries(value.timePoint.values)) {
        const field = `timePoint.values.${raw}`;
        if (!isObject(spec)) {
          fail(field, 'type', 'must be an object with at least a label');
          continue;
        }
        onlyKeys(spec, field, ['label', 'day', 'arm', 'baseline']);
        const label = typeof spec.label === 'string' ? spec.label.trim() : '';
        if (label === '' || label.length > LABEL_MAX)
          fail(`${field}.label`, 'required', `must be 1–${LABEL_MAX} characters`);
        safeText(`${field}.label`, label);
        if (spec.day !== undefined && !Number.isInteger(spec.day))
          fail(`${field}.day`, 'integer', 'must be a whole number of days');
        if (spec.arm !== undefined && (typeof spec.arm !== 'string' || spec.arm.trim() === ''))
          fail(`${field}.arm`, 'type', 'must be a non-empty text');
        if (typeof spec.arm === 'string') safeText(`${field}.arm`, spec.arm);
        if (spec.baseline !== undefined && typeof spec.baseline !== 'boolean')
          fail(`${field}.baseline`, 'type', 'must be true or false');
        if (spec.baseline === true) baselines += 1;
        values[raw] = {
          label,
          day: Number.isInteger(spec.day) ? (spec.day as number) : null,
          arm: typeof spec.arm === 'string' ? spec.arm.trim() : null,
          baseline: spec.baseline === true,
        };
      }
      if (Object.keys(values).length === 0)
        fail('timePoint.values', 'required', 'must list at least one value');
      if (baselines > 1)
        fail('timePoint.values', 'one-baseline', 'at most one time point may be the baseline');
      for (const v of Object.values(values))
        if (v.baseline && v.arm !== null)
          fail(
            'timePoint.values',
            'baseline-arm',
            'the baseline is shared by every arm, so it takes no arm',
          );
      timePoint = { column: column(value.timePoint.column, 'timePoint.column'), values };
    }
  }

  let arm: ImportMapping['arm'] = null;
  if (value.arm !== undefined) {
    if (!isObject(value.arm)) fail('arm', 'type', 'must be an object');
    else {
      onlyKeys(value.arm, 'arm', ['column', 'values']);
      let values: Record<string, string> | null = null;
      if (value.arm.values !== undefined) {
        if (!isObject(value.arm.values))
          fail('arm.values', 'type', 'must map file values to arm names');
        else {
          values = {};
          for (const [raw, name] of Object.entries(value.arm.values)) {
            if (typeof name !== 'string' || name.trim() === '')
              fail(`arm.values.${raw}`, 'type', 'must be a non-empty arm name');
            else {
              safeText(`arm.values.${raw}`, name);
              values[raw] = name.trim();
            }
          }
        }
      }
      arm = { column: column(value.arm.column, 'arm.column'), values };
    }
  }

  const scores: { column: string; instrument: InstrumentId }[] = [];
  if (value.scores !== undefined) {
    if (!Array.isArray(value.scores))
      fail('scores', 'type', 'must be a list of {column, instrument}');
    else
      value.scores.forEach((s: unknown, i) => {
        if (!isObject(s)) {
          fail(`scores.${i}`, 'type', 'must be an object with column and instrument');
          return;
        }
        onlyKeys(s, `scores.${i}`, ['column', 'instrument']);
        const instrument = typeof s.instrument === 'string' ? s.instrument : '';
        if (!isInstrumentId(instrument))
          fail(`scores.${i}.instrument`, 'enum', `must be one of ${INSTRUMENT_IDS.join(', ')}`);
        else scores.push({ column: column(s.column, `scores.${i}.column`), instrument });
      });
  }

  const attributes: Record<string, string> = {};
  if (value.attributes !== undefined) {
    if (!isObject(value.attributes))
      fail('attributes', 'type', 'must map attribute names to columns');
    else
      for (const [name, col] of Object.entries(value.attributes)) {
        if (!/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(name))
          fail(
            `attributes.${name}`,
            'pattern',
            'attribute names are 1–40 letters, digits or underscores',
          );
        attributes[name] = column(col, `attributes.${name}`);
      }
  }

  let missing = DEFAULT_MISSING;
  if (value.missing !== undefined) {
    if (!Array.isArray(value.missing) || !value.missing.every((m) => typeof m === 'string'))
      fail('missing', 'type', 'must be a list of texts');
    else missing = value.missing;
  }

  if (scores.length === 0 && Object.keys(attributes).length === 0)
    fail(
      'scores',
      'required',
      'map at least one score column (or attributes, for a participants file)',
    );
  if (scores.length > 0 && !date && !timePoint)
    fail('date', 'required', 'scores need a date column, a time point column, or both');

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    mapping: { study, subject, date, timePoint, arm, scores, attributes, missing },
  };
}

/** Every column the mapping reads, with where in the mapping it is named. */
export function mappedColumns(m: ImportMapping): { field: string; column: string }[] {
  return [
    { field: 'subject.column', column: m.subject.column },
    ...(m.date ? [{ field: 'date.column', column: m.date.column }] : []),
    ...(m.timePoint ? [{ field: 'timePoint.column', column: m.timePoint.column }] : []),
    ...(m.arm ? [{ field: 'arm.column', column: m.arm.column }] : []),
    ...m.scores.map((s, i) => ({ field: `scores.${i}.column`, column: s.column })),
    ...Object.entries(m.attributes).map(([name, column]) => ({
      field: `attributes.${name}`,
      column,
    })),
  ];
}

export function baselineLabel(m: ImportMapping): string | null {
  if (!m.timePoint) return null;
  return Object.values(m.timePoint.values).find((v) => v.baseline)?.label ?? null;
}
