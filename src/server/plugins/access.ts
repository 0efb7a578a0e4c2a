import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { roleHasPermission, type Permission } from '../../domain/auth/permissions.js';
import type { Actor, Deps, RequestContext } from '../../services/deps.js';
import { resolveSession } from '../../services/auth/sign-in.js';
import { problem, sendProblem } from '../http/errors.js';

/** Every API route declares exactly one of these in `config.access`. */
export type Access = { readonly public: true } | { readonly permission: Permission };

export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
  readonly access: Access | undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every route with its declared access, for the route-permission test and docs. */
    registeredRoutes: RegisteredRoute[];
  }
  interface FastifyRequest {
    actor: Actor | null;
    sessionId: string | null;
  }
}

export const SESSION_COOKIE = 'kt_session';

/** Routes that must declare access: the API and the probes. The browsable docs are static assets. */
export function needsDeclaredAccess(url: string): boolean {
  if (url.startsWith('/api/docs')) return false;
  return url.startsWith('/api/') || url === '/healthz' || url === '/readyz';
}

export function requestContext(request: FastifyRequest): RequestContext {
  return { actor: request.actor, requestId: request.id, ip: request.ip };
}

/**
 * Enforces the role → permission table on every request. A route that forgets
 * to declare its access fails at start-up, not in production.
 */
export function registerAccessControl(app: FastifyInstance, deps: Deps): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionId', null);

  app.decorate('registeredRoutes', []);
  app.addHook('onRoute', (route: RouteOptions) => {
    if (needsDeclaredAccess(route.url) && route.config?.access === undefined) {
      throw new Error(`Route ${String(route.method)} ${route.url} does not declare config.access`);
    }
    for (const method of [route.method].flat()) {
      app.registeredRoutes.push({ method, url: route.url, access: route.config?.access });
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (access === undefined || 'public' in access) return;
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await resolveSession(deps, token) : null;
    if (!session) {
      return sendProblem(
        reply,
        problem(request, 401, 'auth.unauthenticated', 'Sign in to use this.'),
      );
    }
    request.actor = session.actor;
    request.sessionId = session.sessionId;
    if (!roleHasPermission(session.actor.role, access.permission)) {
      return sendProblem(
        reply,
        problem(
          request,
          403,
          'auth.forbidden',
          `The ${session.actor.role} role may not do this (needs ${access.permission}).`,
        ),
      );
    }
  });
}
