import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsDeclaredAccess, type Access } from '../../src/server/plugins/access.js';
import { edgeRequests } from '../helpers/fuzz-edges.js';
import { seedFuzzFixture, type FuzzFixture } from '../helpers/fuzz-fixture.js';
import {
  describeRequest,
  type FuzzFailure,
  repairFixture,
  responseViolation,
  sendFuzzRequest,
  unusableBecause,
} from '../helpers/fuzz-property.js';
import { requestArbitrary } from '../helpers/fuzz-requests.js';
import { operationsOf, type OpenApiDocument } from '../helpers/openapi-operations.js';
import { schemaArbitraries, type SchemaArbitraries } from '../helpers/schema-arbitraries.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';

/**
 * Issue 11: every operation of the OpenAPI document, as every role and signed out, with
 * requests drawn by fast-check from the operation's own schemas (valid values, edges, junk).
 * The property, per request: never a 5xx; every 4xx is problem+json with type, title and
 * its own status, echoing no internals. Per operation: afterwards the server still serves
 * the fixture. A small budget with a fixed seed here; bench/fuzz.ts runs it longer.
 *
 * Each operation gets, first, its edge requests (every query parameter and body property in
 * turn set to Infinity, 1e308, -1, NUL text, 70,000 characters, the wrong type…, the rest
 * valid, from a role the route lets in), then RUNS requests drawn at random.
 *
 * The requests are drawn with fc.sample rather than checked by fc.assert: the server is
 * stateful, so shrinking would replay requests against a database the earlier ones changed,
 * and a fix needs every failing request, not the first one of each operation.
 */
const RUNS = Number(process.env.KETATRACK_FUZZ_RUNS ?? 16);
const SEED = Number(process.env.KETATRACK_FUZZ_SEED ?? 20261204);
/** bench/fuzz.ts asks for a summary per dialect (requests, statuses, failures) in this file. */
const SUMMARY = process.env.KETATRACK_FUZZ_SUMMARY;

/** Routes the document leaves out on purpose: the document itself (takes nothing). */
const NOT_DOCUMENTED = ['GET /api/openapi.json'];

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

// The operations are read once, from an app on a throwaway database, so each gets its own test.
const doc: OpenApiDocument = await (async () => {
  const api = await startTestApi('sqlite');
  try {
    return (await api.as(null, { url: '/api/openapi.json' })).json();
  } finally {
    await api.close();
  }
})();
const operations = operationsOf(doc);

describe.each(dialects())('fuzz of every operation on %s', (dialect) => {
  let api: TestApi;
  let fixture: FuzzFixture;
  let schemas: SchemaArbitraries;
  let started = 0;
  const statuses: Record<string, number> = {};
  const perOperation: Record<string, Record<string, number>> = {};
  const failures: FuzzFailure[] = [];
  let sent = 0;

  beforeAll(async () => {
    started = Date.now();
    api = await startTestApi(dialect);
    fixture = await seedFuzzFixture(api);
    schemas = schemaArbitraries(doc.components?.schemas ?? {}, fixture.hints);
  }, 120_000);
  afterAll(async () => {
    if (SUMMARY) {
      const summary = {
        dialect,
        seed: SEED,
        runsPerOperation: RUNS,
        operations: operations.length,
        requests: sent,
        statuses,
        fiveXx: Object.entries(statuses)
          .filter(([s]) => Number(s) >= 500)
          .reduce((n, [, c]) => n + c, 0),
        failures,
        perOperation,
        seconds: (Date.now() - started) / 1000,
      };
      writeFileSync(`${SUMMARY}.${dialect}.json`, JSON.stringify(summary, null, 1));
    }
    await api?.close();
  });

  it('covers every API route the server registers', () => {
    const documented = new Set(operations.map((o) => `${o.method} ${o.route}`));
    const registered = api.app.registeredRoutes
      .filter((r) => needsDeclaredAccess(r.url) && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`);
    expect(registered.filter((r) => !documented.has(r) && !NOT_DOCUMENTED.includes(r))).toEqual([]);
    expect(operations.length).toBeGreaterThan(50);
  });

  it.each(operations)('$key', async (op) => {
    const access: Access | undefined = api.app.registeredRoutes.find(
      (r) => r.method === op.method && r.url === op.route,
    )?.access;
    const ctx = { fixture, schemas, access };
    const seed = SEED ^ hash(op.key);
    const requests = [
      ...edgeRequests(op, ctx, seed),
      ...fc.sample(requestArbitrary(op, ctx), { seed, numRuns: RUNS }),
    ];
    const seen: Record<string, number> = (perOperation[op.key] = {});
    const found: FuzzFailure[] = [];
    for (const req of requests) {
      let status = 'no answer';
      try {
        const res = await sendFuzzRequest(api, req);
        status = String(res.statusCode);
        const violation = responseViolation(res);
        if (violation)
          found.push({
            operation: op.key,
            violation,
            request: describeRequest(req),
            response: res.body.slice(0, 300),
          });
      } catch (error) {
        found.push({
          operation: op.key,
          violation: (error as Error).message,
          request: describeRequest(req),
          response: '',
        });
      }
      sent += 1;
      statuses[status] = (statuses[status] ?? 0) + 1;
      seen[status] = (seen[status] ?? 0) + 1;
    }
    if (op.path.endsWith('/archive')) await repairFixture(api, fixture);
    const unusable = await unusableBecause(api, fixture);
    failures.push(
      ...found,
      ...unusable.map((u) => ({
        operation: op.key,
        violation: 'unusable afterwards',
        request: u,
        response: '',
      })),
    );
    expect({
      found: found.map((f) => `${f.violation}: ${f.request} → ${f.response}`),
      unusable,
    }).toEqual({ found: [], unusable: [] });
  });
});
