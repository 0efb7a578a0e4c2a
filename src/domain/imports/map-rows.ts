import { INSTRUMENTS } from '../scales/instruments.js';
import type { InstrumentId } from '../scales/instrument.js';
import { mappedColumns, type DateFormat, type ImportMapping } from './import-mapping.js';
import { ScoreIdentities } from './score-identities.js';
import { unsafeCharacterProblem } from '../text/unsafe-characters.js';

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
/** Header names quoted in a message: enough to spot a typo, never the whole of a huge header. */
const HEADER_NAMES_SHOWN = 20;

function headerList(header: readonly string[]): string {
  const shown = header.slice(0, HEADER_NAMES_SHOWN).join(', ');
  const more = header.length - HEADER_NAMES_SHOWN;
  return more > 0 ? `${shown} … and ${more} more` : shown;
}

export function checkHeader(header: readonly string[], m: ImportMapping): RowProblem[] {
  const problems: RowProblem[] = [];
  for (const c of mappedColumns(m)) {
    const times = header.filter((h) => h === c.column).length;
    if (times === 0)
      problems.push({
        row: 1,
        column: c.column,
        message: `column "${c.column}" (mapping.${c.field}) is not in the header; the file has: ${headerList(header)}`,
      });
    // Which one is meant cannot be told: refuse rather than silently read one of them.
    else if (times > 1)
      problems.push({
        row: 1,
        column: c.column,
        message: `column "${c.column}" (mapping.${c.field}) appears ${times} times in the header; rename all but one`,
      });
  }
  return problems;
}

/** What a whole table comes to, without the scores themselves (those are handed out row by row). */
export interface MappedTableTotals {
  readonly subjects: readonly MappedSubject[];
  readonly missingCells: number;
  readonly problems: readonly RowProblem[];
  readonly problemCount: number;
  /** Scores handed out by `add` (rows without problems). */
  readonly scoreCount: number;
  /** Non-empty data rows seen. */
  readonly rowsRead: number;
}

/**
 * Maps a table row by row, so a file of any length can be checked while it is
 * read (issue 10): only the subjects, the first problems and one number per
 * score (to find repeats) are kept, never the rows or the scores.
 */
export interface RowMapper {
  /** Problems with the header; when there are any, `add` maps nothing. */
  readonly headerProblems: readonly RowProblem[];
  /** The scores of one data row (row numbered as a spreadsheet shows it); empty when it has a problem or none. */
  add(cells: readonly string[], row: number): readonly MappedScore[];
  totals(): MappedTableTotals;
}

// Subjects and occasions are numbered as they appear, and a score's identity
// (subject, instrument, occasion) is kept as one number: far smaller than a string
// per score when a file has a million of them. Exact up to 2^29 subjects and
// 2^24 instrument–occasion pairs (Number is exact to 2^53).
const OCCASION_SLOTS = 2 ** 24;

export function createRowMapper(
  header: readonly string[],
  m: ImportMapping,
  maxProblems = 200,
): RowMapper {
  const headerProblems = checkHeader(header, m);
  const problems: RowProblem[] = [...headerProblems];
  const index = new Map(header.map((h, i) => [h, i]));
  const missing = new Set(m.missing);
  const subjects = new Map<string, MappedSubject>();
  const subjectNumbers = new Map<string, number>();
  const occasionNumbers = new Map<string, number>();
  const seen = new ScoreIdentities();
  let missingCells = 0;
  let problemCount = headerProblems.length;
  let scoreCount = 0;
  let rowsRead = 0;
  const report = (row: number, column: string | null, message: string) => {
    problemCount += 1;
    if (problems.length < maxProblems) problems.push({ row, column, message });
  };
  const numberOf = (map: Map<string, number>, key: string) => {
    let n = map.get(key);
    if (n === undefined) {
      n = map.size;
      map.set(key, n);
    }
    return n;
  };
  const identity = (subject: string, instrument: string, occasion: string) => {
    const o = numberOf(occasionNumbers, `${instrument}\u0000${occasion}`);
    if (o >= OCCASION_SLOTS) throw new RangeError('more instrument–occasion pairs than supported');
    return numberOf(subjectNumbers, subject) * OCCASION_SLOTS + o;
  };

  const add = (cells: readonly string[], row: number): readonly MappedScore[] => {
    if (cells.every((c) => c.trim() === '')) return [];
    rowsRead += 1;
    if (headerProblems.length > 0) return [];
    const before = problemCount;
    const cell = (column: string) => (cells[index.get(column) ?? -1] ?? '').trim();
    if (cells.length !== header.length)
      report(row, null, `has ${cells.length} cells but the header has ${header.length}`);
    const subject = cell(m.subject.column);
    if (subject === '' || missing.has(subject))
      report(row, m.subject.column, 'the subject identifier is empty');
    // Stored and shown back (problems, audit, reports): no control, line-separator or
    // bidirectional formatting characters, which could forge lines or reorder what is shown.
    const unsafe = (column: string, what: string, value: string) => {
      const problem = unsafeCharacterProblem(column, value);
      if (problem) report(row, column, `${what} ${problem.message}`);
    };
    unsafe(m.subject.column, 'the subject identifier', subject);

    const attributes: Record<string, string> = {};
    for (const [name, column] of Object.entries(m.attributes)) {
      const v = cell(column);
      unsafe(column, `the ${name}`, v);
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
        else if (unsafeCharacterProblem(m.arm.column, named))
          unsafe(m.arm.column, 'the arm', named);
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
      const key = identity(subject, s.instrument, occasion);
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
    if (problemCount > before) return [];
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
      // Only copy when this row names an attribute the subject did not have yet.
      if (Object.keys(attributes).some((k) => known.attributes[k] === undefined))
        subjects.set(subject, { ...known, attributes: { ...attributes, ...known.attributes } });
    }
    scoreCount += rowScores.length;
    return rowScores;
  };

  return {
    headerProblems,
    add,
    totals: () => ({
      subjects: [...subjects.values()],
      missingCells,
      problems: [...problems],
      problemCount,
      scoreCount,
      rowsRead,
    }),
  };
}

/** A whole table in memory at once (small tables, tests); see createRowMapper for files. */
export function mapRows(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  m: ImportMapping,
  maxProblems = 200,
): MappedTable {
  const mapper = createRowMapper(header, m, maxProblems);
  const scores: MappedScore[] = [];
  rows.forEach((cells, i) => scores.push(...mapper.add(cells, i + 2)));
  const t = mapper.totals();
  return {
    scores,
    subjects: t.subjects,
    missingCells: t.missingCells,
    problems: t.problems,
    problemCount: t.problemCount,
  };
}
