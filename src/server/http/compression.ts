import compress from '@fastify/compress';
import type { FastifyInstance, RouteOptions } from 'fastify';

/**
 * Bodies smaller than this go out as they are: under one TCP segment (~1460 bytes of
 * payload) compression saves no round trip and costs a zlib context. The web build uses
 * the same bound for its precompressed files (web/vite.config.ts). ADR 0016.
 */
export const COMPRESS_THRESHOLD_BYTES = 1400;

/**
 * Responses that carry a secret (a session's set-up, a TOTP seed, a self-report link's
 * token) are never compressed, so their sizes cannot be used to guess the secret when a
 * page also reflects attacker-chosen text (BREACH). They are small and rare; the cost is
 * nothing. ADR 0016.
 */
const SECRET_BEARING = [/^\/api\/v1\/setup$/, /^\/api\/v1\/auth\//, /\/self-report-links(?:\/|$)/];

/**
 * Which routes the plugin compresses on the fly: the data APIs (/api, /fhir). The web app's
 * files are compressed once at build time and served as such (see web-app.ts); the probes
 * answer a few bytes.
 */
export function compressesOnTheFly(url: string): boolean {
  if (!url.startsWith('/api/') && !url.startsWith('/fhir/')) return false;
  return !SECRET_BEARING.some((pattern) => pattern.test(url));
}

/**
 * Registers @fastify/compress for JSON and text responses: brotli or gzip as the client
 * prefers (zstd is left out so Node 20, 22 and 24 answer alike), streams kept as streams.
 * Request bodies are not decompressed: uploads keep the body limit they are checked by.
 * Call before any route is added, so the route rule above sees every route.
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.compress === undefined && !compressesOnTheFly(route.url)) route.compress = false;
  });
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    threshold: COMPRESS_THRESHOLD_BYTES,
    globalDecompression: false,
  });
}
