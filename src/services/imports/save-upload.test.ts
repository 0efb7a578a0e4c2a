import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../domain/errors/domain-error.js';
import { saveUpload } from './import-upload.js';

const pace = { graceMs: 200, minBytesPerSecond: 1000 };
const dir = () => join(mkdtempSync(join(tmpdir(), 'kt-save-upload-')), 'uploads');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('saving an upload', () => {
  it('keeps an upload that arrives at a fair pace', async () => {
    const body = new PassThrough();
    const where = dir();
    const saved = saveUpload(where, body, 1_000_000, undefined, pace);
    for (let i = 0; i < 5; i++) {
      body.write('x'.repeat(200));
      await sleep(60);
    }
    body.end('\n');
    const path = await saved;
    expect(readFileSync(path, 'utf8')).toHaveLength(1001);
  });

  it('refuses a trickle once the grace period is over, keeping nothing', async () => {
    const body = new PassThrough();
    const where = dir();
    const saved = saveUpload(where, body, 1_000_000, undefined, pace).catch((e: unknown) => e);
    // A byte every 20 ms: 50 bytes/s, far under 1,000.
    const trickle = setInterval(() => body.write('x'), 20);
    const error = await saved;
    clearInterval(trickle);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('import.too_slow');
    expect((error as DomainError).fields[0]).toMatchObject({
      field: 'body',
      rule: 'min-upload-rate',
    });
    expect(existsSync(where) ? readdirSync(where) : []).toEqual([]);
  });

  it('refuses an upload that stops sending altogether', async () => {
    const body = new PassThrough();
    const saved = saveUpload(dir(), body, 1_000_000, undefined, pace).catch((e: unknown) => e);
    body.write('x'.repeat(5000));
    const error = await saved;
    expect((error as DomainError).code).toBe('import.too_slow');
  });
});
