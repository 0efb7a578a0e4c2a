import fc from 'fast-check';
import type { FuzzFixture } from './fuzz-fixture.js';
import { type JsonSchema, type SchemaArbitraries } from './schema-arbitraries.js';
import { NASTY_PARAMS } from './nasty-values.js';
import { toJsonText } from './raw-json.js';

/**
 * A mapping for the table import: usually one that fits the generated tables, sometimes one
 * with a part broken, sometimes not JSON at all.
 */
export function mappingText(
  fixture: FuzzFixture,
  schemas: SchemaArbitraries,
): fc.Arbitrary<string> {
  const column: JsonSchema = { enum: [...fixture.tableColumns] };
  const mapping: JsonSchema = {
    type: 'object',
    required: ['study', 'subject', 'scores'],
    properties: {
      study: { enum: ['FUZZ-LINKED', 'FUZZ-RESEARCH', 'FUZZ-NEW', 'x'] },
      subject: {
        type: 'object',
        required: ['column'],
        properties: { column, linkPatientsBy: { enum: ['mrn'] } },
      },
      date: {
        type: 'object',
        required: ['column', 'format'],
        properties: { column, format: { enum: ['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY'] } },
      },
      timePoint: {
        type: 'object',
        required: ['column', 'values'],
        properties: {
          column,
          values: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              required: ['label'],
              properties: {
                label: { type: 'string', maxLength: 70 },
                day: { type: 'integer' },
                arm: { type: 'string', maxLength: 40 },
                baseline: { type: 'boolean' },
              },
            },
          },
        },
      },
      scores: {
        type: 'array',
        minItems: 1,
        maxItems: 3,
        items: {
          type: 'object',
          required: ['column', 'instrument'],
          properties: { column, instrument: { enum: [...fixture.instrumentIds] } },
        },
      },
      attributes: { type: 'object', additionalProperties: column },
      missing: { type: 'array', items: { type: 'string', maxLength: 5 }, maxItems: 4 },
    },
  };
  return fc.oneof(
    { weight: 5, arbitrary: schemas.valid(mapping).map(toJsonText) },
    { weight: 3, arbitrary: schemas.fuzz(mapping).map(toJsonText) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('{', '[]', 'null', '""', '{"study":"' + 'x'.repeat(7000) + '"}'),
    },
  );
}

/** A small CSV or TSV table over the fixture's columns, with odd cells among good ones. */
export function tableText(fixture: FuzzFixture): fc.Arbitrary<string> {
  const cell = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        'FZ-1',
        'FZ-2',
        'S-9',
        'baseline',
        'week 1',
        '2026-01-01',
        '01/02/2026',
        'a',
        'b',
        'n/a',
        '',
      ),
    },
    { weight: 3, arbitrary: fc.integer({ min: -5, max: 70 }).map(String) },
    { weight: 2, arbitrary: fc.constantFrom(...NASTY_PARAMS) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('"a,b"', '"unterminated', '""', '12.5', '1e308', '=1+1'),
    },
  );
  return fc
    .record({
      header: fc.shuffledSubarray([...fixture.tableColumns], { minLength: 1 }),
      rows: fc.array(fc.array(cell, { minLength: 1, maxLength: 7 }), { maxLength: 6 }),
      sep: fc.constantFrom(',', '\t', ';'),
      eol: fc.constantFrom('\n', '\r\n', '\r'),
    })
    .map(({ header, rows, sep, eol }) => [header, ...rows].map((r) => r.join(sep)).join(eol));
}
