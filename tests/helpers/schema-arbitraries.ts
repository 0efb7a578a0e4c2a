import fc from 'fast-check';
import { EDGE_NUMBERS, NASTY_TEXT } from './nasty-values.js';
import { toJsonText } from './raw-json.js';

/**
 * fast-check arbitraries drawn from the JSON Schemas of the OpenAPI document (the subset
 * our TypeBox contracts produce): values that satisfy a schema, and values that probe its
 * edges or break it. Used by the operation fuzz (tests/integration/fuzz-operations.test.ts).
 */
export interface JsonSchema {
  readonly type?: 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'object' | 'array';
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly $ref?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
}

/** An object with exactly these own keys, `__proto__` included (a literal would set the prototype). */
function objectOf(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries)
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

/** Arbitraries for known-good values, by property or parameter name (ids from a seeded database…). */
export type Hints = Readonly<Record<string, fc.Arbitrary<unknown>>>;

export interface SchemaArbitraries {
  /** Values the schema accepts (edge values included). */
  valid(schema: JsonSchema, name?: string): fc.Arbitrary<unknown>;
  /** Mostly valid shapes with some part broken, or values of the wrong kind altogether. */
  fuzz(schema: JsonSchema, name?: string): fc.Arbitrary<unknown>;
}

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
const MAX_EXTRA = 6; // array items and optional keys beyond the minimum, to keep bodies small

/**
 * Builds the two generators for one OpenAPI document. `refs` resolves `#/components/schemas/…`;
 * `hints` offers good values by name (taken with some probability in place of the schema's own).
 */
