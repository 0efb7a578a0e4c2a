import fc from 'fast-check';
import { ROLES, roleHasPermission, type Role } from '../../src/domain/auth/permissions.js';
import type { FuzzRequest, RequestContext } from './fuzz-requests.js';
import { mappingText, tableText } from './fuzz-import-tables.js';
import { percentEncode } from './fuzz-requests.js';
import type { Operation } from './openapi-operations.js';
import { type JsonSchema } from './schema-arbitraries.js';
import { RawJsonNumber, toJsonText } from './raw-json.js';

/**
 * Boundary values, field by field: for every query parameter and every top-level body
 * property of an operation, a request that is valid but for that one field, sent by a role
 * the route lets in. The random requests may miss a given field's edge; these never do.
 */
const BODY_EDGES: Readonly<Record<string, readonly unknown[]>> = {
  number: [new RawJsonNumber('1e999'), 1e308, -1],
  string: ['a\u0000b', 'x'.repeat(70_000), 12345],
  boolean: ['true', null],
  other: [null, [], {}],
};
const QUERY_EDGES: Readonly<Record<string, readonly string[]>> = {
  number: ['Infinity', '1e308', '-1'],
  string: ['a\u0000b', 'x'.repeat(5_000), ''],
  boolean: ['yes', ''],
  other: ['', 'x'.repeat(5_000)],
};

function kind(schema: JsonSchema): string {
  const s = schema.anyOf?.find((b) => b.type !== 'null') ?? schema;
  if (s.type === 'integer' || s.type === 'number') return 'number';
  if (s.type === 'string' && !s.enum) return 'string';
  if (s.type === 'boolean') return 'boolean';
  return 'other';
}

/** The edge requests of one operation (the same every run for a seed). */
export function edgeRequests(op: Operation, ctx: RequestContext, seed: number): FuzzRequest[] {
  const { fixture, schemas, access } = ctx;
  const one = <T>(arb: fc.Arbitrary<T>): T => fc.sample(arb, { seed, numRuns: 1 })[0]!;
  const role: Role | null =
    access === undefined || 'public' in access
      ? null
      : (ROLES.find((r) => roleHasPermission(r, access.permission)) ?? null);
  const path = op.pathParams.reduce((url, p) => {
    const id = fixture.pool(op.path, p.name)[0] ?? String(one(schemas.valid(p.schema, p.name)));
    return url.replace(`{${p.name}}`, percentEncode(id));
  }, op.path);
  const baseQuery = new Map<string, string>();
  for (const p of op.queryParams.filter((q) => q.required)) {
    const v =
      p.name === 'mapping'
        ? one(mappingText(fixture, schemas))
        : String(one(schemas.valid(p.schema, p.name)));
    baseQuery.set(p.name, v);
  }
  const isImport = op.key === 'POST /api/v1/imports/table';
  const baseBody = op.jsonBody
    ? (one(schemas.valid(op.jsonBody)) as Record<string, unknown>)
    : undefined;
  const request = (query: Map<string, string>, body: unknown): FuzzRequest => {
    const qs = [...query].map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
    const payload = isImport
      ? one(tableText(fixture))
      : body === undefined
        ? undefined
        : toJsonText(body);
    return {
      operation: op.key,
      role,
      method: op.method,
      url: qs ? `${path}?${qs}` : path,
      headers:
        payload === undefined ? {} : { 'content-type': isImport ? 'text/csv' : 'application/json' },
      ...(payload === undefined ? {} : { payload }),
    };
  };

  const out: FuzzRequest[] = [];
  for (const p of op.queryParams) {
    for (const edge of QUERY_EDGES[kind(p.schema)]!)
      out.push(request(new Map([...baseQuery, [p.name, edge]]), baseBody));
  }
  for (const [name, schema] of Object.entries(op.jsonBody?.properties ?? {})) {
    for (const edge of BODY_EDGES[kind(schema)]!)
      out.push(request(baseQuery, { ...baseBody, [name]: edge }));
  }
  return out;
}
