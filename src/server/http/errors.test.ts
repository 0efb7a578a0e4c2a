import { describe, expect, it } from 'vitest';
import { schemaProblems } from './errors.js';

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
