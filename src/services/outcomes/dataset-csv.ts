import { toCsv } from '../csv.js';

/** An analysis dataset as CSV for R or Python readers, through the one CSV writer. */
export function datasetCsv(
  rows: readonly object[],
  opts: { header?: boolean; columns?: readonly string[] } = {},
): string {
  return toCsv(rows, opts);
}
