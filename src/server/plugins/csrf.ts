import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  APP_REQUEST_HEADER,
  APP_REQUEST_HEADER_VALUE,
} from '../../contracts/app-request-header.contract.js';
import type { Config } from '../../config/config.js';
import { problem, sendProblem } from '../http/errors.js';

/** Methods that only read: everything else changes something and is guarded. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The media types an HTML form can send without asking the server first (the "simple"
 * types of the Fetch standard's CORS-safelisted Content-Type). No route accepts them: the
 * API takes JSON, and the table import text/csv or TSV.
 */
const FORM_MEDIA_TYPES = new Set([
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
]);

export type CsrfRefusal =
  | { readonly status: 403; readonly code: 'csrf.app_header_missing'; readonly detail: string }
  | { readonly status: 403; readonly code: 'csrf.foreign_origin'; readonly detail: string }
  | { readonly status: 415; readonly code: 'csrf.form_media_type'; readonly detail: string };

/** The origin our own pages are served from, as a browser writes it in `Origin`. */
export function ownOrigin(request: FastifyRequest, config: Pick<Config, 'publicUrl'>): string {
  if (config.publicUrl !== undefined) return new URL(config.publicUrl).origin;
  try {
    return new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    return 'null';
  }
}

/**
 * Whether `origin` is ours. With KETATRACK_PUBLIC_URL, it must be exactly that origin.
 * Without it, its host (name and port) must be the request's Host: behind a proxy that the
 * server does not trust, the request's scheme is not known, so only the host is compared
 * (a page on another port or another name of the same host is still foreign).
 */
export function isOwnOrigin(
  origin: string,
  request: FastifyRequest,
  config: Pick<Config, 'publicUrl'>,
): boolean {
  if (config.publicUrl !== undefined) return origin === ownOrigin(request, config);
  let given: URL;
  try {
    given = new URL(origin);
  } catch {
    return false; // `null` (a sandboxed frame, a page from a file) and anything unparsable
  }
  if (given.protocol !== 'http:' && given.protocol !== 'https:') return false;
  if (given.origin !== origin) return false; // a path, credentials or trailing text
  try {
    return new URL(`${given.protocol}//${request.host}`).host === given.host;
  } catch {
    return false;
  }
}

/**
 * Why a state-changing request must be refused as a possible cross-site request forgery,
 * or null when it may go on (ADR 0023). Three rules, each enough against a plain form:
 * our header, an own Origin when the browser names one, and no form media type.
 */
export function csrfRefusal(
  request: FastifyRequest,
  config: Pick<Config, 'publicUrl'>,
): CsrfRefusal | null {
  if (SAFE_METHODS.has(request.method)) return null;
  const mediaType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== undefined && FORM_MEDIA_TYPES.has(mediaType)) {
    return {
      status: 415,
      code: 'csrf.form_media_type',
      detail: `A request that changes something is not accepted as ${mediaType} (a type any web page's form can send): send JSON (application/json), or a table as text/csv.`,
    };
  }
  const header = request.headers[APP_REQUEST_HEADER];
  if (typeof header !== 'string' || header.trim().toLowerCase() !== APP_REQUEST_HEADER_VALUE) {
    return {
      status: 403,
      code: 'csrf.app_header_missing',
      detail: `A request that changes something must carry the header ${APP_REQUEST_HEADER}: ${APP_REQUEST_HEADER_VALUE} (our pages send it; a form on another site cannot).`,
    };
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, request, config)) {
    return {
      status: 403,
      code: 'csrf.foreign_origin',
      detail:
        'A request that changes something must come from a page of this server: the Origin header names another site.',
    };
  }
  return null;
}

/**
 * Refuses state-changing requests that a page elsewhere could have made with the user's
 * cookie, before the session is looked up (a session lookup itself extends the session).
 * Every POST, PUT, PATCH and DELETE is guarded, signed in or not: sign-in (login CSRF),
 * first-run set-up and the patient's self-report submission too.
 */
export function registerCsrfGuard(app: FastifyInstance, config: Pick<Config, 'publicUrl'>): void {
  app.addHook('onRequest', async (request, reply) => {
    const refusal = csrfRefusal(request, config);
    if (refusal === null) return;
    return sendProblem(reply, problem(request, refusal.status, refusal.code, refusal.detail));
  });
}
