import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.js';

describe('the one CSV writer', () => {
  it('writes formula-like text so that a spreadsheet shows it, and leaves numbers alone', () => {
    const csv = toCsv([
      { arm: "=cmd|' /C calc'!A0", label: '=HYPERLINK("http://evil.invalid/","week 1")' },
      { arm: '+1', label: '-2' },
      { arm: '@SUM(A1)', label: '\t=1' },
      { arm: 'plain', label: 'a=b' },
    ]);
    const cells: string[][] = parse(csv, {});
    expect(cells).toEqual([
      ['arm', 'label'],
      ["'=cmd|' /C calc'!A0", '\'=HYPERLINK("http://evil.invalid/","week 1")'],
      ["'+1", "'-2"],
      ["'@SUM(A1)", "'\t=1"],
      ['plain', 'a=b'],
    ]);
  });

  it('writes numbers, booleans and nulls as analysis tools read them', () => {
    const csv = toCsv([{ change: -3.5, responder: true, remitted: false, day: null }]);
    expect(csv).toBe('change,responder,remitted,day\n-3.5,true,false,\n');
  });

  it('keeps the column order it is given, header or not', () => {
    expect(toCsv([{ b: 'y', a: 'x' }], { columns: ['a', 'b'] })).toBe('a,b\nx,y\n');
    expect(toCsv([{ a: 'x' }], { header: false })).toBe('x\n');
  });
});
