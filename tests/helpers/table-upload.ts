import type { InjectOptions } from 'fastify';
import { APP_HEADERS } from './app-headers.js';

/**
 * The request the web app sends to import a table: the file as the raw body,
 * the mapping (JSON text) and options in the query string.
 */
export function uploadRequest(a: {
  fileName?: string;
  content?: string;
  mapping?: unknown;
  dryRun?: boolean;
  onConflict?: 'error' | 'update';
}): InjectOptions {
  const query = new URLSearchParams({
    fileName: a.fileName ?? '',
    mapping: JSON.stringify(a.mapping),
    dryRun: String(a.dryRun),
    ...(a.onConflict === undefined ? {} : { onConflict: a.onConflict }),
  });
  const tsv = /\.(tsv|tab|txt)$/i.test(a.fileName ?? '');
  return {
    method: 'POST',
    url: `/api/v1/imports/table?${query.toString()}`,
    headers: {
      'content-type': tsv ? 'text/tab-separated-values' : 'text/csv',
      ...APP_HEADERS,
    },
    payload: a.content ?? '',
  };
}
