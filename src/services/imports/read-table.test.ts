import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../domain/errors/domain-error.js';
import { MAX_ROW_BYTES, openTable } from './read-table.js';

const file = (bytes: Buffer) => {
  const path = join(mkdtempSync(join(tmpdir(), 'kt-read-table-')), 't.csv');
  writeFileSync(path, bytes);
  return path;
};

async function readAll(path: string): Promise<string[][]> {
  const t = await openTable(path, 'csv');
  const rows = [t.header];
  for await (const r of t.rows) rows.push(r.cells);
  return rows;
}

describe('openTable', () => {
  it('reads UTF-8 text, with or without a byte-order mark, multi-byte characters intact', async () => {
    const text = 'sid,tp,madrs\nZoë,b,30\n李,d2,10\n';
    const expected = [
      ['sid', 'tp', 'madrs'],
      ['Zoë', 'b', '30'],
      ['李', 'd2', '10'],
    ];
    expect(await readAll(file(Buffer.from(text)))).toEqual(expected);
    expect(
      await readAll(file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))),
    ).toEqual(expected);
  });

  it('refuses bytes that are not UTF-8 instead of merging them into one replacement character', async () => {
    // Two subjects whose ids are single Latin-1 bytes: read as UTF-8 they would both be U+FFFD.
    const bytes = Buffer.concat([
      Buffer.from('sid,tp,madrs\n'),
      Buffer.from([0xff]),
      Buffer.from(',b,30\n'),
      Buffer.from([0xfe]),
      Buffer.from(',d2,10\n'),
    ]);
    const error = await readAll(file(bytes)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).fields[0]).toMatchObject({ field: 'file', rule: 'utf8' });
  });

  it('refuses a file that ends in the middle of a multi-byte character', async () => {
    const bytes = Buffer.concat([Buffer.from('sid,tp,madrs\nZo,b,3'), Buffer.from([0xc3])]);
    const error = await readAll(file(bytes)).catch((e: unknown) => e);
    expect((error as DomainError).fields[0]).toMatchObject({ rule: 'utf8' });
  });

  const refusal = async (bytes: Buffer) => {
    const error = await readAll(file(bytes)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).fields[0];
  };

  it('refuses a row longer than the bound, in the header or further down, across blocks', async () => {
    // Millions of empty cells: the parser would hold one string per cell.
    const commas = ','.repeat(MAX_ROW_BYTES + 10);
    expect(await refusal(Buffer.from(`${commas}\n`))).toMatchObject({
      field: 'file',
      rule: 'max-row-bytes',
    });
    expect(await refusal(Buffer.from(`sid,tp,madrs\nS1,b,30\n${commas}\nS2,b,1\n`))).toMatchObject({
      rule: 'max-row-bytes',
    });
    // One quoted cell spanning lines is bounded too.
    const cell = `"${'a\n'.repeat(MAX_ROW_BYTES / 2 + 10)}"`;
    expect(await refusal(Buffer.from(`sid,tp,madrs\nS1,b,${cell}\n`))).toMatchObject({
      field: expect.stringMatching(/row|file/),
    });
  });

  it('reads many short rows and rows just under the bound, whatever the line breaks', async () => {
    const long = 'x'.repeat(MAX_ROW_BYTES - 20);
    const rows = await readAll(file(Buffer.from(`sid,tp,madrs\r${long},b,1\rS2,b,2\r`)));
    expect(rows.map((r) => r[0]?.length)).toEqual([3, long.length, 2]);
    const many = Array.from({ length: 50_000 }, (_, i) => `S${i},b,${i % 60}`).join('\n');
    expect(await readAll(file(Buffer.from(`sid,tp,madrs\n${many}\n`)))).toHaveLength(50_001);
  });

  it('refuses a NUL byte (not text; PostgreSQL cannot store it)', async () => {
    const bytes = Buffer.concat([
      Buffer.from('sid,tp,madrs\nS'),
      Buffer.from([0]),
      Buffer.from('1,b,30\n'),
    ]);
    expect(await refusal(bytes)).toMatchObject({ field: 'file', rule: 'no-nul' });
  });
});
