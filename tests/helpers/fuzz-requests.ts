import fc from 'fast-check';
import { ROLES, roleHasPermission, type Role } from '../../src/domain/auth/permissions.js';
import type { Access } from '../../src/server/plugins/access.js';
import type { FuzzFixture } from './fuzz-fixture.js';
import type { HttpMethod, Operation } from './openapi-operations.js';
import { type JsonSchema, type SchemaArbitraries } from './schema-arbitraries.js';
import { NASTY_PARAMS, NASTY_TEXT } from './nasty-values.js';
import { RawJsonNumber, toJsonText } from './raw-json.js';
import { mappingText, tableText } from './fuzz-import-tables.js';

/** One generated request: who sends it and the bytes of it. */
export interface FuzzRequest {
  readonly operation: string;
  /** The signed-in role whose session cookie goes with it; null: signed out. */
  readonly role: Role | null;
  readonly method: HttpMethod;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload?: string;
}

const ONE_OFF_BODIES: readonly string[] = [
  '',
  '{',
  '}',
  'null',
  '[]',
  '"x"',
  '0',
  '{"a":1,"a":2}',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  '\u0000',
  '\ufeff{}',
  '['.repeat(5000) + ']'.repeat(5000),
  '{"x":' + '1'.repeat(400) + '}',
  'a=1&b=2',
];

const PATH_RAW: readonly string[] = [
  '%',
  '%ZZ',
  '%00',
  '..',
  '.',
  '%2e%2e',
  '%2F',
  'a%2Fb',
  '%E0%A4%A',
  '%C0%AF',
  ';',
  '*',
];

/**
 * Percent-encodes like encodeURIComponent, but writes a lone surrogate (which that refuses)
 * as the three bytes UTF-8 would give it: invalid UTF-8 for the server to decode.
 */
export function percentEncode(text: string): string {
  return text.replace(/[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]|[^]/g, (ch) => {
    if (ch.length === 2 || !/[\ud800-\udfff]/.test(ch)) return encodeURIComponent(ch);
    const c = ch.charCodeAt(0);
    return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
      .map((b) => `%${b.toString(16).toUpperCase()}`)
      .join('');
  });
}

/** Text for a generated value in a query string or path. */
export function asParamText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof RawJsonNumber) return v.text;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return toJsonText(v);
}

/** Nasty text fitted to what a parameter holds: numbers get numeric edges more often. */
function nastyFor(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.type === 'integer' || schema.type === 'number')
    return fc.constantFrom(
      'Infinity',
      '-Infinity',
      '1e308',
      '-1e308',
      '1e999',
      'NaN',
      '-1',
      '1.5',
      '9007199254740993',
      '',
      'abc',
      '0x1F',
      '1e3',
      ' 7',
    );
  if (schema.type === 'boolean')
    return fc.constantFrom('', '1', '0', 'yes', 'TRUE', 'null', 'true,false');
  return fc.constantFrom(...NASTY_PARAMS);
}

/** A value once in `every` draws, otherwise undefined. */
function rarely<T>(arb: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { weight: every - 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: arb },
  );
}

export interface RequestContext {
  readonly fixture: FuzzFixture;
  readonly schemas: SchemaArbitraries;
  /** The access rule the route declared (which roles it lets in). */
  readonly access: Access | undefined;
}

