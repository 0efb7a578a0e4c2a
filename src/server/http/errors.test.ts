import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { errorHandler, schemaProblems } from './errors.js';

describe('schemaProblems', () => {
  it('names the field and the rule for missing, unknown and mistyped fields', () => {
    expect(
      schemaProblems(
        [
          {
            instancePath: '',
            keyword: 'required',
            params: { missingProperty: 'mrn' },
            message: "must have required property 'mrn'",
          },
          {
            instancePath: '',
            keyword: 'additionalProperties',
            params: { additionalProperty: 'shoe' },
            message: 'x',
          },
          { instancePath: '/weightKg', keyword: 'type', params: {}, message: 'must be number' },
          {
            instancePath: '/items/2/value',
            keyword: 'maximum',
            params: {},
            message: 'must be <= 3',
          },
        ],
        'body',
      ),
    ).toEqual([
      { field: 'mrn', rule: 'required', message: "must have required property 'mrn'" },
      { field: 'shoe', rule: 'unknown-field', message: 'is not a known field' },
      { field: 'weightKg', rule: 'type', message: 'must be number' },
      { field: 'items.2.value', rule: 'maximum', message: 'must be <= 3' },
    ]);
  });
});

describe('errorHandler', () => {
  it("answers PostgreSQL's refusal of a value (SQLSTATE class 22) with 400, never 500, echoing nothing", async () => {
    const app = Fastify();
    app.setErrorHandler(errorHandler);
    app.get('/nul', async () => {
      // What pg throws for a NUL in text: a DatabaseError with code and severity.
      throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
        code: '22021',
        severity: 'ERROR',
      });
    });
    app.get('/range', async () => {
      throw Object.assign(new Error('value "99999999999" is out of range for type integer'), {
        code: '22003',
        severity: 'ERROR',
      });
    });
    app.get('/other', async () => {
      throw Object.assign(new Error('relation "x" does not exist'), {
        code: '42P01',
        severity: 'ERROR',
      });
    });
    for (const url of ['/nul', '/range']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'validation.unstorable_value' });
      expect(res.json().detail).not.toContain('UTF8');
      expect(res.json().detail).not.toContain('99999999999');
    }
    expect((await app.inject({ url: '/other' })).statusCode).toBe(500);
    await app.close();
  });
});