export function schemaArbitraries(
  refs: Readonly<Record<string, JsonSchema>>,
  hints: Hints = {},
): SchemaArbitraries {
  const resolve = (s: JsonSchema): JsonSchema => {
    if (!s.$ref) return s;
    const target = refs[s.$ref.replace('#/components/schemas/', '')];
    if (!target) throw new Error(`unresolved ${s.$ref}`);
    return resolve(target);
  };

  const lengthOk = (s: JsonSchema) => (v: string) => {
    const n = [...v].length; // JSON Schema counts code points
    return n >= (s.minLength ?? 0) && n <= (s.maxLength ?? Infinity);
  };

  const validString = (s: JsonSchema): fc.Arbitrary<string> => {
    if (s.format === 'date-time') {
      return fc.oneof(
        fc
          .date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString()),
        fc.constantFrom(
          '1970-01-01T00:00:00Z',
          '2026-11-27T10:00:00.000Z',
          '2026-11-27T10:00:00+14:00',
          '0001-01-01T00:00:00Z',
          '9999-12-31T23:59:59.999Z',
          '2024-02-29T23:59:60Z',
        ),
      );
    }
    const min = s.minLength ?? 0;
    const max = s.maxLength ?? 300;
    if (s.pattern === DATE_PATTERN) {
      // Mostly real days (so requests get past the services' own checks), some that only look like one.
      return fc.oneof(
        {
          weight: 4,
          arbitrary: fc
            .date({ min: new Date('1920-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
            .map((d) => d.toISOString().slice(0, 10)),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            '0000-00-00',
            '2026-02-29',
            '2024-02-29',
            '9999-12-31',
            '2026-13-01',
            '1900-01-01',
          ),
        },
        { weight: 1, arbitrary: fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
      );
    }
    if (s.pattern !== undefined) {
      const re = new RegExp(s.pattern);
      const edges = NASTY_TEXT.filter((t) => re.test(t) && lengthOk(s)(t));
      const matching = fc.stringMatching(re).filter(lengthOk(s));
      return edges.length > 0
        ? fc.oneof(
            { weight: 5, arbitrary: matching },
            { weight: 1, arbitrary: fc.constantFrom(...edges) },
          )
        : matching;
    }
    const short = fc.string({
      minLength: min,
      maxLength: Math.min(max, min + 20),
      unit: 'grapheme',
    });
    const nasty = fc
      .constantFrom(...NASTY_TEXT)
      .map((t) => (t.length < min ? t.padEnd(min, 'x') : t))
      .filter(lengthOk(s));
    // Exactly at the limits, in one- and two-unit characters.
    const atLimit = fc
      .constantFrom(
        'x'.repeat(min),
        'x'.repeat(max),
        '😀'.repeat(max),
        'é'.repeat(max),
        '\u0000'.repeat(Math.max(min, 1)),
      )
      .filter(lengthOk(s));
    return fc.oneof(
      { weight: 6, arbitrary: short },
      { weight: 2, arbitrary: nasty },
      { weight: 1, arbitrary: atLimit },
    );
  };

  const validNumber = (s: JsonSchema, integer: boolean): fc.Arbitrary<unknown> => {
    const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum : undefined);
    const hi = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum : undefined);
    const inRange = (v: number) =>
      (s.minimum === undefined || v >= s.minimum) &&
      (s.maximum === undefined || v <= s.maximum) &&
      (s.exclusiveMinimum === undefined || v > s.exclusiveMinimum) &&
      (s.exclusiveMaximum === undefined || v < s.exclusiveMaximum) &&
      (!integer || Number.isInteger(v));
    const edges = [
      lo,
      hi,
      lo !== undefined ? lo + (integer ? 1 : 1e-9) : undefined,
      hi !== undefined ? hi - (integer ? 1 : 1e-9) : undefined,
      ...EDGE_NUMBERS.filter((v): v is number => typeof v === 'number'),
    ].filter((v): v is number => v !== undefined && inRange(v));
    const wide = integer
      ? fc.integer({
          min: Math.max(Math.ceil(lo ?? -(2 ** 31)), -(2 ** 31)),
          max: Math.min(Math.floor(hi ?? 2 ** 31 - 1), 2 ** 31 - 1),
        })
      : fc.double({
          min: lo ?? -1e6,
          max: hi ?? 1e6,
          noNaN: true,
          noDefaultInfinity: true,
          minExcluded: s.exclusiveMinimum !== undefined,
          maxExcluded: s.exclusiveMaximum !== undefined,
        });
    const parts: fc.WeightedArbitrary<unknown>[] = [{ weight: 3, arbitrary: wide.filter(inRange) }];
    const smallMin = Math.max(Math.ceil(lo ?? -5), -5);
    const smallMax = Math.min(Math.floor(hi ?? 20), 20);
    if (smallMin <= smallMax)
      parts.push({
        weight: 3,
        arbitrary: fc.integer({ min: smallMin, max: smallMax }).filter(inRange),
      });
    if (edges.length > 0) parts.push({ weight: 2, arbitrary: fc.constantFrom(...edges) });
    return fc.oneof(...parts);
  };

  function validOf(s0: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    const s = resolve(s0);
    if (s.const !== undefined) return fc.constant(s.const);
    if (s.enum) return fc.constantFrom(...s.enum);
    const branches = s.anyOf ?? s.oneOf;
    if (branches) return fc.oneof(...branches.map((b) => valid(b, undefined, depth)));
    switch (s.type) {
      case 'string':
        return validString(s);
      case 'integer':
        return validNumber(s, true);
      case 'number':
        return validNumber(s, false);
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array': {
        const item = s.items ? valid(s.items, undefined, depth + 1) : fc.jsonValue({ maxDepth: 1 });
        const minLength = s.minItems ?? 0;
        const maxLength = Math.min(s.maxItems ?? minLength + MAX_EXTRA, minLength + MAX_EXTRA);
        return s.uniqueItems
          ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => toJsonText(v) })
          : fc.array(item, { minLength, maxLength });
      }
      case 'object':
      case undefined:
        return validObject(s, depth);
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  function validObject(s: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    const props = s.properties ?? {};
    const required = new Set(s.required ?? []);
    const names = Object.keys(props);
    if (names.length === 0 && typeof s.additionalProperties === 'object') {
      const minKeys = s.minProperties ?? 0;
      const maxKeys = Math.min(s.maxProperties ?? minKeys + MAX_EXTRA, minKeys + MAX_EXTRA);
      return fc
        .uniqueArray(
          fc.tuple(
            fc.string({ minLength: 1, maxLength: 12 }),
            valid(s.additionalProperties, undefined, depth + 1),
          ),
          { minLength: minKeys, maxLength: maxKeys, selector: ([k]) => k },
        )
        .map(objectOf);
    }
    const entries = names.map((n) => valid(props[n]!, n, depth + 1).map((v) => [n, v] as const));
    const plain = fc
      .tuple(
        fc.tuple(...entries),
        fc.array(fc.boolean(), { minLength: names.length, maxLength: names.length }),
      )
      .map(([pairs, keep]) =>
        objectOf(pairs.filter(([n], i) => required.has(n) || keep[i] === true)),
      );
    // Hints for several properties that must agree, keyed `{a,b}`: their values replace the plain ones.
    const joint = Object.entries(hints).filter(
      ([key]) =>
        key.startsWith('{') &&
        key
          .slice(1, -1)
          .split(',')
          .every((n) => n in props),
    );
    if (joint.length === 0) return plain;
    return fc.oneof(
      { weight: 1, arbitrary: plain },
      ...joint.map(([, hint]) => ({
        weight: 3,
        arbitrary: fc
          .tuple(plain, hint)
          .map(([o, h]) =>
            objectOf(
              [...Object.entries(o), ...Object.entries(h as object)].filter(
                ([k], i, all) => all.findLastIndex(([k2]) => k2 === k) === i,
              ),
            ),
          ),
      })),
    );
  }

  function valid(s: JsonSchema, name?: string, depth = 0): fc.Arbitrary<unknown> {
    const own = validOf(s, depth);
    const hint = name !== undefined ? hints[name] : undefined;
    return hint ? fc.oneof({ weight: 3, arbitrary: hint }, { weight: 1, arbitrary: own }) : own;
  }

  /** A value of another kind than the schema asks for, or past one of its limits. */
  function broken(s0: JsonSchema): fc.Arbitrary<unknown> {
    const s = resolve(s0);
    const wrongKind = fc.oneof(
      fc.constantFrom<unknown>(null, true, false, 0, -1, '', 'x', [], {}, [null], { '': null }),
      fc.constantFrom(...EDGE_NUMBERS),
      fc.constantFrom(...NASTY_TEXT),
      fc.jsonValue({ maxDepth: 3 }),
      // Deep nesting, small on the wire.
      fc.integer({ min: 50, max: 2000 }).map((n) => {
        let v: unknown = 1;
        for (let i = 0; i < n; i += 1) v = [v];
        return v;
      }),
    );
    const edges: unknown[] = [];
    if (s.type === 'string' || s.format || s.pattern) {
      if (s.maxLength !== undefined)
        edges.push('y'.repeat(s.maxLength + 1), '😀'.repeat(s.maxLength + 1));
      if ((s.minLength ?? 0) > 0) edges.push('', 'y'.repeat(s.minLength! - 1));
      edges.push('z'.repeat(70_000), ...NASTY_TEXT);
    }
    if (s.type === 'integer' || s.type === 'number') {
      if (s.minimum !== undefined) edges.push(s.minimum - 1, s.minimum - 1e-9);
      if (s.maximum !== undefined) edges.push(s.maximum + 1, s.maximum + 1e-9);
      if (s.exclusiveMinimum !== undefined) edges.push(s.exclusiveMinimum);
      if (s.exclusiveMaximum !== undefined) edges.push(s.exclusiveMaximum);
      if (s.type === 'integer') edges.push(1.5, 2 ** 53 + 2, 1e20);
      edges.push(...EDGE_NUMBERS, '1', '');
    }
    if (s.type === 'array') {
      if (s.maxItems !== undefined)
        edges.push(Array.from({ length: s.maxItems + 1 }, () => (s.items ? null : 1)));
      if ((s.minItems ?? 0) > 0) edges.push([]);
      edges.push(
        { 0: 'x', length: 1 },
        Array.from({ length: 5000 }, () => 0),
      );
    }
    if (s.enum) edges.push('', String(s.enum[0]).toUpperCase(), ` ${String(s.enum[0])}`);
    if (s.type === 'object' || s.properties)
      edges.push([], [{}], 'object', objectOf([['__proto__', { x: 1 }]]));
    return edges.length > 0
      ? fc.oneof(
          { weight: 2, arbitrary: fc.constantFrom(...edges) },
          { weight: 1, arbitrary: wrongKind },
        )
      : wrongKind;
  }

  /** A mostly valid object with one or two things wrong: a bad value, a stray key, a missing one. */
  function fuzzObject(s: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    const props = s.properties ?? {};
    const names = Object.keys(props);
    const required = s.required ?? [];
    const base = validObject(s, depth);
    if (names.length === 0) {
      // A record (answers by item id): odd keys and broken values.
      const value =
        typeof s.additionalProperties === 'object'
          ? fuzzOf(s.additionalProperties, depth + 1)
          : fc.jsonValue();
      return fc
        .uniqueArray(
          fc.tuple(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...NASTY_TEXT)), value),
          {
            maxLength: (s.maxProperties ?? 8) + 2,
            selector: ([k]) => k,
          },
        )
        .map(objectOf);
    }
    const withBadValue = fc
      .tuple(base, fc.constantFrom(...names))
      .chain(([o, n]) =>
        fuzzOf(props[n]!, depth + 1).map((v) =>
          objectOf([...Object.entries(o as object).filter(([k]) => k !== n), [n, v]]),
        ),
      );
    const withExtraKey = fc
      .tuple(
        base,
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'id', 'extra', 'role', ''),
        fc.jsonValue({ maxDepth: 1 }),
      )
      .map(([o, k, v]) => objectOf([...Object.entries(o as object), [k, v]]));
    const parts: fc.WeightedArbitrary<unknown>[] = [
      { weight: 6, arbitrary: withBadValue },
      { weight: 1, arbitrary: withExtraKey },
    ];
    if (required.length > 0) {
      parts.push({
        weight: 1,
        arbitrary: fc
          .tuple(base, fc.constantFrom(...required))
          .map(([o, n]) => objectOf(Object.entries(o as object).filter(([k]) => k !== n))),
      });
    }
    return fc.oneof(...parts);
  }

  function fuzzOf(s0: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    const s = resolve(s0);
    const structured =
      depth < 4 && (s.type === 'object' || (s.type === undefined && s.properties))
        ? fuzzObject(s, depth)
        : depth < 4 && s.type === 'array' && s.items
          ? fc.array(
              fc.oneof(
                { weight: 3, arbitrary: valid(s.items, undefined, depth + 1) },
                { weight: 1, arbitrary: fuzzOf(s.items, depth + 1) },
              ),
              { minLength: 1, maxLength: Math.min((s.maxItems ?? 4) + 1, 8) },
            )
          : undefined;
    return fc.oneof(
      ...(structured ? [{ weight: 4, arbitrary: structured }] : []),
      { weight: 2, arbitrary: valid(s, undefined, depth) },
      { weight: 3, arbitrary: broken(s) },
    );
  }

  return { valid: (s, name) => valid(s, name), fuzz: (s) => fuzzOf(s, 0) };
}
