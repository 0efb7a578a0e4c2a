import rateLimit from '@fastify/rate-limit';
import {
  ChangePasswordBody,
  Me,
  SetupBody,
  SetupStatus,
  SignInBody,
  TotpCodeBody,
  TotpSetup,
} from '../../contracts/auth.contract.js';
import { Ok } from '../../contracts/common.contract.js';
import { changeOwnPassword } from '../../services/auth/change-password.js';
import { createFirstAdmin, needsSetup } from '../../services/auth/first-run.js';
import { signIn, signOut } from '../../services/auth/sign-in.js';
import {
  beginTotpEnrolment,
  confirmTotp,
  disableTotp,
} from '../../services/auth/totp-enrolment.js';
import { getMe } from '../../services/users/get-me.js';
import { requestContext, SESSION_COOKIE } from '../plugins/access.js';
import type { RoutePlugin } from './route-types.js';

const self = { access: { permission: 'account.self' as const } };
const pub = { access: { public: true as const } };

export const authRoutes: RoutePlugin = async (app, { deps }) => {
  await app.register(rateLimit, { global: false });

  app.get(
    '/setup',
    {
      config: pub,
      schema: {
        tags: ['auth'],
        summary: 'Whether the first administrator must still be created',
        response: { 200: SetupStatus },
      },
    },
    async () => ({ needsSetup: await needsSetup(deps) }),
  );

  app.post(
    '/setup',
    {
      config: { ...pub, rateLimit: { max: deps.config.signIn.ratePerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: 'Create the first administrator (only while no account exists)',
        body: SetupBody,
        response: { 201: Ok },
      },
    },
    async (request, reply) => {
      await createFirstAdmin(deps, requestContext(request), request.body);
      return reply.code(201).send({ ok: true });
    },
  );

  app.post(
    '/auth/sign-in',
    {
      config: { ...pub, rateLimit: { max: deps.config.signIn.ratePerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets the session cookie',
        body: SignInBody,
        response: { 200: Me },
      },
    },
    async (request, reply) => {
      const result = await signIn(
        deps,
        requestContext(request),
        request.body,
        request.headers['user-agent'] ?? null,
      );
      reply.setCookie(SESSION_COOKIE, result.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        expires: result.expiresAt,
      });
      return result.me;
    },
  );

  app.post(
    '/auth/sign-out',
    {
      config: self,
      schema: { tags: ['auth'], summary: 'End this session', response: { 200: Ok } },
    },
    async (request, reply) => {
      if (request.sessionId) await signOut(deps, requestContext(request), request.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  );

  app.get(
    '/auth/me',
    {
      config: self,
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user and their permissions',
        response: { 200: Me },
      },
    },
    async (request) => getMe(deps, requestContext(request)),
  );

  app.post(
    '/auth/password',
    {
      config: self,
      schema: {
        tags: ['auth'],
        summary: 'Change your own password',
        body: ChangePasswordBody,
        response: { 200: Ok },
      },
    },
    async (request) => {
      await changeOwnPassword(deps, requestContext(request), request.sessionId, request.body);
      return { ok: true as const };
    },
  );

  app.post(
    '/auth/totp/setup',
    {
      config: self,
      schema: {
        tags: ['auth'],
        summary: 'Start two-factor enrolment',
        response: { 200: TotpSetup },
      },
    },
    async (request) => beginTotpEnrolment(deps, requestContext(request)),
  );

  app.post(
    '/auth/totp/enable',
    {
      config: self,
      schema: {
        tags: ['auth'],
        summary: 'Confirm enrolment with a code',
        body: TotpCodeBody,
        response: { 200: Ok },
      },
    },
    async (request) => {
      await confirmTotp(deps, requestContext(request), request.body.code);
      return { ok: true as const };
    },
  );

  app.post(
    '/auth/totp/disable',
    {
      config: self,
      schema: {
        tags: ['auth'],
        summary: 'Turn two-factor off (needs a current code)',
        body: TotpCodeBody,
        response: { 200: Ok },
      },
    },
    async (request) => {
      await disableTotp(deps, requestContext(request), request.body.code);
      return { ok: true as const };
    },
  );
};
