import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from '../../contracts/common.contract.js';
import {
  DomainError,
  type DomainErrorCode,
  type FieldProblem,
} from '../../domain/errors/domain-error.js';

/** The one place a domain error code becomes an HTTP status. */
const STATUS: Readonly<Record<DomainErrorCode, number>> = {
  'auth.unauthenticated': 401,
  'auth.forbidden': 403,
  'auth.invalid_credentials': 401,
  'auth.totp_already_enabled': 409,
  'auth.totp_required': 401,
  'auth.totp_invalid': 401,
  'setup.already_done': 409,
  'validation.failed': 400,
  'patient.not_found': 404,
  'patient.mrn_taken': 409,
  'patient.archived': 409,
  'patient.version_conflict': 409,
  'user.not_found': 404,
  'user.email_taken': 409,
  'user.last_admin': 409,
  'record.not_found': 404,
  'setting.conflict': 409,
  'assessment.invalid': 400,
  'alert.already_acknowledged': 409,
  'selfreport.invalid': 404,
  'selfreport.expired': 410,
  'selfreport.used': 410,
  'course.gates_not_met': 409,
  'session.not_found': 404,
  'session.version_conflict': 409,
  'session.transition_refused': 409,
  'session.not_cleared': 409,
  'session.dose_invalid': 400,
  'import.invalid': 422,
  'import.busy': 409,
  'import.too_large': 413,
  'import.too_slow': 408,
  'report.provisional': 409,
  'import.server_busy': 503,
  // The client is gone, so nobody receives this: nginx's "client closed request", for the log.
  'import.abandoned': 499,
  'site.name_taken': 409,
  'study.name_taken': 409,
};

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Not signed in',
  408: 'Request timed out',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Request body too large',
  414: 'Address too long',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  423: 'Locked',
  429: 'Too many requests',
  431: 'Request headers too large',
  499: 'Client closed request',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** The title of a problem with this status. */
export function problemTitle(status: number): string {
  return TITLES[status] ?? 'Error';
}

export function problem(
  request: FastifyRequest,
  status: number,
  code: string,
  detail: string,
  errors?: readonly FieldProblem[],
): Problem {
  return {
    type: `urn:ketatrack:problem:${code}`,
    title: problemTitle(status),
    status,
    detail,
    instance: request.url.split('?')[0] ?? request.url,
    code,
    requestId: request.id,
    ...(errors && errors.length > 0 ? { errors: [...errors] } : {}),
  };
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type('application/problem+json').send(body);
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns schema failures into one entry per field: `{field, rule, message}`. */
export function schemaProblems(
  validation: readonly AjvError[],
  context: string | undefined,
): FieldProblem[] {
  return validation.map((v) => {
    const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const missing =
      typeof v.params.missingProperty === 'string' ? v.params.missingProperty : undefined;
    const extra =
      typeof v.params.additionalProperty === 'string' ? v.params.additionalProperty : undefined;
    const field =
      [path, missing ?? extra].filter((p) => p !== undefined && p !== '').join('.') ||
      context ||
      'body';
    const rule = extra ? 'unknown-field' : v.keyword;
    const message = extra ? 'is not a known field' : (v.message ?? 'is invalid');
    return { field, rule, message };
  });
}

/**
 * Refusals a client should simply repeat later carry Retry-After (RFC 9110 §10.2.3), in
 * seconds: a busy server's uploads are short, a dry run takes seconds, a large import a minute.
 */
const RETRY_AFTER_SECONDS: Partial<Record<DomainErrorCode, number>> = {
  'import.server_busy': 30,
};

export function errorHandler(
  error: FastifyError | DomainError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof DomainError) {
    const status = STATUS[error.code];
    const retryAfter = RETRY_AFTER_SECONDS[error.code];
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    return sendProblem(reply, problem(request, status, error.code, error.message, error.fields));
  }
  const fe = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation) {
    const fields = schemaProblems(fe.validation, fe.validationContext);
    const detail = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    return sendProblem(reply, problem(request, 400, 'validation.failed', detail, fields));
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own client errors (malformed JSON, body too large, bad media type, rate limit).
    const code = fe.code ? `http.${fe.code.toLowerCase()}` : `http.${fe.statusCode}`;
    return sendProblem(reply, problem(request, fe.statusCode, code, fe.message));
  }
  if (isDataException(error)) {
    // A value the client sent that the database cannot hold (PostgreSQL class 22: a NUL in
    // text, 22021; a number out of range, 22003), past every schema: the client's fault,
    // never a 500, and the value is not echoed.
    request.log.warn({ err: error, requestId: request.id }, 'database refused a value');
    return sendProblem(
      reply,
      problem(
        request,
        400,
        'validation.unstorable_value',
        'The request holds a value the database cannot store (such as a NUL character or a number out of range).',
      ),
    );
  }
  request.log.error({ err: error, requestId: request.id }, 'unhandled error');
  return sendProblem(
    reply,
    problem(
      request,
      500,
      'internal',
      `Something went wrong on our side. Quote request id ${request.id}.`,
    ),
  );
}

/**
 * A PostgreSQL "data exception" (SQLSTATE class 22, PostgreSQL appendix A): the value, not
 * the statement, was refused. The driver's errors carry `code` and `severity`.
 */
function isDataException(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code) && typeof severity === 'string';
}
