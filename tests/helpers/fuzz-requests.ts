import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { ROLES, roleHasPermission, type Role } from '../../src/domain/auth/permissions.js';
import type { Access } from '../../src/server/plugins/access.js';
import type { FuzzFixture } from './fuzz-fixture.js';
import type { HttpMethod, Operation } from './openapi-operations.js';
import {
  NASTY_PARAMS,
  NASTY_TEXT,
  RawJsonNumber,
  toJsonText,
  type JsonSchema,
  type SchemaArbitraries,
} from './schema-arbitraries.js';
import { PASSWORD, sessionCookie, type TestApi } from './test-api.js';

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
function asParamText(v: unknown): string {
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

/**
 * A mapping for the table import: usually one that fits the generated tables, sometimes one
 * with a part broken, sometimes not JSON at all.
 */
function mappingText(fixture: FuzzFixture, schemas: SchemaArbitraries): fc.Arbitrary<string> {
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
function tableText(fixture: FuzzFixture): fc.Arbitrary<string> {
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

const ANSWER_TIMEOUT_MS = 20_000;

/**
 * Sends a request as its role. The one place the fuzz talks to the server: it goes through
 * TestApi.as, so it carries whatever the other tests send (session cookie, and any header a
 * CSRF rule asks of a browser's requests).
 */
export async function sendFuzzRequest(
  api: TestApi,
  req: FuzzRequest,
): Promise<LightMyRequestResponse> {
  const opts = {
    method: req.method,
    url: req.url,
    headers: { ...req.headers },
    ...(req.payload !== undefined ? { payload: req.payload } : {}),
  };
  let send: () => Promise<LightMyRequestResponse>;
  if (req.operation === 'POST /api/v1/auth/sign-out' && req.role !== null) {
    // Sign out a second session of the role, so the fixture's own session stays signed in.
    const signIn = await api.as(null, {
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: `${req.role}@test.invalid`, password: PASSWORD },
    });
    const cookie = sessionCookie(signIn);
    send = () => api.as(null, { ...opts, headers: { ...opts.headers, cookie } });
  } else {
    send = () => api.as(req.role, opts);
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)),
      ANSWER_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([send(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Internals a client must never see in an error (driver messages, stack frames, paths). */
const LEAKS =
  /SqliteError|SQLITE_[A-Z]|node_modules|\bat [\w.<>$]+ \((?:file:|\/)|syntax error at or near|violates [a-z ]*constraint|duplicate key value|invalid input syntax for/;

/** The property: never 5xx; every error is problem+json with type, title and its own status; no internals. */
export function responseViolation(res: LightMyRequestResponse): string | null {
  if (res.statusCode >= 500) return `answered ${res.statusCode}`;
  if (res.statusCode < 400) return null;
  const type = String(res.headers['content-type'] ?? '');
  if (!type.startsWith('application/problem+json'))
    return `error ${res.statusCode} has content-type "${type}", not application/problem+json`;
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return `error ${res.statusCode} body is not JSON`;
  }
  const p = body as { type?: unknown; title?: unknown; status?: unknown };
  if (typeof p.type !== 'string' || typeof p.title !== 'string' || p.status !== res.statusCode)
    return `error ${res.statusCode} problem lacks type/title or has status ${String(p.status)}`;
  if (LEAKS.test(res.body)) return `error ${res.statusCode} echoes internals`;
  return null;
}

/** A request that broke the property, for the test's message and the bench's summary. */
export interface FuzzFailure {
  readonly operation: string;
  readonly violation: string;
  /** describeRequest's text: role, method, URL, body. */
  readonly request: string;
  /** The start of the response body. */
  readonly response: string;
}

/** A request, as a lead would paste it into a reproduction. */
export function describeRequest(req: FuzzRequest): string {
  const body =
    req.payload === undefined
      ? ''
      : ` body(${req.headers['content-type'] ?? 'no content-type'}, ${req.payload.length} chars)=${JSON.stringify(req.payload.length > 300 ? `${req.payload.slice(0, 300)}…` : req.payload)}`;
  const url = req.url.length > 200 ? `${req.url.slice(0, 200)}…(${req.url.length} chars)` : req.url;
  return `${req.role ?? 'signed-out'} ${req.method} ${url}${body}`;
}

/**
 * The server still serves the fixture after an operation's requests: it is ready, every
 * role is still signed in, and the first active patient and the chairside session read.
 * Returns what failed; roles whose session was lost are signed in again (once reported),
 * so one failure does not spoil every later operation.
 */
export async function unusableBecause(api: TestApi, fixture: FuzzFixture): Promise<string[]> {
  const problems: string[] = [];
  const expectOk = async (role: Role | null, url: string) => {
    const res = await api.as(role, { url });
    if (res.statusCode !== 200)
      problems.push(`${role ?? 'signed-out'} GET ${url} answered ${res.statusCode}`);
    return res.statusCode === 200;
  };
  await expectOk(null, '/readyz');
  await expectOk('clinician', `/api/v1/patients/${fixture.activePatients[0]}`);
  await expectOk('nurse', `/api/v1/sessions/${fixture.pool('/api/v1/sessions/{id}', 'id')[0]}`);
  for (const role of ROLES) {
    if (await expectOk(role, '/api/v1/auth/me')) continue;
    const res = await api.as(null, {
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: `${role}@test.invalid`, password: PASSWORD },
    });
    if (res.statusCode === 200) api.cookies[role] = sessionCookie(res);
  }
  return problems;
}

/** Puts back what an operation may have changed on purpose: restores archived fixture patients. */
export async function repairFixture(api: TestApi, fixture: FuzzFixture): Promise<void> {
  for (const id of fixture.activePatients)
    await api.as('clinician', { method: 'POST', url: `/api/v1/patients/${id}/restore` });
}
