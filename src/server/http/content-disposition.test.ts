import { describe, expect, it } from 'vitest';
import { attachment } from './content-disposition.js';

/** The two parameters of a header `attachment` wrote. */
function parse(header: string): { fallback: string; exact: string } {
  const m =
    /^attachment; filename="([^"\\]*)"; filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]*)$/.exec(
      header,
    );
  expect(m, header).not.toBeNull();
  return { fallback: m![1]!, exact: decodeURIComponent(m![2]!) };
}

describe('attachment (RFC 6266 Content-Disposition)', () => {
  it('keeps a plain name as it is in both parameters', () => {
    expect(attachment('cohort-dataset.csv')).toBe(
      `attachment; filename="cohort-dataset.csv"; filename*=UTF-8''cohort-dataset.csv`,
    );
  });

  it('cannot be broken out of by quotes, backslashes, semicolons or line breaks, and keeps unicode exactly', () => {
    for (const name of [
      'a"b.pdf',
      'x"; filename="evil.html',
      'back\\slash.csv',
      'two\r\nSet-Cookie: kt_session=x.csv',
      'été – 東京 🧪.pdf',
      '',
    ]) {
      const header = attachment(name);
      // Only visible ASCII: Node would refuse anything else, and no line can be forged.
      expect(
        [...header].every((c) => c >= ' ' && c <= '~'),
        name,
      ).toBe(true);
      const { fallback, exact } = parse(header);
      expect(exact).toBe(name);
      expect(fallback).toMatch(/^[A-Za-z0-9\-._ ()]+$/);
    }
  });
});
