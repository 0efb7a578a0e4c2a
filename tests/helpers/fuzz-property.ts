import type { LightMyRequestResponse } from 'fastify';
import { ROLES, type Role } from '../../src/domain/auth/permissions.js';
import type { FuzzFixture } from './fuzz-fixture.js';
import type { FuzzRequest } from './fuzz-requests.js';
import { PASSWORD, sessionCookie, type TestApi } from './test-api.js';

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
