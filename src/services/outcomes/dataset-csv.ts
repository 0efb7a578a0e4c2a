import { stringify } from 'csv-stringify/sync';

/**
 * An analysis dataset as CSV for R or Python readers: a header row, booleans
 * spelled true/false (csv-stringify's default writes 1 and an empty cell),
 * empty cells for nulls.
 */
export function datasetCsv(rows: readonly object[], opts: { header?: boolean } = {}): string {
  return stringify(
    rows.map((row) => ({ ...row })),
    { header: opts.header ?? true, cast: { boolean: (v) => (v ? 'true' : 'false') } },
  );
}
