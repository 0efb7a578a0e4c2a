import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Dialect } from '../../src/db/database.js';
import type { AppOptions } from '../../src/server/app.js';
import { ROLES, type Role } from '../../src/domain/auth/permissions.js';
import { buildApp } from '../../src/server/app.js';
import { OutcomeRefresher } from '../../src/services/outcomes/outcome-refresher.js';
import { cliContext, type Deps } from '../../src/services/deps.js';
import { createUser } from '../../src/services/users/manage-users.js';
import { APP_HEADERS } from './app-headers.js';
import { openTestDatabase, TestClock, testDeps, type TestDatabase } from './test-deps.js';

export const PASSWORD = 'correct horse battery staple';

export interface TestApi {
  /** Its `inject` sends APP_HEADERS unless told otherwise; `injectBare` sends only what it is given. */
  app: FastifyInstance & { injectBare: FastifyInstance['inject'] };
  deps: Deps;
  clock: TestClock;
  /** The app's background outcome refresher. */
  refresher: OutcomeRefresher;
  /** Session cookie header for a seeded user of each role. */
  cookies: Record<Role, string>;
  userIds: Record<Role, string>;
  as(role: Role | null, opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * `buildApp` whose `inject` sends APP_HEADERS by default, as the web app does (a test that
 * names the header itself wins; undefined leaves it out); the app's own `inject`, sending
 * only what it is given, stays reachable as `injectBare` for the tests of that guard.
 */
export async function buildTestApp(
  deps: Deps,
  options: AppOptions,
): Promise<FastifyInstance & { injectBare: FastifyInstance['inject'] }> {
  const app = await buildApp(deps, options);
  const bare = app.inject.bind(app) as (opts: InjectOptions) => Promise<LightMyRequestResponse>;
  const withHeader = (opts: InjectOptions | string) => {
    const o = typeof opts === 'string' ? { url: opts } : opts;
    const headers: Record<string, unknown> = { ...APP_HEADERS, ...(o.headers ?? {}) };
    // An explicit undefined removes the header (light-my-request would send "undefined").
    for (const [name, value] of Object.entries(headers))
      if (value === undefined) delete headers[name];
    return bare({ ...o, headers: headers as InjectOptions['headers'] });
  };
  return Object.assign(app, {
    injectBare: bare as FastifyInstance['inject'],
    inject: withHeader as FastifyInstance['inject'],
  });
}

export function sessionCookie(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === 'kt_session');
  if (!c) throw new Error(`no session cookie (status ${res.statusCode}: ${res.body})`);
  return `kt_session=${c.value}`;
}

/** An app on a fresh database with one signed-in user per role. */
export async function startTestApi(
  dialect: Dialect,
  env: Record<string, string> = {},
): Promise<TestApi> {
  const tdb: TestDatabase = await openTestDatabase(dialect);
  const clock = new TestClock(new Date());
  // Tests sign in often from one address; the rate limit has its own test.
  const refresher = new OutcomeRefresher();
  const deps: Deps = {
    ...testDeps(tdb.database, clock, { KETATRACK_SIGNIN_RATE_PER_MINUTE: '1000', ...env }),
    background: refresher,
  };
  const app = await buildTestApp(deps, { logger: false, webRoot: null, refresher });
  const cookies = {} as Record<Role, string>;
  const userIds = {} as Record<Role, string>;
  for (const role of ROLES) {
    const email = `${role}@test.invalid`;
    const user = await createUser(deps, cliContext(), {
      email,
      role,
      displayName: `Test ${role}`,
      password: PASSWORD,
    });
    userIds[role] = user.id;
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email, password: PASSWORD },
    });
    cookies[role] = sessionCookie(res);
  }
  return {
    app,
    deps,
    clock,
    refresher,
    cookies,
    userIds,
    as: (role, opts) =>
      app.inject({
        ...opts,
        headers: { ...(opts.headers ?? {}), ...(role ? { cookie: cookies[role] } : {}) },
      }),
    close: async () => {
      await app.close();
      await tdb.drop();
    },
  };
}
