import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * The Content-Security-Policy of every response (ADR 0023): our pages load scripts, styles,
 * fonts and data from our own origin only; no inline script and no script in attributes;
 * no plugins; no page may frame ours. Styles that React sets through `style={...}` go
 * through the CSSOM, which CSP does not govern, so `style-src 'self'` needs no
 * 'unsafe-inline'. `data:` images are allowed for the API docs' icons (harmless: an image
 * runs nothing). No `upgrade-insecure-requests`: a clinic may serve plain http on its own
 * network, where that directive would break every asset.
 */
export const PAGE_POLICY: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'base-uri': ["'none'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
};

/**
 * The API reference (Swagger UI at /api/docs) adds `<style>` elements as it draws, so its
 * pages, and only they, allow inline styles; scripts stay our own files only. The page
 * shows the API's description and nothing of any patient.
 */
export const DOCS_POLICY: Readonly<Record<string, readonly string[]>> = {
  ...PAGE_POLICY,
  'style-src': ["'self'", "'unsafe-inline'"],
};

export function policyText(directives: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** HSTS for a year, only on answers to requests that came over https (RFC 6797 §7.2). */
export const HSTS = 'max-age=31536000';

/**
 * The headers that do not depend on the request, for answers written without Fastify's
 * hooks (a URL or header Node's parser or Fastify's router refused before any route).
 */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': policyText({
    'default-src': ["'none'"],
    'frame-ancestors': ["'none'"],
  }),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

/**
 * The policy of a page the server writes itself (the printable cohort report): nothing
 * loads but its own inline `<style>` elements in `<head>`, allowed by their SHA-256 hashes
 * (CSP 3 §8.3), so it carries no script of any kind and no 'unsafe-inline'. Only the head is
 * looked at: the body carries escaped data and nothing there may become a style.
 */
export function generatedPagePolicy(html: string): string {
  const head = html.slice(0, Math.max(0, html.indexOf('</head>')));
  const hashes = [...head.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(
    (m) =>
      `'sha256-${createHash('sha256')
        .update(m[1] ?? '', 'utf8')
        .digest('base64')}'`,
  );
  return policyText({
    'default-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
    'img-src': ["'self'", 'data:'],
    'style-src': hashes.length > 0 ? hashes : ["'none'"],
  });
}

/**
 * Security headers on every answer: pages, assets, API answers and problems (helmet, a
 * maintained plugin, sets them in the first onRequest hook, so even a 401 or a 404 has
 * them). Register before anything else that adds hooks. HSTS only when the request came
 * over https (directly, or through a proxy the server trusts): sent over plain http a
 * browser ignores it, and a clinic's plain-http install must stay reachable.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(
        Object.entries(PAGE_POLICY).map(([name, values]) => [name, [...values]]),
      ),
    },
    strictTransportSecurity: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
  });
}
