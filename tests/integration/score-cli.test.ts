import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';

const run = promisify(execFile);

interface Case {
  args: string[];
  total?: number;
  severity?: string;
  flags?: string[];
  exit?: number;
}

// Expected values come from tests/fixtures/scoring/independent_scorer.py, a
// separate implementation written from REFERENCE.md part B.
const cases = JSON.parse(
  readFileSync(join(ROOT, 'tests/fixtures/scoring/cases.json'), 'utf8'),
) as Case[];

async function score(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'score', ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('ketatrack score against independently scored held-out cases', () => {
  it(`agrees on all ${cases.length} cases`, async () => {
    const results: { c: Case; r: Awaited<ReturnType<typeof score>> }[] = [];
    for (let i = 0; i < cases.length; i += 4) {
      const batch = cases.slice(i, i + 4);
      results.push(...(await Promise.all(batch.map(async (c) => ({ c, r: await score(c.args) })))));
    }
    for (const { c, r } of results) {
      const name = c.args.join(' ');
      if (c.exit !== undefined) {
        expect(r.code, name).toBe(c.exit);
        expect(r.stderr.trim().length, name).toBeGreaterThan(0);
        expect(r.stdout, name).toBe('');
      } else {
        expect(r.code, `${name}: ${r.stderr}`).toBe(0);
        const out = JSON.parse(r.stdout) as {
          instrument: string;
          total: number;
          severity: string;
          flags: string[];
        };
        expect({ total: out.total, severity: out.severity, flags: out.flags }, name).toEqual({
          total: c.total,
          severity: c.severity,
          flags: c.flags,
        });
        expect(out.instrument).toBe(c.args[0]);
      }
    }
  });

  it('names the item and the rule on stderr', async () => {
    const r = await score(['madrs', '1,2,3,4,5,6,7,1,1,1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/item 7: .*\(range\)/);
  });
});
