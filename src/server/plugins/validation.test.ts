import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { validatorCompiler } from './validation.js';

type Check = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; keyword: string }[] | null;
};

const compile = (schema: object, httpPart: string) =>
  validatorCompiler()({ schema, httpPart, method: 'GET', url: '/x' }) as unknown as Check;

describe('validatorCompiler', () => {
  it('refuses control characters in any query text, whatever its schema says', () => {
    const check = compile(
      Type.Object({ q: Type.String(), tags: Type.Array(Type.String()) }),
      'querystring',
    );
    expect(check({ q: 'plain words', tags: ['a'] })).toBe(true);
    for (const bad of ['a\u0000b', 'line\nbreak', 'tab\there', 'bidi\u202eflip']) {
      expect(check({ q: bad, tags: ['a'] }), JSON.stringify(bad)).toBe(false);
      expect(check.errors).toContainEqual(
        expect.objectContaining({ instancePath: '/q', keyword: 'no-control-characters' }),
      );
    }
    expect(check({ q: 'x', tags: ['fine', 'a\u0000'] })).toBe(false);
    expect(check.errors).toContainEqual(expect.objectContaining({ instancePath: '/tags' }));
  });

  it('refuses a coerced number that is not finite or not exact, even without a maximum', () => {
    const check = compile(Type.Object({ n: Type.Integer({ minimum: 0 }) }), 'querystring');
    for (const raw of ['Infinity', '1e308', '9007199254740993']) {
      expect(check({ n: raw }), raw).toBe(false);
      expect(check.errors).toContainEqual(
        expect.objectContaining({ instancePath: '/n', keyword: 'finite' }),
      );
    }
    const ok = { n: '25' };
    expect(check(ok)).toBe(true);
    expect(ok.n).toBe(25);
  });

  it('refuses NUL anywhere in a JSON body, and keeps line breaks (a note may have them)', () => {
    const check = compile(
      Type.Object({ notes: Type.Array(Type.Object({ text: Type.String() })) }),
      'body',
    );
    expect(check({ notes: [{ text: 'two\nlines' }] })).toBe(true);
    expect(check({ notes: [{ text: 'ok' }, { text: 'n\u0000ul' }] })).toBe(false);
    expect(check.errors).toContainEqual(
      expect.objectContaining({ instancePath: '/notes/1/text', keyword: 'no-nul-character' }),
    );
  });

  it('refuses a body nested thousands deep with a 400, not by running out of stack', () => {
    const check = compile(Type.Object({ name: Type.String() }), 'body');
    const deep: unknown = JSON.parse('['.repeat(5000) + ']'.repeat(5000));
    expect(() => check(deep)).not.toThrow();
    expect(check(deep)).toBe(false);
    expect(check.errors).toContainEqual(expect.objectContaining({ keyword: 'max-depth' }));
  });
});
