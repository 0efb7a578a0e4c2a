import { stringify } from 'csv-stringify/sync';

/**
 * What a spreadsheet would run rather than show, at the start of a cell: a formula
 * (=, +, -, @) or a tab or carriage return before one. Such a text cell is written
 * with a leading apostrophe, which spreadsheets show as text (OWASP's advice for
 * CSV injection). Numbers are numbers and stay as they are (-3 is not a formula).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * The one CSV writer (every CSV the product offers goes through it): a header row,
 * text cells neutralised against formulas, booleans spelled true/false (csv-stringify's
 * default writes 1 and an empty cell), empty cells for nulls.
 */
export function toCsv(
  rows: readonly object[],
  opts: { header?: boolean; columns?: readonly string[] } = {},
): string {
  return stringify(
    rows.map((row) => ({ ...row })),
    {
      header: opts.header ?? true,
      ...(opts.columns ? { columns: [...opts.columns] } : {}),
      cast: { boolean: (v) => (v ? 'true' : 'false'), string: (v) => neutraliseFormula(v) },
    },
  );
}
