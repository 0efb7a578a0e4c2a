import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from '../../contracts/common.contract.js';
import { problem, problemTitle, sendProblem } from './errors.js';
import { STATIC_SECURITY_HEADERS } from './security-headers.js';

/** What Fastify's router refuses before any route or hook runs, in words. */
const ROUTER_REFUSALS: Readonly<Record<string, { status: number; detail: string }>> = {
  FST_ERR_BAD_URL: {
    status: 400,
    detail:
      'The address is not a valid URL: a % must be followed by two hexadecimal digits of a UTF-8 character.',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    detail: 'A part of the address is longer than any route accepts.',
  },
};

/**
 * Fastify's `frameworkErrors`: its own refusals before routing (a URL that does not
 * decode, such as `/api/v1/%`) answered as problem+json, with the security headers the
 * hooks would have set (no hook runs for these).
 */
export function frameworkErrors(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const known = ROUTER_REFUSALS[error.code];
  const status =
    known?.status ?? (error.statusCode && error.statusCode < 500 ? error.statusCode : 400);
  const detail = known?.detail ?? 'The request could not be routed.';
  reply.headers({ ...STATIC_SECURITY_HEADERS, 'x-request-id': request.id });
  void sendProblem(
    reply,
    problem(request, status, `http.${error.code.toLowerCase().replace(/^fst_err_/, '')}`, detail),
  );
}

/** Node's HTTP parser refusals (codes of llhttp, `HPE_*`), in words. */
function parserRefusal(code: string | undefined): { status: number; detail: string; code: string } {
  if (code === 'HPE_HEADER_OVERFLOW')
    return {
      status: 431,
      code: 'http.header_too_large',
      detail: 'The request headers are larger than this server accepts (16 KiB in all).',
    };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return {
      status: 408,
      code: 'http.request_timeout',
      detail: 'The request was not received in time.',
    };
  if (code === 'HPE_INVALID_HEADER_TOKEN' || code === 'HPE_INVALID_HEADER_VALUE')
    return {
      status: 400,
      code: 'http.invalid_header',
      detail: 'A header name or value holds a character HTTP does not allow.',
    };
  if (code === 'HPE_INVALID_URL' || code === 'HPE_INVALID_METHOD' || code === 'HPE_INVALID_VERSION')
    return {
      status: 400,
      code: 'http.invalid_request_line',
      detail: 'The request line (method, address, version) holds a character HTTP does not allow.',
    };
  return {
    status: 400,
    code: 'http.malformed_request',
    detail: 'The request could not be read as HTTP.',
  };
}

interface SocketWithMessage extends Socket {
  /** The response in flight on this connection, if any (Node's own field). */
  _httpMessage?: { headersSent?: boolean } | null;
}

/**
 * Fastify's `clientErrorHandler` (Node's 'clientError' event): a request Node's parser
 * refused (headers too large, a forbidden character, a timeout) gets a problem+json answer
 * with the security headers, written on the socket as Node does, then the connection ends.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const s = socket as SocketWithMessage;
  if (socket.writable && s._httpMessage?.headersSent !== true) {
    const refusal = parserRefusal(error.code);
    const requestId = randomUUID();
    const body: Problem = {
      type: `urn:ketatrack:problem:${refusal.code}`,
      title: problemTitle(refusal.status),
      status: refusal.status,
      detail: refusal.detail,
      code: refusal.code,
      requestId,
    };
    const text = JSON.stringify(body);
    const headers: Record<string, string> = {
      ...STATIC_SECURITY_HEADERS,
      'content-type': 'application/problem+json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      'x-request-id': requestId,
      connection: 'close',
    };
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(
      `HTTP/1.1 ${refusal.status} ${problemTitle(refusal.status)}\r\n${head}\r\n${text}`,
    );
  }
  socket.destroy(error);
}
