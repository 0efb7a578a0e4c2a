// Values the global set-ups hand to test files (vitest `provide`/`inject`).
declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL test server URL, or null when it is not reachable (never null under CI). */
    pgUrl: string | null;
    /** Chromium executable, or null when missing (never null under CI). */
    chromiumPath: string | null;
  }
}

export {};
