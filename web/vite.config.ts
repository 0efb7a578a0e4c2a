import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * Text files at least this big get `.br` and `.gz` siblings at build time, sent by the
 * server to clients that accept them (@fastify/static `preCompressed`). The same bound as
 * the server's on-the-fly threshold (src/server/http/compression.ts): below one TCP
 * segment, compressing saves no round trip. ADR 0016.
 */
const PRECOMPRESS_MIN_BYTES = 1400;
const PRECOMPRESSIBLE = /\.(?:js|css|html|svg|json|txt)$/;

/** Brotli at its best quality and gzip at level 9: paid once at build, not per request. */
function precompress(): Plugin {
  return {
    name: 'ketatrack-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const outDir = options.dir ?? join(root, 'dist');
      for (const fileName of Object.keys(bundle)) {
        if (!PRECOMPRESSIBLE.test(fileName)) continue;
        const path = join(outDir, fileName);
        if (statSync(path).size < PRECOMPRESS_MIN_BYTES) continue;
        const body = readFileSync(path);
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(body, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
            },
          }),
        );
        writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
      }
    },
  };
}

/** The dev server answers /r/<token> with the self-report page, as the real server does. */
function selfReportPageInDev(): Plugin {
  return {
    name: 'ketatrack-self-report-dev',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        if (req.url?.startsWith('/r/')) req.url = '/self-report.html';
        next();
      });
    },
  };
}

// React's automatic JSX runtime through Vite's built-in transform (no extra plugin).
// Two pages: the clinician app (index.html) and the patient's phone page (self-report.html),
// which loads only its own small bundle (issue 10, ADR 0016).
export default defineConfig({
  root,
  plugins: [precompress(), selfReportPageInDev()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Source maps are neither built nor served (issue 10: the map was public).
    sourcemap: false,
    rolldownOptions: {
      input: {
        main: resolve(root, 'index.html'),
        'self-report': resolve(root, 'self-report.html'),
      },
      // Code both pages import (React, shared helpers) lands in one common chunk; named
      // plainly so it is not mistaken for one page's code.
      output: { chunkFileNames: 'assets/common-[hash].js' },
      onwarn(warning, warn) {
        // react-router ships "use client" markers, meaningless in a client-only bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  oxc: { jsx: { runtime: 'automatic' } },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/healthz': 'http://127.0.0.1:3000' } },
});
