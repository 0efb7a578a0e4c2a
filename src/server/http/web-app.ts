import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Vite names every file under assets/ by its content hash: a new build means a new name. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The pages name the current assets, so a browser asks again (a 304 when nothing changed). */
export const REVALIDATE = 'no-cache';

/** The two pages a build must contain: the clinician app and the patient's self-report page. */
const PAGES = ['index.html', 'self-report.html'] as const;

/** A built web app at `root` (web/vite.config.ts), or null when none is built there. */
export function findWebApp(root: string | null): string | null {
  if (root === null) return null;
  return PAGES.every((page) => existsSync(join(root, page))) ? root : null;
}

/**
 * Serves the built files: hashed assets cached for a year, pages revalidated; `.br`/`.gz`
 * siblings made at build time sent to clients that accept them. Source maps (never built)
 * and the precompressed siblings themselves have no route. ADR 0016.
 */
export async function registerWebApp(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    preCompressed: true,
    cacheControl: false,
    globIgnore: ['**/*.br', '**/*.gz', '**/*.map'],
    setHeaders: (res, path) => {
      const file = relative(root, path).split(sep).join('/');
      res.setHeader('cache-control', file.startsWith('assets/') ? IMMUTABLE : REVALIDATE);
      res.setHeader('vary', 'accept-encoding');
    },
  });
}

/** What the not-found handler does with a GET or HEAD outside the APIs. */
export type WebFallback = 'self-report-page' | 'app-page' | 'missing-file';

/**
 * A path naming a file (under /assets/, or with an extension such as `.map`) that has no
 * route is missing: a 404, never the app's page with a 200. Any other path is one of the
 * single-page app's own routes; `/r/<token>` is the patient's self-report page.
 */
export function webFallback(path: string): WebFallback {
  if (path.startsWith('/assets/')) return 'missing-file';
  const last = path.slice(path.lastIndexOf('/') + 1);
  if (/\.[A-Za-z0-9]+$/.test(last)) return 'missing-file';
  return path.startsWith('/r/') ? 'self-report-page' : 'app-page';
}

/** Sends the page for a client-side route (the static plugin sets its headers). */
export function sendWebPage(
  reply: FastifyReply,
  page: Exclude<WebFallback, 'missing-file'>,
): FastifyReply {
  return reply.sendFile(page === 'self-report-page' ? 'self-report.html' : 'index.html');
}
