import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import { DomainError, validationError } from '../../domain/errors/domain-error.js';

export type TableFormat = 'csv' | 'tsv';

/** CSV or TSV, chosen by the file's extension (the API and the CLI agree on the name). */
export function tableFormat(fileName: string): TableFormat {
  if (/\.(tsv|tab|txt)$/i.test(fileName)) return 'tsv';
  if (/\.csv$/i.test(fileName)) return 'csv';
  throw validationError([
    { field: 'fileName', rule: 'extension', message: 'must end in .csv or .tsv' },
  ]);
}

export interface TableRow {
  /** As a spreadsheet numbers it: the header is row 1. */
  readonly row: number;
  readonly cells: string[];
}

export interface TableReader {
  readonly header: string[];
  /** The data rows, read from the file as they are asked for (bounded memory). */
  readonly rows: AsyncIterable<TableRow>;
  /** SHA-256 of the file's bytes, once every row has been read. */
  sha256(): string;
}

/** Raised by the checks below; named so the reader can say what is wrong. */
class NotText extends Error {
  constructor(
    readonly rule: 'utf8' | 'no-nul' | 'max-row-bytes',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The longest row read, in bytes. A score table's rows are short; without a bound one
 * row of millions of empty cells (60 MB of commas) made the parser build an array of
 * tens of millions of strings: gigabytes of memory in the worker (hostile test).
 */
export const MAX_ROW_BYTES = 1_048_576;

/**
 * Checks and decodes UTF-8 as the bytes stream past. Without it the parser turns
 * every invalid byte into the same replacement character, so two subjects whose ids
 * differ only in bytes of another encoding (Latin-1 accents, say) would become one.
 */
function utf8Text(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // Bytes since the last line break (CR or LF), across blocks.
  let lineBytes = 0;
  const tooLong = () =>
    new NotText(
      'max-row-bytes',
      `a row is longer than ${MAX_ROW_BYTES} bytes: this is not a table of scores (is the delimiter right?)`,
    );
  // Decoded only to be checked; the bytes themselves go on to the parser unchanged.
  const check = (bytes?: Buffer) => {
    try {
      if (bytes) decoder.decode(bytes, { stream: true });
      else decoder.decode();
    } catch {
      throw new NotText(
        'utf8',
        'the file is not UTF-8 text: save it as "CSV UTF-8" (or TSV) and try again',
      );
    }
    if (!bytes) return;
    // A NUL byte is never part of a text table, and PostgreSQL cannot store one.
    if (bytes.includes(0))
      throw new NotText('no-nul', 'the file contains a NUL byte: it is not a text table');
    // Blocks are at most 64 KiB (the file stream's), far below the bound, so only the
    // row running across blocks can pass it: the first break ends it, the last starts
    // the next one.
    const firstBreak = [bytes.indexOf(10), bytes.indexOf(13)].filter((i) => i >= 0);
    if (firstBreak.length === 0) {
      lineBytes += bytes.length;
      if (lineBytes > MAX_ROW_BYTES) throw tooLong();
      return;
    }
    if (lineBytes + Math.min(...firstBreak) > MAX_ROW_BYTES) throw tooLong();
    lineBytes = bytes.length - 1 - Math.max(bytes.lastIndexOf(10), bytes.lastIndexOf(13));
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        check(chunk);
        done(null, chunk);
      } catch (e) {
        done(e as Error);
      }
    },
    flush(done) {
      try {
        check();
        done();
      } catch (e) {
        done(e as Error);
      }
    },
  });
}

function unreadable(error: unknown): DomainError {
  if (error instanceof NotText)
    return new DomainError('import.invalid', 'The file could not be read as a table.', [
      { field: 'file', rule: error.rule, message: error.message },
    ]);
  const line = (error as { lines?: number }).lines;
  return new DomainError('import.invalid', 'The file could not be read as a table.', [
    {
      field: line ? `row ${line}` : 'file',
      rule: 'table',
      message: error instanceof Error ? error.message : String(error),
    },
  ]);
}

/**
 * Streams a CSV/TSV file through csv-parse: a file of any size is read a block
 * at a time (issue 10). Throws import.invalid naming the row when the file is
 * not a table, or has no header.
 */
export async function openTable(path: string, format: TableFormat): Promise<TableReader> {
  const hash = createHash('sha256');
  const file = createReadStream(path, { highWaterMark: 65_536 });
  file.on('data', (block) => hash.update(block));
  const text = file.pipe(utf8Text());
  const parser = text.pipe(
    parse({
      delimiter: format === 'tsv' ? '\t' : ',',
      // BIDS and most exports write TSV without quoting; a stray quote is then just a character.
      quote: format === 'tsv' ? false : '"',
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
      // A quoted cell may span lines: its characters are bounded here too.
      max_record_size: MAX_ROW_BYTES,
    }),
  );
  file.on('error', (e) => parser.destroy(e));
  text.on('error', (e) => parser.destroy(e));
  const records: AsyncIterator<string[]> = parser[Symbol.asyncIterator]();
  let first: IteratorResult<string[]>;
  try {
    first = await records.next();
  } catch (error) {
    throw unreadable(error);
  }
  const header = first.done ? undefined : first.value;
  if (!header || header.every((h) => h.trim() === '')) {
    parser.destroy();
    throw new DomainError('import.invalid', 'The file has no header row.', [
      { field: 'row 1', rule: 'header', message: 'the first row must name the columns' },
    ]);
  }
  async function* rows(): AsyncGenerator<TableRow> {
    let row = 1;
    try {
      for (;;) {
        const next = await records.next();
        if (next.done) return;
        row += 1;
        yield { row, cells: next.value };
      }
    } catch (error) {
      throw unreadable(error);
    } finally {
      parser.destroy();
    }
  }
  let digest: string | null = null;
  return {
    header: header.map((h) => h.trim()),
    rows: rows(),
    sha256: () => (digest ??= hash.digest('hex')),
  };
}