/** Requests for one operation: every role and signed out, valid values, edges and junk. */
export function requestArbitrary(op: Operation, ctx: RequestContext): fc.Arbitrary<FuzzRequest> {
  const { fixture, schemas, access } = ctx;
  const allowed = (r: Role) =>
    access !== undefined && ('public' in access || roleHasPermission(r, access.permission));
  const isPublic = access !== undefined && 'public' in access;
  // Three requests in four from someone the route lets in (signed out, for public routes).
  const inside = isPublic ? [] : ROLES.filter(allowed);
  const outside = ROLES.length + 1 - inside.length;
  const insideWeight = inside.length > 0 ? Math.ceil((3 * outside) / inside.length) : 1;
  const role: fc.Arbitrary<Role | null> = fc.oneof(
    ...ROLES.map((r) => ({
      weight: inside.includes(r) ? insideWeight : 1,
      arbitrary: fc.constant<Role | null>(r),
    })),
    { weight: isPublic ? 3 * ROLES.length : 1, arbitrary: fc.constant<Role | null>(null) },
  );

  const pathSegment = (name: string, schema: JsonSchema): fc.Arbitrary<string> => {
    const pool = fixture.pool(op.path, name);
    const encoded = (a: fc.Arbitrary<unknown>) => a.map((v) => percentEncode(asParamText(v)));
    return fc.oneof(
      ...(pool.length > 0 ? [{ weight: 16, arbitrary: encoded(fc.constantFrom(...pool)) }] : []),
      { weight: 2, arbitrary: encoded(schemas.valid(schema, name)) },
      { weight: 1, arbitrary: encoded(fc.constantFrom(...fixture.allIds)) },
      { weight: 1, arbitrary: encoded(fc.uuid()) },
      { weight: 2, arbitrary: encoded(nastyFor(schema)) },
      {
        weight: 1,
        arbitrary: encoded(fc.constantFrom('x'.repeat(65), 'x'.repeat(101), 'y'.repeat(5000))),
      },
      { weight: 1, arbitrary: fc.constantFrom(...PATH_RAW) },
    );
  };
  const path = fc
    .tuple(
      ...op.pathParams.map((p) => pathSegment(p.name, p.schema).map((v) => [p.name, v] as const)),
    )
    .map((pairs) => pairs.reduce((url, [name, v]) => url.replace(`{${name}}`, v), op.path));

  const mapping = mappingText(fixture, schemas);
  const queryValue = (name: string, schema: JsonSchema): fc.Arbitrary<string[]> => {
    const good = name === 'mapping' ? mapping : schemas.valid(schema, name).map(asParamText);
    return fc.oneof(
      { weight: 6, arbitrary: good.map((v) => [v]) },
      { weight: 2, arbitrary: nastyFor(schema).map((v) => [v]) },
      { weight: 1, arbitrary: schemas.fuzz(schema).map((v) => [asParamText(v)]) },
      { weight: 1, arbitrary: fc.tuple(good, good).map(([a, b]) => [a, b]) },
    );
  };
  const query = fc
    .tuple(
      ...op.queryParams.map((p) =>
        // fc.option leaves a value out once in `freq` draws.
        fc
          .option(queryValue(p.name, p.schema), { freq: p.required ? 12 : 2, nil: undefined })
          .map((v) => [p.name, v] as const),
      ),
      // Now and then an unknown parameter, or raw text that is not a well-formed query.
      rarely(
        fc.tuple(
          fc.constantFrom('extra', 'limit', '__proto__', 'constructor', ''),
          fc.constantFrom(...NASTY_PARAMS),
        ),
        8,
      ),
      rarely(
        fc.constantFrom('%', '%ZZ', '%00', '&&&', '=', 'a[b]=1', 'a[]=1&a[]=2', '__proto__[x]=1'),
        12,
      ),
    )
    .map((parts) => {
      const extra = parts[parts.length - 2] as readonly [string, string] | undefined;
      const raw = parts[parts.length - 1] as string | undefined;
      const named = parts.slice(0, -2) as (readonly [string, string[] | undefined])[];
      const pairs: string[] = [];
      for (const [name, values] of named)
        for (const v of values ?? []) pairs.push(`${percentEncode(name)}=${percentEncode(v)}`);
      if (extra) pairs.push(`${percentEncode(extra[0])}=${percentEncode(extra[1])}`);
      if (raw) pairs.push(raw);
      return pairs.length > 0 ? `?${pairs.join('&')}` : '';
    });

  type Body = { contentType?: string; payload?: string };
  const jsonTypes = fc.oneof(
    { weight: 12, arbitrary: fc.constant('application/json') },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'Application/JSON',
        'application/json; charset=iso-8859-1',
        'application/merge-patch+json',
      ),
    },
  );
  let body: fc.Arbitrary<Body>;
  if (op.key === 'POST /api/v1/imports/table') {
    body = fc.record({
      contentType: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom('text/csv', 'text/tab-separated-values') },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            'text/plain',
            'application/json',
            'text/csv; charset=utf-8',
            'application/octet-stream',
          ),
        },
      ),
      payload: tableText(fixture),
    });
  } else if (op.jsonBody) {
    const schema = op.jsonBody;
    body = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          contentType: jsonTypes,
          payload: schemas.valid(schema).map(toJsonText),
        }),
      },
      {
        weight: 4,
        arbitrary: fc.record({
          contentType: jsonTypes,
          payload: schemas.fuzz(schema).map(toJsonText),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          contentType: jsonTypes,
          payload: fc.constantFrom(...ONE_OFF_BODIES),
        }),
      },
      { weight: 1, arbitrary: fc.constant<Body>({}) },
    );
  } else {
    body = fc.oneof(
      { weight: 6, arbitrary: fc.constant<Body>({}) },
      {
        weight: 1,
        arbitrary: fc.constant<Body>({ contentType: 'application/json', payload: '{}' }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          contentType: jsonTypes,
          payload: fc.constantFrom(...ONE_OFF_BODIES, ...NASTY_TEXT),
        }),
      },
    );
  }
  if (op.method === 'GET')
    body = fc.oneof(
      { weight: 9, arbitrary: fc.constant<Body>({}) },
      { weight: 1, arbitrary: body },
    );

  return fc
    .record({ role, path, query, body })
    .map(({ role: r, path: p, query: q, body: b }): FuzzRequest => ({
      operation: op.key,
      role: r,
      method: op.method,
      url: `${p}${q}`,
      headers: b.contentType !== undefined ? { 'content-type': b.contentType } : {},
      ...(b.payload !== undefined ? { payload: b.payload } : {}),
    }));
}
