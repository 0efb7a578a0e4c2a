import { INSTRUMENTS } from '../scales/instruments.js';
import type { InstrumentId } from '../scales/instrument.js';
import { mappedColumns, type DateFormat, type ImportMapping } from './import-mapping.js';

/**
 * Turns the rows of a parsed table into imported scores and subject
 * attributes, pure. Rows are numbered as a spreadsheet shows them: the header
 * is row 1, the first data row is row 2.
 */
export interface RowProblem {
  readonly row: number;
  readonly column: string | null;
  readonly message: string;
}

export interface MappedScore {
  readonly row: number;
  readonly column: string;
  readonly subject: string;
  readonly instrument: InstrumentId;
  readonly total: number;
  readonly administeredAt: string | null;
  readonly timePoint: string | null;
  readonly day: number | null;
  readonly arm: string | null;
  /** time point | date | arm: with subject and instrument, what makes a score the same score again. */
  readonly occasion: string;
}

export interface MappedSubject {
  readonly externalId: string;
  readonly firstRow: number;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface MappedTable {
  readonly scores: readonly MappedScore[];
  readonly subjects: readonly MappedSubject[];
  /** Score cells holding a "missing" marker, skipped. */
  readonly missingCells: number;
  /** The first problems found (at most maxProblems) … */
  readonly problems: readonly RowProblem[];
  /** … and how many there were in all. */
  readonly problemCount: number;
}

const DATE_PARTS: Readonly<Record<DateFormat, RegExp>> = {
  'YYYY-MM-DD': /^(?<y>\d{4})-(?<m>\d{2})-(?<d>\d{2})$/,
  'DD/MM/YYYY': /^(?<d>\d{1,2})\/(?<m>\d{1,2})\/(?<y>\d{4})$/,
  'MM/DD/YYYY': /^(?<m>\d{1,2})\/(?<d>\d{1,2})\/(?<y>\d{4})$/,
};

/** A calendar date in the stated format, as YYYY-MM-DD; null when it is not a real date. */
export function parseDate(value: string, format: DateFormat): string | null {
  const g = DATE_PARTS[format].exec(value)?.groups;
  if (!g) return null;
  const [y, m, d] = [Number(g.y), Number(g.m), Number(g.d)];
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return t.toISOString().slice(0, 10);
}

/** Header problems: a mapped column the file does not have. */
export function checkHeader(header: readonly string[], m: ImportMapping): RowProblem[] {
  return mappedColumns(m)
    .filter((c) => !header.includes(c.column))
    .map((c) => ({
      row: 1,
      column: c.column,
      message: `column "${c.column}" (mapping.${c.field}) is not in the header; the file has: ${header.join(', ')}`,
    }));
}

export function mapRows(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  m: ImportMapping,
  maxProblems = 200,
): MappedTable {
  const problems: RowProblem[] = checkHeader(header, m);
  if (problems.length > 0)
    return { scores: [], subjects: [], missingCells: 0, problems, problemCount: problems.length };
  const index = new Map(header.map((h, i) => [h, i]));
  const missing = new Set(m.missing);
  const scores: MappedScore[] = [];
  const subjects = new Map<string, MappedSubject>();
  const seen = new Map<string, number>();
  let missingCells = 0;
  let problemCount = 0;
  const report = (row: number, column: string | null, message: string) => {
    problemCount += 1;
    if (problems.length < maxProblems) problems.push({ row, column, message });
  };

  rows.forEach((cells, i) => {
    const row = i + 2;
    if (cells.every((c) => c.trim() === '')) return;
    const before = problemCount;
    const cell = (column: string) => (cells[index.get(column) ?? -1] ?? '').trim();
    if (cells.length !== header.length)
      report(row, null, `has ${cells.length} cells but the header has ${header.length}`);
    const subject = cell(m.subject.column);
    if (subject === '' || missing.has(subject))
      report(row, m.subject.column, 'the subject identifier is empty');

    const attributes: Record<string, string> = {};
    for (const [name, column] of Object.entries(m.attributes)) {
      const v = cell(column);
      if (!missing.has(v)) attributes[name] = v;
    }

    let administeredAt: string | null = null;
    if (m.date) {
      const raw = cell(m.date.column);
      if (!missing.has(raw)) {
        administeredAt = parseDate(raw, m.date.format);
        if (administeredAt === null)
          report(row, m.date.column, `"${raw}" is not a date in the form ${m.date.format}`);
      }
    }
    let timePoint: string | null = null;
    let day: number | null = null;
    let arm: string | null = null;
    if (m.timePoint) {
      const raw = cell(m.timePoint.column);
      const tp = m.timePoint.values[raw];
      if (!tp && missing.has(raw)) timePoint = null;
      else if (!tp)
        report(
          row,
          m.timePoint.column,
          `"${raw}" is not listed in mapping.timePoint.values (${Object.keys(m.timePoint.values).join(', ')})`,
        );
      else ({ label: timePoint, day, arm } = tp);
    }
    if (m.arm) {
      const raw = cell(m.arm.column);
      if (!missing.has(raw)) {
        const named = m.arm.values ? m.arm.values[raw] : raw;
        if (named === undefined)
          report(row, m.arm.column, `"${raw}" is not listed in mapping.arm.values`);
        else if (arm !== null && arm !== named)
          report(row, m.arm.column, `arm "${named}" contradicts the time point's arm "${arm}"`);
        else arm = named;
      }
    }
    const hasScore = m.scores.some((s) => !missing.has(cell(s.column)));
    if (hasScore && administeredAt === null && timePoint === null && problemCount === before)
      report(
        row,
        m.date?.column ?? m.timePoint?.column ?? null,
        'has a score but neither a date nor a time point',
      );

    const rowScores: MappedScore[] = [];
    for (const s of m.scores) {
      const raw = cell(s.column);
      if (missing.has(raw)) {
        missingCells += 1;
        continue;
      }
      const range = INSTRUMENTS[s.instrument].totalRange;
      if (!/^-?\d+$/.test(raw)) {
        report(row, s.column, `"${raw}" is not a whole-number total`);
        continue;
      }
      const total = Number(raw);
      if (range && (total < range.min || total > range.max)) {
        report(
          row,
          s.column,
          `${total} is outside ${range.min}–${range.max}, the range of ${s.instrument}`,
        );
        continue;
      }
      const occasion = `${timePoint ?? ''}|${administeredAt ?? ''}|${arm ?? ''}`;
      const key = `${subject}\u0000${s.instrument}\u0000${occasion}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        report(
          row,
          s.column,
          `repeats the ${s.instrument} score of subject ${subject} on row ${earlier} (same occasion)`,
        );
        continue;
      }
      seen.set(key, row);
      rowScores.push({
        row,
        column: s.column,
        subject,
        instrument: s.instrument,
        total,
        administeredAt,
        timePoint,
        day,
        arm,
        occasion,
      });
    }
    if (problemCount > before) return;
    const known = subjects.get(subject);
    if (!known) subjects.set(subject, { externalId: subject, firstRow: row, attributes });
    else {
      for (const [name, v] of Object.entries(attributes)) {
        const had = known.attributes[name];
        if (had !== undefined && had !== v)
          report(
            row,
            m.attributes[name] ?? null,
            `${name} "${v}" contradicts "${had}" given for ${subject} on row ${known.firstRow}`,
          );
      }
      subjects.set(subject, { ...known, attributes: { ...attributes, ...known.attributes } });
    }
    scores.push(...rowScores);
  });
  return { scores, subjects: [...subjects.values()], missingCells, problems, problemCount };
}
