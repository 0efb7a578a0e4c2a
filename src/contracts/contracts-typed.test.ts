import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// House rule: typed to the edge, no Type.Unknown in contracts, so the web app uses the
// contract types without casts. Type.Any would be the same hole by another name. (No
// call with empty parentheses is written here, so grepping src/contracts stays quiet.)
const UNTYPED = /\b(?:Type\.)?(?:Unknown|Any)\s*\(/g;

const untypedIn = (source: string): string[] =>
  source
    .split('\n')
    .map((line, i) => ({ line: line.trim(), at: i + 1 }))
    .filter(({ line }) => line.match(UNTYPED) !== null)
    .map(({ line, at }) => `${at}: ${line}`);

describe('contracts', () => {
  it('declare every field: no Type.Unknown or Type.Any call in src/contracts', () => {
    const dir = new URL('./', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(5);
    const found = files.flatMap((f) =>
      untypedIn(readFileSync(new URL(f, dir), 'utf8')).map((hit) => `${f}:${hit}`),
    );
    expect(found).toEqual([]);
  });

  it('would notice one', () => {
    expect(untypedIn("  details: Type.Unknown({}),\n  x: Type.Any({ description: 'y' }),")).toEqual(
      ['1: details: Type.Unknown({}),', "2: x: Type.Any({ description: 'y' }),"],
    );
    expect(untypedIn('  unknownCount: Type.Integer(), // isUnknown(x)')).toEqual([]);
  });
});
