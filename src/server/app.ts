import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Problem } from '../contracts/common.contract.js';
import type { Deps as BaseDeps } from '../services/deps.js';
import { clearLeftoverUploads } from '../services/imports/import-upload.js';
import { OutcomeRefresher } from '../services/outcomes/outcome-refresher.js';
import { registerCompression } from './http/compression.js';
import { errorHandler, problem, sendProblem } from './http/errors.js';
import { deferContinue } from './http/expect-continue.js';
import { clientErrorHandler, frameworkErrors } from './http/framework-errors.js';
import { DOCS_POLICY, policyText, registerSecurityHeaders } from './http/security-headers.js';
import { findWebApp, registerWebApp, sendWebPage, webFallback } from './http/web-app.js';
import { registerAccessControl } from './plugins/access.js';
import { registerCsrfGuard } from './plugins/csrf.js';
import { validatorCompiler } from './plugins/validation.js';
import { assessmentRoutes } from './routes/assessments.routes.js';
import { auditRoutes } from './routes/audit.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { eligibilityRoutes } from './routes/eligibility.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { importRoutes } from './routes/imports.routes.js';
import { patientRoutes } from './routes/patients.routes.js';
import { reportRoutes } from './routes/reports.routes.js';
import { sessionRoutes } from './routes/sessions.routes.js';
import { settingRoutes } from './routes/settings.routes.js';
import { siteRoutes } from './routes/sites.routes.js';
import { userRoutes } from './routes/users.routes.js';

export const DEFAULT_WEB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export interface AppOptions {
  /** Built web app to serve at `/`; null serves the API only. */
  readonly webRoot?: string | null;
  /** The process logger (shared with services through deps.log); tests pass false. */
  readonly logger?: FastifyBaseLogger | false;
  /** The background outcome refresher (tests pass their own to wait on it). */
  readonly refresher?: OutcomeRefresher;
}

export const API_PREFIX = '/api/v1';

/** Builds the server without listening, so tests can use `app.inject()`. */
export async function buildApp(
  baseDeps: BaseDeps,
  options: AppOptions = {},
): Promise<FastifyInstance> {
  // The server keeps stored course outcomes current in the background (issue 10).
  const refresher = options.refresher ?? new OutcomeRefresher();
  const deps: BaseDeps = { ...baseDeps, background: refresher };
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // Node's own (it draws random bytes in bulk; the uuid package asks for 16 per id).
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: deps.config.trustedProxies.length > 0 ? [...deps.config.trustedProxies] : false,
    bodyLimit: 1_048_576,
    // Refusals before any route (a URL that does not decode; headers Node's parser refused)
    // are problem+json too (issue 11).
    frameworkErrors,
    clientErrorHandler,
    // Node answers an HTTP/1.1 request without a Host header itself, as a bare 400; the
    // hook below refuses it as problem+json with the security headers instead.
    http: { requireHostHeader: false },
  }).withTypeProvider<TypeBoxTypeProvider>();
  deferContinue(app.server);

  app.setValidatorCompiler(validatorCompiler());
  app.setErrorHandler(errorHandler);
  // The first hooks of all: every answer, refusals included, carries the security headers.
  await registerSecurityHeaders(app);
  app.addHook('onRequest', async (request, reply) => {
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined)
      return sendProblem(
        reply,
        problem(
          request,
          400,
          'http.host_missing',
          'An HTTP/1.1 request must name the server it is for in a Host header.',
        ),
      );
  });
  // JSON is the only body the API takes (the table import adds its own types); a text/plain
  // body is what an HTML form on another site can send (ADR 0023).
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // API answers carry patient data or session state: never kept by a browser or a
    // shared proxy (a clinic's shared workstation, a corporate cache).
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
    // Refused before its body was read (not signed in, not allowed, too large): close the
    // connection after answering rather than read the rest of a body nobody will use.
    const hasBody =
      request.headers['transfer-encoding'] !== undefined ||
      Number(request.headers['content-length'] ?? 0) > 0;
    if (reply.statusCode >= 400 && hasBody && !request.raw.complete)
      reply.header('connection', 'close');
  });

  // Before any route, so every route gets its compression rule (ADR 0016).
  await registerCompression(app);
  await app.register(cookie);
  // Before access control: a forged request is refused before its session is even looked up.
  registerCsrfGuard(app, deps.config);
  registerAccessControl(app, deps);
  app.addSchema(Problem);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ketatrack API',
        version: '1',
        description:
          "Errors are RFC 9457 problem+json naming each bad field. Every route except health, sign-in, first-run set-up and the self-report link needs a session cookie from POST /api/v1/auth/sign-in. Every POST, PUT, PATCH and DELETE must carry the header `X-Requested-With: ketatrack`, and an Origin header, when sent, must be this server's own; a JSON body is sent as application/json.",
      },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'kt_session' } },
      },
      security: [{ session: [] }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: policyText(DOCS_POLICY),
    uiConfig: {
      // "Try it out" sends what our own pages send (ADR 0023). The function's source is
      // written into the docs' script file, so it names the header literally.
      requestInterceptor: (req) => {
        (req.headers as unknown as Record<string, string>)['x-requested-with'] = 'ketatrack';
        return req;
      },
    },
  });
  app.get(
    '/api/openapi.json',
    { config: { access: { public: true } }, schema: { hide: true } },
    async () => app.swagger(),
  );

  await app.register(healthRoutes, { deps });
  await app.register(authRoutes, { deps, prefix: API_PREFIX });
  await app.register(userRoutes, { deps, prefix: API_PREFIX });
  await app.register(patientRoutes, { deps, prefix: API_PREFIX });
  await app.register(auditRoutes, { deps, prefix: API_PREFIX });
  await app.register(assessmentRoutes, { deps, prefix: API_PREFIX });
  await app.register(settingRoutes, { deps, prefix: API_PREFIX });
  await app.register(eligibilityRoutes, { deps, prefix: API_PREFIX });
  await app.register(sessionRoutes, { deps, prefix: API_PREFIX });
  await app.register(reportRoutes, { deps, prefix: API_PREFIX });
  await app.register(importRoutes, { deps, prefix: API_PREFIX });
  await app.register(siteRoutes, { deps, prefix: API_PREFIX });

  const webRoot = findWebApp(options.webRoot === undefined ? DEFAULT_WEB_ROOT : options.webRoot);
  if (webRoot !== null) await registerWebApp(app, webRoot);

  app.addHook('onReady', async () => {
    // Uploads a killed server was importing: nothing can finish them now (ADR 0018).
    await clearLeftoverUploads(deps.config.dataDir);
    refresher.start(deps);
  });
  app.addHook('onClose', () => refresher.stop());

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const isPageRequest =
      (request.method === 'GET' || request.method === 'HEAD') &&
      !path.startsWith('/api/') &&
      !path.startsWith('/fhir/');
    const page = isPageRequest ? webFallback(path) : null;
    if (page === null || page === 'missing-file') {
      return sendProblem(
        reply,
        problem(request, 404, 'http.not_found', `No route ${request.method} ${path}.`),
      );
    }
    // Client-side routes of the single-page app load its page; /r/<token> the patient's page.
    if (webRoot !== null) return sendWebPage(reply, page);
    return reply
      .code(503)
      .type('text/plain')
      .send('The web app is not built. Run `npm run build:web` (npm start does this for you).');
  });

  return app;
}
