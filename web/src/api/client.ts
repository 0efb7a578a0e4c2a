import {
  APP_REQUEST_HEADER,
  APP_REQUEST_HEADER_VALUE,
} from '../../../src/contracts/app-request-header.contract.js';
import type { Problem } from '../../../src/contracts/common.contract.js';

/**
 * Sent with every request: the server refuses a change without it, which a form on another
 * site cannot send (ADR 0023). The self-report page sends it too.
 */
export const APP_HEADERS: Readonly<Record<string, string>> = {
  [APP_REQUEST_HEADER]: APP_REQUEST_HEADER_VALUE,
};

/** An API failure carrying the server's problem+json, with field errors for forms. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }
  get status(): number {
    return this.problem.status;
  }
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) out[e.field] ??= e.message;
    return out;
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

async function reply<T>(res: Response, path: string): Promise<T> {
  const text = await res.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const problem = (data as Problem | undefined) ?? {
      type: 'about:blank',
      title: res.statusText,
      status: res.status,
    };
    // A wrong two-step code (turning it on or off) is a 401 too, but the session lives on.
    if (
      res.status === 401 &&
      !path.startsWith('/auth/sign-in') &&
      problem.code !== 'auth.totp_invalid'
    ) {
      window.dispatchEvent(new CustomEvent('ketatrack:signed-out'));
    }
    throw new ApiError(problem);
  }
  return data as T;
}

export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method,
    credentials: 'same-origin',
    headers:
      body === undefined ? APP_HEADERS : { ...APP_HEADERS, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return reply<T>(res, path);
}

/** Sends a file as the raw request body (the browser streams it; nothing is read into a string). */
export async function apiUpload<T>(path: string, file: Blob, contentType: string): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { ...APP_HEADERS, 'content-type': contentType },
    body: file,
  });
  return reply<T>(res, path);
}

export const apiGet = <T>(path: string) => api<T>('GET', path);
export const apiPost = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const apiPatch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const apiDelete = <T>(path: string) => api<T>('DELETE', path);
